"""Prints a small table: the whole app is this file, as `uv init` lays it out."""

import sys

from tabulate import tabulate

from report import rows


def main() -> int:
    if "--help" in sys.argv[1:]:
        print("usage: python main.py [--help]")
        return 0
    print(tabulate(rows(), headers=["python", "status"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
