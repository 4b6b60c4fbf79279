"""Hand-built ticks for the reward tests: a StepResult and its state tree.

The flags come from the scene the way the worlds set them: ``hunger_low_ticks`` and
``exit_pending`` from the agent nodes, ``shift_start``/``shift_absent`` from the
events, ``terminal`` from ``terminated`` and ``spawned`` from ``spawned``."""

from __future__ import annotations

from typing import Any

import numpy as np

from townlet.config.rewards import RewardsConfig
from townlet.core.types import TERMINAL_CODES, RowFlags, StepResult
from townlet.rewards import RewardEngine, RewardParams

WAGE = 0.01
FINE = 0.3


def engine(**rewards: Any) -> RewardEngine:
    """An engine with one job ``clerk`` paying 0.01 per tick and a 0.3 fine."""
    params = RewardParams.build(
        RewardsConfig(**rewards), {"clerk": WAGE}, lateness_fine=FINE
    )
    return RewardEngine(params)


def agent(uid: int, **kw: Any) -> dict[str, Any]:
    """One agent node of the state tree with the fields the engine reads."""
    shift = {"state": "off", "day": -1, "present_ticks": 0, "fine_outstanding": 0.0}
    shift.update(kw.pop("shift", {}))
    node = {
        "uid": uid,
        "id": f"agent_{uid}",
        "hunger_low_ticks": 0,
        "exit_pending": False,
        "job": None,
        "shift": shift,
        "ties": [],
    }
    node.update(kw)
    return node


def tie(other: int, trust: float, fam: float, rivalry: float = 0.0) -> dict[str, Any]:
    """A tie node toward ``other``."""
    return {"other": other, "trust": trust, "familiarity": fam, "rivalry": rivalry}


def tick(
    agents: list[dict[str, Any]],
    before: list[list[float]] | None = None,
    after: list[list[float]] | None = None,
    *,
    t: int = 5,
    events: list[dict[str, Any]] | None = None,
    terminated: list[tuple[str, str]] | None = None,
    spawned: list[str] | None = None,
    wages: list[float] | None = None,
) -> tuple[StepResult, dict[str, Any]]:
    """A StepResult (needs default to 1.0, wages to 0) and the tree after it."""
    n = len(agents)
    ids = [a["id"] for a in agents]
    full = [[1.0, 1.0, 1.0]] * n
    events = events or []
    flags = RowFlags.empty(n)
    for i, a in enumerate(agents):
        flags.hunger_low_ticks[i] = a["hunger_low_ticks"]
        flags.exit_pending[i] = a["exit_pending"]
    for e in events:
        shift_event = e["name"] in ("shift_started", "shift_absent")
        if not shift_event or e["agent_id"] not in ids:
            continue
        i = ids.index(e["agent_id"])
        if e["name"] == "shift_absent":
            flags.shift_absent[i] = True
        else:
            flags.shift_start[i] = 2 if e["status"] == "late" else 1
    for agent_id, reason in terminated or []:
        flags.terminal[ids.index(agent_id)] = TERMINAL_CODES[reason]
    for agent_id in spawned or []:
        flags.spawned[ids.index(agent_id)] = True
    result = StepResult(
        tick=t,
        events=[{"tick": t, "seq": k, **e} for k, e in enumerate(events)],
        terminated=terminated or [],
        spawned=spawned or [],
        command_results=[],
        agent_ids=ids,
        needs_before=np.array(before or full, dtype=np.float64).reshape(n, 3),
        needs_after=np.array(after or full, dtype=np.float64).reshape(n, 3),
        wages=np.array(wages or [0.0] * n, dtype=np.float64),
        flags=flags,
    )
    return result, {"agents": agents}
