"""Key paths of the config models: walking, listing and suggesting keys.

The loader uses this to turn pydantic error locations into dotted key paths and to
suggest the closest valid key for a misspelt one; the reference generator uses it
to list every key. Everything is derived from the model classes, so a new field
shows up everywhere without further edits.

>>> from townlet.config.root import TownletConfig
>>> suggest_key(TownletConfig, ("world", "needs", "decay", "hungr"))
'world.needs.decay.hunger'
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterator
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel

from townlet.config.source import KeyPath, format_path

__all__ = ["all_key_paths", "clean_location", "model_at", "suggest_key", "unwrap"]

_DICT = (dict, typing.Mapping)
_SEQ = (list, tuple)


def unwrap(annotation: Any) -> Any:
    """Strip ``Annotated`` and ``X | None`` from a type annotation.

    >>> unwrap(int | None)
    <class 'int'>
    """
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _step(annotation: Any, part: str | int) -> tuple[Any, bool]:
    """Return (annotation after ``part``, whether ``part`` is a real key/index)."""
    annotation = unwrap(annotation)
    if _is_model(annotation):
        fields = annotation.model_fields
        if isinstance(part, str) and part in fields:
            return fields[part].annotation, True
        return None, True
    origin = get_origin(annotation)
    if origin in _DICT:
        args = get_args(annotation)
        return (args[1] if len(args) == 2 else Any), True
    if origin in _SEQ:
        args = get_args(annotation)
        return (args[0] if args else Any), isinstance(part, int)
    if origin in (typing.Union, types.UnionType):
        return None, False  # a union member tag in a pydantic location
    return None, True


def clean_location(root: type[BaseModel], loc: tuple[str | int, ...]) -> KeyPath:
    """Drop pydantic's union tags and ``[key]`` markers from an error location.

    >>> from townlet.config.root import TownletConfig
    >>> clean_location(TownletConfig, ("rewards", "wage_coeff", "float"))
    ('rewards', 'wage_coeff')
    """
    out: list[str | int] = []
    annotation: Any = root
    for part in loc:
        if part == "[key]":
            continue
        if annotation is None:
            out.append(part)
            continue
        after, real = _step(annotation, part)
        if real:
            out.append(part)
        annotation = after
    return tuple(out)


def model_at(root: type[BaseModel], path: KeyPath) -> type[BaseModel] | None:
    """Return the model class found at ``path``, or None if it is not a section."""
    annotation: Any = root
    for part in path:
        annotation, _ = _step(annotation, part)
        if annotation is None:
            return None
    annotation = unwrap(annotation)
    return annotation if _is_model(annotation) else None


def all_key_paths(root: type[BaseModel]) -> Iterator[tuple[str, ...]]:
    """Yield the dotted path of every field, sections before their fields.

    Fields inside mappings and lists of sections are written with a ``<name>`` or
    ``[i]`` placeholder, e.g. ``("world", "jobs[]", "id")``.
    """

    def walk(
        model: type[BaseModel], prefix: tuple[str, ...]
    ) -> Iterator[tuple[str, ...]]:
        for name, info in model.model_fields.items():
            path = (*prefix, name)
            yield path
            inner = unwrap(info.annotation)
            if _is_model(inner):
                yield from walk(inner, path)
                continue
            origin = get_origin(inner)
            args = get_args(inner)
            if origin in _DICT and len(args) == 2 and _is_model(unwrap(args[1])):
                yield from walk(unwrap(args[1]), (*prefix, f"{name}.<name>"))
            elif origin in _SEQ and args and _is_model(unwrap(args[0])):
                yield from walk(unwrap(args[0]), (*prefix, f"{name}[]"))

    yield from walk(root, ())


def suggest_key(root: type[BaseModel], path: KeyPath) -> str | None:
    """Return the closest valid key path to an unknown ``path``, or None.

    Siblings are tried first (a typo); then every key of the model (a key put in
    the wrong section).
    """
    if not path or not isinstance(path[-1], str):
        return None
    parent, bad = path[:-1], path[-1]
    model = model_at(root, parent)
    if model is not None:
        close = difflib.get_close_matches(
            bad, list(model.model_fields), n=1, cutoff=0.6
        )
        if close:
            return format_path((*parent, close[0]))
    dotted = format_path(path)
    candidates = [
        ".".join(p)
        for p in all_key_paths(root)
        if not any("<" in s or "[" in s for s in p)
    ]
    close = difflib.get_close_matches(dotted, candidates, n=1, cutoff=0.75)
    if close:
        return close[0]
    tails = [c for c in candidates if c.rsplit(".", 1)[-1] == bad]
    return tails[0] if len(tails) == 1 else None
