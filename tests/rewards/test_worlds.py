"""The engine on both worlds: wages, the guard on a faint streak, an escape by
eating, and native vs Python rewards over a random drive (learning.md 3, 10.3)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from towns import build_world, make_settings, native_built

from townlet.config.rewards import RewardsConfig
from townlet.core.types import REWARD_COMPONENTS, ObservationBuffers
from townlet.rewards import RewardBreakdown, RewardEngine, RewardParams
from townlet.world.rng import Rng

COL = {name: k for k, name in enumerate(REWARD_COMPONENTS)}
OFFICE_ANCHOR = [36, 31]


def make_engine(world: Any, **rewards: Any) -> RewardEngine:
    """An engine for the default test settings."""
    eng = RewardEngine(
        RewardParams.from_settings(RewardsConfig(**rewards), make_settings())
    )
    return eng


def command(name: str, **args: Any) -> dict[str, Any]:
    """A console command envelope."""
    return {"cmd_id": "c", "name": name, "args": args}


def step(
    world: Any, eng: RewardEngine, *commands: Any, act: dict[int, int] | None = None
) -> RewardBreakdown:
    """Queue ``commands``, step (everyone waits but the rows in ``act``), rewards."""
    for c in commands:
        world.apply_command(c)
    actions = np.zeros(len(world.agent_ids()), dtype=np.int32)
    for i, a in (act or {}).items():
        actions[i] = a
    result = world.step(actions, "primitive")
    return eng.step(result, world.export_state)


def row(out: RewardBreakdown, agent_id: str) -> int:
    """The row of ``agent_id``."""
    return out.agent_ids.index(agent_id)


def test_a_punctual_clerk_earns_the_wage_each_tick(provider: str) -> None:
    world = build_world(provider, lifecycle__population_target=3)
    clerk = next(a["id"] for a in world.export_state()["agents"] if a["job"] == "clerk")
    eng = make_engine(world)
    step(world, eng, command("teleport", agent_id=clerk, position=OFFICE_ANCHOR))
    outs = [step(world, eng) for _ in range(125)]  # ticks 2..126; shift at 120
    wage = [float(o.components[row(o, clerk), COL["wage"]]) for o in outs]
    punctual = [float(o.components[row(o, clerk), COL["punctuality"]]) for o in outs]
    assert wage[:118] == [0.0] * 118
    assert wage[118:] == [np.float32(0.002)] * 7
    assert punctual[118] == np.float32(0.05)
    assert sum(punctual) == pytest.approx(0.05)


EAT_MEAL = 15


def test_guard_on_a_faint_streak_and_an_escape_by_eating(provider: str) -> None:
    world = build_world(provider, lifecycle__population_target=3)
    eng = make_engine(world, needs_scale=0.0001, punctuality_bonus=0.001)
    starve = [
        command("setneed", agent_id=f"agent_{uid}", needs={"hunger": 0.05})
        for uid in (0, 1)
    ]
    streak = [step(world, eng, *starve)] + [step(world, eng) for _ in range(4)]
    for out in streak[1:]:  # positive NT on every streak tick, all taken back
        for r in (0, 1):
            assert out.components[r, COL["guard_adj"]] < 0
            assert out.total[r] == 0.0
        assert out.total[2] > 0  # agent_2 is not guarded
    started = step(world, eng, act={0: EAT_MEAL})  # takes the meal; still starving
    assert started.total[0] == 0.0
    escaped = step(world, eng, act={0: EAT_MEAL})  # hunger rises: streak over
    assert escaped.components[0, COL["guard_adj"]] == 0.0
    assert escaped.total[0] > 0.0
    assert escaped.total[1] == 0.0  # agent_1 still starving
    outs = [step(world, eng) for _ in range(30)]
    fainted = [o for o in outs if o.components[1, COL["terminal"]] != 0]
    assert len(fainted) == 1
    assert fainted[0].components[1, COL["terminal"]] == np.float32(-1.0)
    assert fainted[0].total[1] == np.float32(-1.0)


def draw(rng: Rng, mask: np.ndarray) -> np.ndarray:
    """One allowed primitive per row (0 for rows with an empty mask)."""
    out = np.zeros(mask.shape[0], dtype=np.int32)
    for i in range(mask.shape[0]):
        allowed = np.flatnonzero(mask[i])
        if len(allowed):
            out[i] = allowed[rng.rand_index(len(allowed))]
    return out


@pytest.mark.skipif(not native_built(), reason="townlet._native is not built")
@pytest.mark.parametrize("seed", [0, 1])
def test_native_and_python_worlds_give_equal_rewards(seed: int) -> None:
    worlds = [
        build_world(p, seed=seed, lifecycle__population_target=6)
        for p in ("python", "native")
    ]
    engines = [make_engine(w, social_stage="C3") for w in worlds]
    spec = worlds[0].observation_spec("compact", "primitive")
    rng = Rng.for_stream(seed, "policy")
    seen = np.zeros(len(REWARD_COMPONENTS), dtype=bool)
    for t in range(1, 241):
        ids = worlds[0].agent_ids()
        buffers = ObservationBuffers.allocate(spec, len(ids))
        worlds[0].observe(buffers)
        actions = draw(rng, buffers.action_mask)
        if t % 7 == 0 and len(ids) > 1:
            a, b = ids[rng.rand_index(len(ids))], ids[rng.rand_index(len(ids))]
            for w in worlds:
                w.apply_command(command("force_chat", speaker=a, listener=b))
        outs = []
        for w, eng in zip(worlds, engines, strict=True):
            result = w.step(actions, "primitive")
            outs.append(eng.step(result, w.export_state()))
        assert outs[0].agent_ids == outs[1].agent_ids
        assert np.array_equal(outs[0].components, outs[1].components), f"tick {t}"
        assert np.array_equal(outs[0].total, outs[1].total), f"tick {t}"
        seen |= (outs[0].components != 0).any(axis=0)
    for name in ("survival", "homeostasis", "shaping", "lateness", "chat"):
        assert seen[COL[name]], f"the drive never exercised {name}"


def test_a_late_clerk_repays_the_fine_before_any_wage(provider: str) -> None:
    world = build_world(provider, lifecycle__population_target=3)
    clerk = next(a["id"] for a in world.export_state()["agents"] if a["job"] == "clerk")
    waiting = np.zeros(3, dtype=np.int32)
    for _ in range(139):  # the shift starts at tick 120; nobody comes
        world.step(waiting, "primitive")
    world.apply_command(command("teleport", agent_id=clerk, position=OFFICE_ANCHOR))
    results = [world.step(waiting, "primitive") for _ in range(60)]
    r = results[0].agent_ids.index(clerk)
    assert results[0].flags.shift_start[r] == 2  # late: 20 ticks after the start
    wages = [float(res.wages[r]) for res in results]
    # W§9.4: h = min(w, fine) is withheld until the 0.30 fine is repaid
    assert wages[:29] == [0.0] * 29
    assert wages[31:] == [0.01] * 29
    assert sum(wages) == pytest.approx(60 * 0.01 - 0.30)
    others = [i for i in range(3) if i != r]
    assert not any(res.wages[others].any() for res in results)
