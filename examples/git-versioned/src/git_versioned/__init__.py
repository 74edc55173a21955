"""git-versioned: prints the version its package was installed with, and exits."""

import importlib.metadata
import sys


def main() -> None:
    """Print ``git-versioned VERSION``; with ``--help``, a line of usage before it."""
    if "--help" in sys.argv[1:]:
        print("usage: git-versioned [--help]: prints the installed version and exits")
    print(f"git-versioned {importlib.metadata.version('git-versioned')}")
