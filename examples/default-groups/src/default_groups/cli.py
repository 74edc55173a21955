"""Prints whether the lint and test tools are importable: in the image they must not be."""

import importlib.util
import sys


def main() -> None:
    if "--help" in sys.argv[1:]:
        print("usage: default-groups")
        return
    present = [name for name in ("ruff", "pytest", "coverage") if importlib.util.find_spec(name)]
    print("development tools present: " + (", ".join(present) or "none"))
