def greeting(name: str) -> str:
    return f"hello, {name}, from a package kept beside the app"
