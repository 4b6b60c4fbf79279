"""docs/console.md's command reference is generated from the catalogue."""

from __future__ import annotations

from pathlib import Path

from townlet.console.docgen import catalogue_markdown, render_into

DOC = Path(__file__).resolve().parents[2] / "docs" / "console.md"


def test_console_doc_reference_is_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert render_into(text) == text, "run: python -m townlet.console.docgen"
    assert catalogue_markdown() in text
