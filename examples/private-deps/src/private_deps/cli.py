"""Command-line entry point for ``private-deps``."""

import argparse

from private_deps import message


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Print a greeting from a private index and a git dependency."
    )
    parser.parse_args()
    print(message())


if __name__ == "__main__":
    main()
