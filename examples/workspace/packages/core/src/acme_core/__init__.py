"""acme-core: helpers shared across the acme workspace."""

__all__ = ["greeting", "slugify"]


def slugify(text: str) -> str:
    """Lower-case ``text`` and join its alphanumeric words with hyphens."""
    words = "".join(c if c.isalnum() else " " for c in text.lower()).split()
    return "-".join(words)


def greeting(name: str) -> dict[str, str]:
    """Build the greeting payload served by acme-api."""
    return {"message": f"Hello, {name}!", "slug": slugify(name)}
