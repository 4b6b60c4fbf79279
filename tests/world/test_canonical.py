"""Canonical encoding and hash (architecture.md 5.3), pinned for both worlds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from townlet.world.canonical import canonical_encode, canonical_hash

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parents[1] / "data" / "vectors" / "canonical_hash.json").read_text()
)["cases"]


def _tree(case: dict[str, Any]) -> Any:
    tree = case["tree"]
    if case["name"] == "scalars":  # JSON loses -0.0 and the float-ness of 5.0
        tree["negzero"] = -0.0
        tree["whole"] = 5.0
    return tree


def _encoder(provider: str) -> tuple[Any, Any]:
    if provider == "python":
        return canonical_encode, canonical_hash
    from townlet import _native  # type: ignore[attr-defined]

    return _native.canonical_encode, _native.canonical_hash


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_canonical_encoding_matches_pinned_vectors(
    provider: str, case: dict[str, Any]
) -> None:
    encode, digest = _encoder(provider)
    tree = _tree(case)
    assert bytes(encode(tree)).hex() == case["encoding_hex"]
    assert digest(tree) == case["sha256"]


def test_bool_is_encoded_as_bool_not_int(provider: str) -> None:
    encode, _ = _encoder(provider)
    assert bytes(encode(True)).hex() == "0101"
    assert bytes(encode(1)).hex() == "02" + "01" + "00" * 7


def test_float_kind_is_kept_for_whole_numbers(provider: str) -> None:
    encode, _ = _encoder(provider)
    assert bytes(encode(5.0))[0] == 0x03
    assert bytes(encode(-0.0)) == bytes(encode(0.0))


def test_dict_keys_sort_by_utf8_bytes(provider: str) -> None:
    encode, _ = _encoder(provider)
    assert encode({"b": 1, "a": 2, "B": 3}) == encode({"B": 3, "a": 2, "b": 1})


def test_unsupported_values_are_refused() -> None:
    with pytest.raises(TypeError, match="unsupported type"):
        canonical_encode({"x": {1, 2}})
    with pytest.raises(ValueError, match="does not fit i64"):
        canonical_encode(1 << 63)
    with pytest.raises(TypeError, match="is not a str"):
        canonical_encode({1: 2})
