from click.testing import CliRunner

from cli_hello import greet
from cli_hello.cli import main


def test_greet():
    assert greet("Ada") == "Hello, Ada!"
    assert greet("Ada", shout=True) == "HELLO, ADA!"


def test_cli_greets_name():
    result = CliRunner().invoke(main, ["Ada"])
    assert result.exit_code == 0
    assert result.output == "Hello, Ada!\n"


def test_cli_help():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "Greet NAME" in result.output
