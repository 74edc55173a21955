"""Command-line entry point for ``native-build``."""

import argparse

from native_build import report


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Print the CPU count and memory the container sees."
    )
    parser.parse_args()
    print(report())


if __name__ == "__main__":
    main()
