"""The committed config reference is current, and every field is documented."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from townlet.config import TownletConfig, generate_reference
from townlet.config.keys import all_key_paths, model_at, unwrap
from townlet.config.reference import reference_is_current

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "config-reference.md"


def test_committed_reference_is_current() -> None:
    assert reference_is_current(REFERENCE), (
        "docs/config-reference.md is stale; regenerate it with "
        "'townlet config doc --out docs/config-reference.md'"
    )


def _models(model: type[BaseModel]) -> list[type[BaseModel]]:
    seen = [model]
    for path in all_key_paths(model):
        if any("<" in p or "[" in p for p in path):
            continue
        inner = model_at(model, path)
        if inner is not None and inner not in seen:
            seen.append(inner)
    return seen


def test_every_field_has_a_description_with_its_default() -> None:
    missing = []
    for path in all_key_paths(TownletConfig):
        parent = TownletConfig
        for part in path[:-1]:
            step = part.removesuffix("[]").removesuffix(".<name>")
            field = parent.model_fields[step].annotation
            inner = unwrap(field)
            args = getattr(inner, "__args__", ())
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                parent = inner
            else:
                parent = unwrap(args[-1] if "<" in part else args[0])
        info = parent.model_fields[path[-1]]
        text = info.description or ""
        if "Default: " not in text or len(text) < 20:
            missing.append(".".join(path))
    assert missing == []


def test_reference_lists_every_key() -> None:
    text = generate_reference()
    for path in all_key_paths(TownletConfig):
        key = ".".join(path)
        inner = model_at(TownletConfig, path)
        if inner is None and "<" not in key and "[" not in key:
            assert f"`{key}`" in text, key
