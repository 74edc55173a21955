"""Prints the version of the uv it depends on: the binary of the `uv` distribution in its venv."""

import subprocess
import sys

from uv import find_uv_bin


def main() -> int:
    if "--help" in sys.argv[1:]:
        print("usage: uv-dependency [--help]\n\nPrints the version of the uv this tool runs.")
        return 0
    result = subprocess.run([find_uv_bin(), "--version"], check=True, capture_output=True, text=True)
    print(f"driving {result.stdout.strip()} from {find_uv_bin()}")
    return 0
