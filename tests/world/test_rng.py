"""Pinned vectors of architecture.md 5.4 (tests/data/vectors/rng.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from townlet.world.rng import Rng, SplitMix64, fnv1a64

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "data" / "vectors" / "rng.json").read_text()
)


@pytest.mark.parametrize(
    ("seed", "key"), [(0, "seed_0_first_5"), (1234567, "seed_1234567_first_5")]
)
def test_splitmix64_matches_pinned_outputs(seed: int, key: str) -> None:
    gen = SplitMix64(seed)
    assert [f"{gen.next_u64():016x}" for _ in range(5)] == VECTORS["splitmix64"][key]


def test_fnv1a64_matches_pinned_hashes() -> None:
    for text, expected in VECTORS["fnv1a64"].items():
        assert f"{fnv1a64(text.encode())}" == str(int(expected, 16))


@pytest.mark.parametrize(
    "case", VECTORS["streams"], ids=lambda c: f"{c['master_seed']}-{c['name']}"
)
def test_stream_draws_match_pinned_sequence(case: dict[str, Any]) -> None:
    rng = Rng.for_stream(int(case["master_seed"]), case["name"])
    assert rng.state_hex() == case["initial_state"]
    assert [f"{rng.next_u64():016x}" for _ in range(8)] == case["next_u64_first_8"]
    assert [repr(rng.rand_f64()) for _ in range(4)] == case["rand_f64_next_4"]
    assert [rng.rand_index(7) for _ in range(10)] == case["rand_index_7_next_10"]
    items = list(range(10))
    rng.shuffle(items)
    assert items == case["shuffle_range_10"]
    assert rng.state_hex() == case["state_after"]


def test_stream_state_roundtrips_through_hex() -> None:
    rng = Rng.for_stream(42, "world")
    rng.next_u64()
    copy = Rng.from_hex(rng.state_hex())
    assert [copy.next_u64() for _ in range(3)] == [rng.next_u64() for _ in range(3)]


def test_shuffle_of_short_lists_makes_no_draw() -> None:
    rng = Rng.for_stream(0, "world")
    before = rng.state_hex()
    rng.shuffle([1])
    rng.shuffle([])
    assert rng.state_hex() == before
