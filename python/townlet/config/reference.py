"""Placeholder; replaced below."""

__all__ = ["generate_reference"]


def generate_reference() -> str:
    """Return the Markdown config reference."""
    return ""
