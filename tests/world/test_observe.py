"""Observation spec and the masks of the slice (contract section 7)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from towns import TINY_MAP, build_world

from townlet.core.types import PRIMITIVE_ACTION_NAMES, ObservationBuffers
from townlet.errors import ConfigError, ProviderError


def buffers_for(world: object, rows: int) -> ObservationBuffers:
    spec = world.observation_spec("compact", "primitive")  # type: ignore[attr-defined]
    return ObservationBuffers.allocate(spec, rows)


def test_primitive_spec_has_nineteen_actions_and_the_layout(provider: str) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=1)
    spec = world.observation_spec("hybrid", "primitive")
    assert spec.action_names == PRIMITIVE_ACTION_NAMES
    assert spec.num_actions == 19
    assert (len(spec.features), spec.map_shape, spec.variant) == (
        146,
        (6, 11, 11),
        "hybrid",
    )
    assert world.observation_spec("compact", "primitive").map_shape is None


def test_option_spec_has_eight_actions_and_unknown_variants_fail(
    provider: str,
) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=1)
    spec = world.observation_spec("compact", "option")
    assert spec.action_names == (
        "Wait",
        "GetFed",
        "GetClean",
        "Sleep",
        "Work",
        "ShopGroceries",
        "Socialise",
        "GoHome",
    )
    assert (spec.num_actions, spec.action_mode) == (8, "option")
    with pytest.raises(ProviderError, match="observation variant: expected one of"):
        world.observation_spec("tiny", "primitive")


def test_alive_rows_allow_wait_and_moves_onto_walkable_tiles(provider: str) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=2)
    buffers = buffers_for(world, 4)
    world.observe(buffers)
    # agent_0 at (2, 1): wall north, floor east, water south, bed west; it may
    # sleep in its own bed (5) and eat the meal and raw food it carries (15, 16).
    roles = [1] + [0] * 9 + [1, 1]
    assert buffers.action_mask[0].tolist() == [1, 0, 1, 0, 0, *roles, 0, 0]
    # agent_1 at (6, 2): bed north, wall east, floor south, floor west.
    assert buffers.action_mask[1].tolist() == [1, 0, 0, 1, 1, *roles, 0, 0]
    assert buffers.alive[:2].tolist() == [True, True]
    assert buffers.uid[:2].tolist() == [0, 1]
    assert buffers.ctx_reset[:2].tolist() == [True, True]


def test_ctx_reset_is_cleared_at_the_next_tick(provider: str) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=1)
    world.step(np.zeros(1, dtype=np.int32), "primitive")
    buffers = buffers_for(world, 1)
    world.observe(buffers)
    assert buffers.ctx_reset.tolist() == [False]


def test_terminated_rows_allow_only_wait(provider: str) -> None:
    world = build_world(
        provider,
        TINY_MAP,
        lifecycle__population_target=1,
        lifecycle__faint_ticks=1,
        agents__needs={"hunger": 0.05, "hygiene": 0.8, "energy": 0.8},
    )
    result = world.step(np.zeros(1, dtype=np.int32), "primitive")
    assert result.terminated == [("agent_0", "faint")]
    buffers = buffers_for(world, 1)
    world.observe(buffers)
    assert buffers.action_mask[0].tolist() == [1] + [0] * 18
    assert buffers.alive.tolist() == [False]
    assert buffers.uid.tolist() == [0]


def test_buffers_of_the_wrong_dtype_are_refused_by_name(provider: str) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=1)
    buffers = buffers_for(world, 1)
    buffers.alive = np.zeros(1, dtype=np.int64)
    with pytest.raises(
        ProviderError, match=r"^alive buffer: expected C-contiguous bool"
    ):
        world.observe(buffers)


def test_buffers_with_too_few_rows_are_refused(provider: str) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=2)
    with pytest.raises(
        ProviderError, match=r"^action_mask buffer: .*got int8 of shape"
    ):
        world.observe(buffers_for(world, 1))


def test_rows_past_the_agents_are_vacant(provider: str) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=1)
    buffers = buffers_for(world, 3)
    buffers.action_mask[:] = 1
    buffers.alive[:] = True
    world.observe(buffers)
    assert buffers.action_mask[1:].tolist() == [[1] + [0] * 18] * 2
    assert buffers.alive.tolist() == [True, False, False]
    assert buffers.uid.tolist() == [0, -1, -1]
    assert buffers.ctx_reset.tolist() == [True, False, False]


def spec_buffers(world: Any, variant: str, rows: int) -> ObservationBuffers:
    spec = world.observation_spec(variant, "primitive")
    return ObservationBuffers.allocate(spec, rows)


@pytest.mark.parametrize(
    ("field", "bad", "message"),
    [
        ("features", np.zeros((1, 145), np.float32), r"^features buffer: expected"),
        ("features", np.zeros((1, 146), np.float64), r"^features buffer: expected"),
        ("map", np.zeros((1, 6, 9, 9), np.float32), r"^map buffer: expected"),
        ("map", np.zeros((1, 7, 11, 11), np.float32), r"^map buffer: expected"),
        ("map", np.zeros((1, 6, 11, 11), np.float16), r"^map buffer: expected"),
        ("uid", np.zeros(1, np.int32), r"^uid buffer: expected"),
        ("ctx_reset", np.zeros(2, np.bool_), r"^ctx_reset buffer: expected"),
        (
            "features",
            np.zeros((1, 292), np.float32)[:, ::2],
            r"^features buffer: expected C-contiguous",
        ),
    ],
)
def test_each_bad_buffer_is_refused_by_name(
    provider: str, field: str, bad: Any, message: str
) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=1)
    buffers = spec_buffers(world, "hybrid", 1)
    setattr(buffers, field, bad)
    with pytest.raises(ProviderError, match=message):
        world.observe(buffers)


def test_read_only_buffers_are_refused(provider: str) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=1)
    buffers = spec_buffers(world, "full", 1)
    assert buffers.map is not None
    buffers.map.flags.writeable = False
    with pytest.raises(ProviderError, match=r"^map"):
        world.observe(buffers)


def test_compact_has_no_map_and_vacant_rows_are_zero(provider: str) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=1)
    compact = spec_buffers(world, "compact", 3)
    assert compact.map is None
    compact.features[:] = 5.0
    world.observe(compact)
    assert compact.features[0].any()
    assert not compact.features[1:].any()
    full = spec_buffers(world, "full", 3)
    assert full.map is not None
    full.map[:] = 5.0
    world.observe(full)
    assert full.map.shape == (3, 18, 11, 11)
    assert not full.map[1:].any()
    assert np.array_equal(full.features, compact.features)
    # The centre of the self channel, and the off-grid wall ring around the window.
    assert full.map[0, 0, 5, 5] == 1.0
    assert full.map[0, 0].sum() == 1.0


def test_terminated_rows_keep_a_final_observation(provider: str) -> None:
    world = build_world(
        provider,
        TINY_MAP,
        lifecycle__population_target=1,
        lifecycle__faint_ticks=1,
        agents__needs={"hunger": 0.05, "hygiene": 0.8, "energy": 0.8},
    )
    world.step(np.zeros(1, dtype=np.int32), "primitive")
    buffers = spec_buffers(world, "hybrid", 1)
    world.observe(buffers)
    spec = world.observation_spec("hybrid", "primitive")
    features = dict(zip(spec.features, buffers.features[0].tolist(), strict=True))
    assert features["hunger"] == pytest.approx(0.05 - 0.0012 * 1.0, abs=1e-3)
    assert features["faint_countdown"] == 1.0
    assert features["ctx_reset"] == 0.0
    assert buffers.ctx_reset.tolist() == [False]
    assert buffers.map is not None
    # The dead agent is not counted in its own agents channel.
    assert buffers.map[0, 1].sum() == 0.0


def test_observations_section_is_checked(provider: str) -> None:
    with pytest.raises(ConfigError, match=r"observations\.local_radius"):
        build_world(provider, TINY_MAP, observations={"local_radius": 11})
    with pytest.raises(ConfigError, match=r"observations\.window"):
        build_world(provider, TINY_MAP, observations={"window": 8})
    world = build_world(
        provider,
        TINY_MAP,
        lifecycle__population_target=1,
        observations={"window": 5, "top_friends": 1, "top_rivals": 0, "embed_dim": 4},
    )
    spec = world.observation_spec("full", "primitive")
    assert spec.map_shape == (18, 5, 5)
    assert len(spec.features) == 98 + 7 + 4
    buffers = ObservationBuffers.allocate(spec, 1)
    world.observe(buffers)
    assert buffers.features[0, 0] == pytest.approx(0.8)


def test_local_counts_and_home_hint_on_a_tiny_map(provider: str) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=2)
    for cmd_id, args in (
        ("s", {"position": [2, 3], "profile": "balanced"}),
        ("t0", {"agent_id": "agent_0", "position": [2, 3]}),
        ("t1", {"agent_id": "agent_1", "position": [5, 5]}),
    ):
        name = "spawn" if cmd_id == "s" else "teleport"
        world.apply_command({"cmd_id": cmd_id, "name": name, "args": args})
    world.step(np.zeros(2, dtype=np.int32), "primitive")
    spec = world.observation_spec("compact", "primitive")
    buffers = ObservationBuffers.allocate(spec, 3)
    world.observe(buffers)
    f = dict(zip(spec.features, buffers.features[0].tolist(), strict=True))
    # agent_0 at (2, 3) shares its tile with agent_2; agent_1 is 3 tiles away.
    assert f["agents_here"] == 0.25
    assert f["agents_near"] == 0.25  # 2 others within radius 5
    assert f["nearest_agent"] == 0.0
    # North of (2, 3) is the pond at (2, 2); the other neighbours are floor.
    flags = [f[f"blocked_{d}"] for d in "nesw"]
    assert flags == [1.0, 0.0, 0.0, 0.0]
    # home_a's anchor is its first walkable tile, (2, 1), behind the pond and bed_1:
    # 6 steps round the pond's east end, so the hint points east; D = 8 + 8.
    assert f["home_dist"] == 6 / 16
    assert [f[f"home_{d}"] for d in "nesw"] == [0.0, 1.0, 0.0, 0.0]
    # No job site, no park, no objects of the other kinds: unreachable reads 1.
    assert f["work_dist"] == f["park_dist"] == f["fridge_dist"] == 1.0
