"""A sibling module, imported by main.py from the working directory."""

import platform


def rows() -> list[tuple[str, str]]:
    return [(platform.python_version(), "ok")]
