"""Command-line entry point for ``cli-hello``."""

import click

from cli_hello import greet


@click.command()
@click.argument("name", default="world")
@click.option("--shout", is_flag=True, help="Print the greeting in upper case.")
@click.option("--count", default=1, show_default=True, help="How many times to greet.")
def main(name: str, shout: bool, count: int) -> None:
    """Greet NAME (default: world)."""
    for _ in range(count):
        click.echo(greet(name, shout=shout))


if __name__ == "__main__":
    main()
