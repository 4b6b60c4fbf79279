"""Observation layout and slot embeddings, Python and native (learning.md 1.6, 1.9)."""

from __future__ import annotations

import hashlib
import itertools
from typing import Any

import pytest

from townlet.config import load_config
from townlet.core.types import PRIMITIVE_ACTION_NAMES
from townlet.errors import ConfigError, ProviderError
from townlet.world.layout import (
    PRIMITIVE_ACTIONS,
    VARIANTS,
    LayoutParams,
    embedding_table,
    observation_layout,
    slot_embedding,
)

MODES = ("option", "primitive")
CASES = list(itertools.product(VARIANTS, MODES))

# Pinned: a change here is a layout change (bump OBS_SCHEMA_VERSION if names,
# order, definitions or normalisation changed; regenerate docs/observation-layout.md).
DEFAULT_FINGERPRINTS = {
    ("full", "option"): (
        "919ced82be8fbd39dc6790a90be31cf335714423c9786b19f460992b30e515c2"
    ),
    ("full", "primitive"): (
        "eb7e43b3b5933a722e79b8431952f8d253ed9d666e3a22f5bf2c6d0d93cb0a6e"
    ),
    ("hybrid", "option"): (
        "0fec81561fe194a607dd9b320e8b2ef95f4b6664f205ade05f803c4008572125"
    ),
    ("hybrid", "primitive"): (
        "235f9749e9a3251b4e0009eeacc8035ca2c8b1da3575531a4350cb1dcb84550d"
    ),
    ("compact", "option"): (
        "08d110c13de4ab9cf0f9d4b0cd626a8be996f0ee60fb48402d33584818c1979b"
    ),
    ("compact", "primitive"): (
        "b6908f2d9339f0d6ee5a81ab7926c42e10aa7628f04e70e4046434983926eb1d"
    ),
}

# Byte k of BLAKE2s-256(b"townlet.slot.0"), k = 0..7.
ROW_ZERO_BYTES = [42, 105, 6, 198, 189, 30, 153, 134]

NON_DEFAULT = {
    "observations.window": 7,
    "observations.social.embed_dim": 4,
    "observations.social.top_friends": 1,
}


def _native() -> Any:
    from townlet import _native  # type: ignore[attr-defined]

    return _native


def layout_tree(provider: str, params: LayoutParams, variant: str, mode: str) -> Any:
    if provider == "python":
        return observation_layout(params, variant, mode).to_json()
    return _native().observation_layout(params.to_json(), variant, mode)


def table(provider: str, slots: int, dim: int) -> list[list[float]]:
    if provider == "python":
        return embedding_table(slots, dim)
    return list(_native().embedding_table(slots, dim))


@pytest.mark.parametrize(("variant", "mode"), CASES)
def test_default_fingerprints_are_pinned(
    provider: str, variant: str, mode: str
) -> None:
    tree = layout_tree(provider, LayoutParams(), variant, mode)
    assert tree["fingerprint"] == DEFAULT_FINGERPRINTS[variant, mode]


@pytest.mark.parametrize(("variant", "mode"), CASES)
@pytest.mark.parametrize("overrides", [{}, NON_DEFAULT], ids=["default", "custom"])
def test_python_and_native_layouts_are_identical(
    variant: str, mode: str, overrides: dict[str, Any]
) -> None:
    pytest.importorskip("townlet._native", reason="townlet._native is not built")
    params = LayoutParams.from_config(load_config(overrides=overrides))
    python = observation_layout(params, variant, mode)
    native = layout_tree("native", params, variant, mode)
    assert native == python.to_json()
    assert native["fingerprint"] == python.fingerprint
    digest = hashlib.sha256(python.canonical_json().encode("utf-8")).hexdigest()
    assert python.fingerprint == digest


def test_custom_config_changes_widths_and_fingerprint() -> None:
    cfg = load_config(overrides=NON_DEFAULT)
    layout = observation_layout(cfg, "full", "option")
    assert len(layout.features) == 98 + 3 * (4 + 3) + 4
    assert layout.map_shape == (18, 7, 7)
    assert dict(layout.blocks)["social"] == (98, 98 + 21)
    assert layout.fingerprint != DEFAULT_FINGERPRINTS["full", "option"]


def test_default_config_gives_the_default_params() -> None:
    assert LayoutParams.from_config(load_config()) == LayoutParams()
    assert observation_layout(load_config(), "hybrid", "option") == observation_layout(
        None, "hybrid", "option"
    )


def test_default_layout_matches_spec_indices() -> None:
    layout = observation_layout(None, "full", "primitive")
    f = layout.features
    assert len(f) == 146
    assert (f[0], f[9], f[10], f[40], f[41], f[80]) == (
        "hunger", "busy", "time_sin", "ctx_reset", "home_n", "park_dist",
    )  # fmt: skip
    assert (f[81], f[91], f[95], f[98], f[141], f[145]) == (
        "blocked_n", "price_spike", "extroversion", "soc_friend0_e0",
        "soc_rival1_riv", "soc_riv_max",
    )  # fmt: skip
    assert layout.map_shape == (18, 11, 11)
    assert layout.action_names == PRIMITIVE_ACTION_NAMES == PRIMITIVE_ACTIONS
    assert len(observation_layout(None, "full", "option").action_names) == 8
    assert len(layout.reward_components) == 12


def test_blocks_tile_the_features_and_bounds_are_signed_where_spec_says() -> None:
    layout = observation_layout(None, "compact", "option")
    assert layout.map_shape is None
    assert layout.map_channels == ()
    stops = [0] + [stop for _, (_, stop) in layout.blocks]
    assert [start for _, (start, _) in layout.blocks] == stops[:-1]
    assert stops[-1] == len(layout.features)
    signed = [i for i, (lo, _) in enumerate(layout.feature_bounds) if lo < 0]
    assert signed == [10, 11, *range(95, 146)]
    assert all(hi == 1.0 for _, hi in layout.feature_bounds)


def test_unknown_variant_and_mode_raise_the_same_message(provider: str) -> None:
    params = LayoutParams()
    with pytest.raises(
        ProviderError,
        match=r"^observation variant: expected one of full, hybrid, compact, "
        r"got 'tiny'$",
    ):
        layout_tree(provider, params, "tiny", "option")
    with pytest.raises(
        ProviderError, match=r"^mode: expected 'option' or 'primitive', got 'fast'$"
    ):
        layout_tree(provider, params, "full", "fast")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('{"window": 8}', "observations.window"),
        ('{"embed_dim": 33}', "observations.social.embed_dim"),
        ('{"object_categories": {"toys": []}}', "observations.object_categories"),
    ],
)
def test_bad_params_raise_config_error(provider: str, text: str, key: str) -> None:
    parse = (
        LayoutParams.from_json
        if provider == "python"
        else lambda t: _native().observation_layout(t, "full", "option")
    )
    with pytest.raises(ConfigError, match=r"^invalid world settings: ") as err:
        parse(text)
    assert err.value.key == key


def test_embedding_row_zero_is_pinned_and_no_row_is_zero(provider: str) -> None:
    rows = table(provider, 64, 32)
    assert [round(v * 255) for v in rows[0][:8]] == ROW_ZERO_BYTES
    assert rows[0][0] == 42 / 255
    assert all(any(v != 0.0 for v in row) for row in rows)
    assert rows == embedding_table(64, 32)
    assert slot_embedding(3, 8) == rows[3][:8]
