"""A package found by setuptools' flat-layout discovery."""
