"""Command-line entry point for ``path-dependency``."""

import argparse

from greeting import greeting


def main() -> None:
    parser = argparse.ArgumentParser(description="Print a greeting from libs/greeting.")
    parser.add_argument("name", nargs="?", default="world")
    print(greeting(parser.parse_args().name))


if __name__ == "__main__":
    main()
