"""Observation parity: native and Python rows agree every tick (learning.md 1.2).

A random primitive drive (the parity suite's action stream) plus console ``set_rel``
commands that make friends and rivals; every tick both worlds observe all three
variants into fresh buffers and the maps, masks and row flags must be bitwise equal,
the features too except ``time_sin``/``time_cos`` (within 1e-6).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_parity import draw_actions, settings_for
from towns import native_built

from townlet.core.types import ObservationBuffers
from townlet.world import NativeWorld, PythonWorld
from townlet.world.rng import Rng

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not native_built(), reason="townlet._native is not built (run 'make build')"
    ),
]

TIME = [10, 11]  # time_sin, time_cos


def observe_both(
    py: PythonWorld,
    native: NativeWorld,
    variant: str,
    extra_rows: int = 2,
    mode: str = "primitive",
) -> tuple[ObservationBuffers, ObservationBuffers]:
    rows = len(py.agent_ids()) + extra_rows
    spec = py.observation_spec(variant, mode)  # type: ignore[arg-type]
    a = ObservationBuffers.allocate(spec, rows)
    b = ObservationBuffers.allocate(spec, rows)
    # Garbage in every buffer: both worlds must overwrite every cell.
    for buf in (a, b):
        buf.features[:] = 7.0
        if buf.map is not None:
            buf.map[:] = 7.0
    py.observe(a)
    native.observe(b)
    return a, b


def compare(
    tick: int, variant: str, a: ObservationBuffers, b: ObservationBuffers
) -> None:
    where = f"observations diverge at tick {tick} ({variant})"
    for name in ("action_mask", "alive", "uid", "ctx_reset"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), f"{where}: {name}"
    fa, fb = a.features, b.features
    exact = [c for c in range(fa.shape[1]) if c not in TIME]
    if not np.array_equal(fa[:, exact], fb[:, exact]):
        row, col = np.argwhere(fa[:, exact] != fb[:, exact])[0]
        raise AssertionError(
            f"{where}: features[{row}, {exact[col]}] {fa[row, exact[col]]} != "
            f"{fb[row, exact[col]]}"
        )
    assert np.max(np.abs(fa[:, TIME] - fb[:, TIME])) <= 1e-6, f"{where}: time"
    if a.map is None:
        assert b.map is None
    else:
        assert b.map is not None
        assert np.array_equal(a.map, b.map), (
            f"{where}: map at {np.argwhere(a.map != b.map)[0].tolist()}"
        )
    assert np.all((fa >= -1.0) & (fa <= 1.0)), f"{where}: feature out of bounds"


def relate(rng: Rng, world: Any, ids: list[str], k: int) -> None:
    a, b = ids[rng.rand_index(len(ids))], ids[rng.rand_index(len(ids))]
    if a == b:
        return
    trust = rng.rand_f64() * 2.0 - 1.0
    world.apply_command(
        {
            "cmd_id": f"rel{k}",
            "name": "set_rel",
            "args": {
                "agent_a": a,
                "agent_b": b,
                "trust": trust,
                "familiarity": rng.rand_f64(),
                "rivalry": rng.rand_f64(),
            },
        }
    )


CUSTOM = {
    "window": 7,
    "local_radius": 3,
    "wallet_scale": 7.5,
    "distance_scale": 20,
    "top_friends": 1,
    "top_rivals": 3,
    "embed_dim": 5,
    "object_categories": {"food": ["fridge"], "rest": ["bed", "stove"]},
}


@pytest.mark.parametrize(
    ("scenario", "seed", "ticks", "every", "observations"),
    [
        ("10_agents", 3, 800, 1, None),
        ("10_agents", 8, 300, 1, CUSTOM),
        ("1_agent", 4, 200, 1, None),
        ("100_agents_dorm", 5, 120, 4, None),
    ],
)
def test_observations_agree_every_tick(
    scenario: str,
    seed: int,
    ticks: int,
    every: int,
    observations: dict[str, Any] | None,
) -> None:
    settings = settings_for(scenario)
    if observations is not None:
        settings["observations"] = observations
    py, native = PythonWorld(settings), NativeWorld(settings)
    py.reset(seed)
    native.reset(seed)
    rng = Rng.for_stream(seed, "test_actions")
    seen_social = 0.0
    for t in range(ticks):
        if t % every == 0:
            for variant in ("full", "hybrid", "compact"):
                a, b = observe_both(py, native, variant)
                compare(py.tick, variant, a, b)
            seen_social += float(np.abs(a.features[:, 98:146]).sum())
        ids = py.agent_ids()
        if t % 5 == 0 and len(ids) > 1:
            for world in (py, native):
                relate(Rng.for_stream(seed + t, "test_relations"), world, ids, t)
        actions = draw_actions(rng, len(ids))
        py.step(actions, "primitive")
        native.step(actions, "primitive")
        assert py.state_hash() == native.state_hash(), f"hash diverges at {py.tick}"
    if scenario != "1_agent":
        assert seen_social > 0.0  # the social block was exercised


def test_observations_after_a_snapshot_equal_an_unbroken_run() -> None:
    """A snapshot load sets no ctx_reset: rows equal those of the unbroken run."""
    settings = settings_for("10_agents")
    native = NativeWorld(settings)
    native.reset(11)
    rng = Rng.for_stream(11, "test_actions")
    for t in range(60):
        ids = native.agent_ids()
        if t % 5 == 0:
            relate(Rng.for_stream(t, "test_relations"), native, ids, t)
        native.step(draw_actions(rng, len(ids)), "primitive")
    tree = native.export_state()
    py, copy = PythonWorld(settings), NativeWorld(settings)
    py.import_state(tree)
    copy.import_state(tree)
    for variant in ("full", "hybrid", "compact"):
        a, b = observe_both(py, native, variant)
        compare(native.tick, variant, a, b)
        c, d = observe_both(copy, native, variant)
        compare(native.tick, variant, c, d)
