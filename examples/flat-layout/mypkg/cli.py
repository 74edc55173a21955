"""The console script: prints a greeting, or its usage with --help."""

import sys


def main() -> None:
    if "--help" in sys.argv[1:]:
        print("usage: flat-layout [NAME]")
        return
    name = sys.argv[1] if len(sys.argv) > 1 else "world"
    print(f"hello, {name}")
