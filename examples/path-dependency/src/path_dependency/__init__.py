"""Prints a greeting from `greeting`, a package in libs/ installed by path."""
