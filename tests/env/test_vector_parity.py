"""The vector API gives the same rows for every thread count and on both backends,
bit for bit (learning.md 4.4 rules 5 and 6)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from towns import native_built
from vec_towns import churn_config, make, masked_random

NAMES = (
    "features",
    "map",
    "action_mask",
    "alive",
    "uid",
    "ctx_reset",
    "rewards",
    "reward_components",
    "terminated",
    "truncated",
    "final_features",
    "final_map",
)


def _drive(towns: int, ticks: int, **kwargs: Any) -> list[dict[str, np.ndarray]]:
    """Rows of every step under masked random actions (seeded)."""
    vec = make(towns, **kwargs)
    obs, _ = vec.reset()
    rng = np.random.default_rng(17)
    frames = []
    for _ in range(ticks):
        vec.step(masked_random(obs.buffers.action_mask, rng))
        frames.append({name: vec.buffers[name].copy() for name in NAMES})
    return frames


def _assert_same(
    a: list[dict[str, np.ndarray]], b: list[dict[str, np.ndarray]]
) -> None:
    assert len(a) == len(b)
    for tick, (x, y) in enumerate(zip(a, b, strict=True)):
        for name in NAMES:
            assert np.array_equal(x[name], y[name]), (
                f"{name} differs at step {tick + 1}"
            )


@pytest.mark.skipif(not native_built(), reason="townlet._native is not built")
def test_one_and_eight_threads_agree() -> None:
    config = churn_config(**{"env.max_ticks": 90})
    one = _drive(6, 160, backend="native", num_threads=1, config=config)
    eight = _drive(6, 160, backend="native", num_threads=8, config=config)
    _assert_same(one, eight)
    assert any(f["terminated"].any() for f in one)
    assert any(f["truncated"].any() for f in one)


@pytest.mark.skipif(not native_built(), reason="townlet._native is not built")
def test_native_and_python_backends_agree_bit_for_bit() -> None:
    config = churn_config(**{"env.max_ticks": 150})
    native = _drive(2, 220, backend="native", config=config)
    python = _drive(2, 220, backend="python", config=config)
    _assert_same(native, python)
    assert any(f["terminated"].any() for f in native)
    assert any((~f["alive"]).any() for f in native)


@pytest.mark.skipif(not native_built(), reason="townlet._native is not built")
@pytest.mark.parametrize(
    ("variant", "mode"), [("full", "primitive"), ("compact", "option")]
)
def test_other_variants_and_modes_agree(variant: str, mode: Any) -> None:
    from townlet.env import VectorTownlet

    config = churn_config(**{"env.max_ticks": 50})

    def drive(backend: Any) -> list[dict[str, np.ndarray]]:
        vec = VectorTownlet(1, config, variant, mode, seed=1, backend=backend)
        obs, _ = vec.reset()
        rng = np.random.default_rng(4)
        frames = []
        for _ in range(80):
            vec.step(masked_random(obs.buffers.action_mask, rng))
            frames.append(
                {
                    n: vec.buffers[n].copy()
                    for n in NAMES
                    if vec.buffers.get(n) is not None
                }
            )
        return frames

    native, python = drive("native"), drive("python")
    for tick, (x, y) in enumerate(zip(native, python, strict=True)):
        assert x.keys() == y.keys()
        for name in x:
            assert np.array_equal(x[name], y[name]), (
                f"{name} differs at step {tick + 1}"
            )
