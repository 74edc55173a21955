"""Command-line entry point: settings from `config.toml`, the greeting from `messages/`."""

import sys
import tomllib
from pathlib import Path


def main() -> None:
    with open("config.toml", "rb") as file:
        config = tomllib.load(file)
    template = Path("messages/en.txt").read_text(encoding="utf-8")
    name = sys.argv[1] if len(sys.argv) > 1 else "world"
    for _ in range(config["count"]):
        print(template.strip().format(name=name))


if __name__ == "__main__":
    main()
