"""Greets with a package from a private index and one built from a git checkout.

Both are imported here, so that even ``private-deps --help`` proves they are installed.
"""

from acme_greeting import greeting
from tinygit import origin


def message() -> str:
    return f"{greeting()}, and {origin()}"
