"""cli-hello: a tiny greeting command."""


def greet(name: str, shout: bool = False) -> str:
    """Return the greeting for ``name``."""
    message = f"Hello, {name}!"
    return message.upper() if shout else message
