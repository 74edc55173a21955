"""The shared library: installed into the environment as a workspace dependency of the app."""


def greeting(name: str) -> str:
    return f"hello, {name}"
