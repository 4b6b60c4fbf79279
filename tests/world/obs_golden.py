"""The golden observation scenario shared by the test and its regenerate script.

A 12x10 town with a home (bed, fridge, stove, shower, door), a cafe (till, counter),
a park (bench, pond) and roads; four agents, two of them stacked on one tile, a
friend tie, an avoided rival and a mild rival, everyone employed as a barista at the
cafe; then agent_2 is killed so its row is a final observation. Phase 3 puts agent_0
in the shower (busy), agent_1 in its queue (waiting) and agent_3 at work on time,
under an active price spike and blackout; in phase 4 agent_0 has released and agent_1,
one step off the shower, holds the reservation. :func:`snapshots` observes every
variant after each phase with one vacant row past the agents and encodes the rows as
readable JSON: features by name (non-zero only), each map channel as strings with
one character per tile (``.`` 0, ``1`` 1, ``a`` 1/3, ``b`` 2/3, ``q``/``h``/``t``
1/4, 1/2, 3/4).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from towns import build_world

from townlet.core.types import ObservationBuffers

GOLDEN_MAP = """townlet-map 1
name golden
size 12 10
object B bed
object F fridge
object S stove
object H shower
object T till
object C counter
object N bench
zone home_a home 0 0 5 3
zone cafe_c cafe 6 0 11 3
zone park_p park 0 6 5 9 anchor 1 6
grid
############
#B.F.#T..C.#
#B.S.+.....#
#H...#.....#
##+###+#####
=====@======
,,,,,,======
,,N,,,======
,,~~,,======
,,,,,,======
"""

_CODES = {0.0: ".", 1.0: "1", 1 / 3: "a", 2 / 3: "b", 0.25: "q", 0.5: "h", 0.75: "t"}
CODES = {float(np.float32(v)): c for v, c in _CODES.items()}


def encode_plane(plane: Any) -> list[str]:
    """One string per window row; raises on a value outside the code table."""
    return ["".join(CODES[float(v)] for v in row) for row in plane]


def encode(world: Any, variant: str) -> dict[str, Any]:
    """Observe ``variant`` with one vacant row and encode every buffer."""
    spec = world.observation_spec(variant, "primitive")
    rows = len(world.agent_ids()) + 1
    buffers = ObservationBuffers.allocate(spec, rows)
    world.observe(buffers)
    out: list[dict[str, Any]] = []
    for r in range(rows):
        row: dict[str, Any] = {
            "alive": bool(buffers.alive[r]),
            "uid": int(buffers.uid[r]),
            "ctx_reset": bool(buffers.ctx_reset[r]),
            "mask": "".join(str(int(v)) for v in buffers.action_mask[r]),
            "features": {
                name: float(v)
                for name, v in zip(spec.features, buffers.features[r], strict=True)
                if v != 0.0
            },
        }
        if buffers.map is not None:
            row["map"] = {
                name: encode_plane(buffers.map[r, c])
                for c, name in enumerate(spec.map_channels)
            }
        out.append(row)
    return {"variant": variant, "rows": out}


def command(name: str, **args: Any) -> dict[str, Any]:
    """A console command envelope."""
    return {"cmd_id": name, "name": name, "args": args}


BARISTA = {
    "id": "barista",
    "site": "cafe_c",
    "positions": 4,
    "shift_start": 362,
    "shift_length": 480,
    "wage_per_tick": 0.01,
}
"""The only job: the shift starts at minute 362, phase 2's tick."""


def step(world: Any, **ids: int) -> None:
    """One primitive step; ``ids`` maps agent ids to action ids (others wait)."""
    agents = world.agent_ids()
    actions = np.array([ids.get(a, 0) for a in agents], dtype=np.int32)
    world.step(actions, "primitive")


def snapshots(provider: str) -> dict[str, Any]:
    """Run the scenario in ``provider`` and encode every variant after each phase."""
    world = build_world(
        provider,
        GOLDEN_MAP,
        seed=3,
        lifecycle__population_target=2,
        jobs=[BARISTA],
    )
    waits = np.zeros(0, dtype=np.int32)
    for c in (
        command("spawn", position=[4, 2], profile="balanced"),
        command("spawn", position=[4, 2], profile="stoic"),
        command(
            "set_rel",
            agent_a="agent_0",
            agent_b="agent_1",
            trust=0.6,
            familiarity=0.4,
            rivalry=0.0,
        ),
        command(
            "set_rel",
            agent_a="agent_0",
            agent_b="agent_2",
            trust=-0.5,
            familiarity=0.1,
            rivalry=0.9,
        ),
        command(
            "set_rel",
            agent_a="agent_0",
            agent_b="agent_3",
            trust=0.0,
            familiarity=-0.2,
            rivalry=0.3,
        ),
        command("teleport", agent_id="agent_0", position=[3, 3]),
    ):
        world.apply_command(c)
    world.step(np.zeros(len(world.agent_ids()), dtype=np.int32), "primitive")
    out: dict[str, Any] = {"phase_1": {}, "phase_2": {}}
    for variant in ("full", "hybrid", "compact"):
        out["phase_1"][variant] = encode(world, variant)
    world.apply_command(command("kill", agent_id="agent_2"))
    waits = np.zeros(len(world.agent_ids()), dtype=np.int32)
    waits[0] = 2  # agent_0 steps east
    world.step(waits, "primitive")
    for variant in ("full", "hybrid", "compact"):
        out["phase_2"][variant] = encode(world, variant)
    for c in (
        command("teleport", agent_id="agent_0", position=[2, 3]),
        command("teleport", agent_id="agent_1", position=[2, 3]),
        command("teleport", agent_id="agent_3", position=[8, 2]),
    ):
        world.apply_command(c)
    step(world)
    step(world, agent_0=6)  # wash: agent_0 runs the shower
    for c in (
        command(
            "perturbation_trigger",
            spec="price_spike",
            duration=60,
            magnitude=1.5,
            targets=["cafe"],
        ),
        command("perturbation_trigger", spec="blackout", duration=60),
    ):
        world.apply_command(c)
    step(world, agent_1=6)  # wash: agent_1 queues behind agent_0
    out["phase_3"] = {v: encode(world, v) for v in ("full", "hybrid", "compact")}
    step(world, agent_0=18, agent_1=2)  # release; agent_1 steps east and is granted
    out["phase_4"] = {v: encode(world, v) for v in ("full", "hybrid", "compact")}
    return out
