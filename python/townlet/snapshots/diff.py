"""Structural diffs of snapshots (``townlet snapshot diff``, operations.md 3.9).

:func:`diff_trees` walks two JSON trees and lists ``(dotted path, value in A, value in
B)`` for every leaf that differs, a key present on one side only (``<absent>``), or a
list whose length differs (then compared up to the shorter length).

>>> diff_trees({"a": [1, 2], "b": 1}, {"a": [1, 3], "c": 2})
[('a[1]', 2, 3), ('b', 1, '<absent>'), ('c', '<absent>', 2)]
"""

from __future__ import annotations

from typing import Any

__all__ = ["ABSENT", "diff_documents", "diff_trees"]

ABSENT = "<absent>"


def diff_trees(
    a: Any, b: Any, path: str = "", limit: int = 200
) -> list[tuple[str, Any, Any]]:
    """Leaf differences between ``a`` and ``b``, at most ``limit``."""
    out: list[tuple[str, Any, Any]] = []
    _walk(a, b, path, out, limit)
    return out


def _walk(
    a: Any, b: Any, path: str, out: list[tuple[str, Any, Any]], limit: int
) -> None:
    """Append differences below ``path``."""
    if len(out) >= limit:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            sub = f"{path}.{key}" if path else str(key)
            if key not in b:
                out.append((sub, a[key], ABSENT))
            elif key not in a:
                out.append((sub, ABSENT, b[key]))
            else:
                _walk(a[key], b[key], sub, out, limit)
            if len(out) >= limit:
                return
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append((f"{path}.length", len(a), len(b)))
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            _walk(x, y, f"{path}[{i}]", out, limit)
    elif a != b or type(a) is not type(b):
        out.append((path, a, b))


def diff_documents(
    a: dict[str, Any], b: dict[str, Any], section: str | None = None, limit: int = 200
) -> dict[str, list[tuple[str, Any, Any]]]:
    """``{"header": [...], "state": [...]}`` differences of two snapshot documents.

    ``created_at`` and ``run_id`` are lineage, not content, and are not compared.
    """
    skip = {"state", "created_at", "run_id"}
    ha = {k: v for k, v in a.items() if k not in skip}
    hb = {k: v for k, v in b.items() if k not in skip}
    sa, sb = a.get("state", {}), b.get("state", {})
    prefix = ""
    if section is not None:
        sa, sb, prefix = sa.get(section), sb.get(section), section
    return {
        "header": diff_trees(ha, hb, limit=limit),
        "state": diff_trees(sa, sb, prefix, limit=limit),
    }
