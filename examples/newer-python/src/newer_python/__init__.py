"""newer-python: a tiny CLI that genuinely needs Python 3.13.

``copy.replace`` and ``warnings.deprecated`` were both added in Python 3.13, so
importing this module on an older interpreter fails immediately.
"""

import argparse
import copy
import platform
import sys
from dataclasses import dataclass
from warnings import deprecated  # new in Python 3.13


@dataclass(frozen=True)
class Release:
    major: int
    minor: int
    micro: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.micro}"


def running_release() -> Release:
    info = sys.version_info
    return Release(info.major, info.minor, info.micro)


def next_minor(release: Release) -> Release:
    """Return the next minor release, built with ``copy.replace`` (new in 3.13)."""
    return copy.replace(release, minor=release.minor + 1, micro=0)


@deprecated("use running_release() instead")
def python_version() -> str:
    return platform.python_version()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="newer-python",
        description="Report the running Python and the next minor release after it.",
    )
    parser.add_argument("--next", action="store_true", help="also print the next minor release")
    args = parser.parse_args(argv)

    current = running_release()
    print(f"Running on Python {current} ({platform.python_implementation()})")
    if args.next:
        print(f"Next minor release: {next_minor(current)}")
    return 0
