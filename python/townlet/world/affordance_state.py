"""Engagements, ``last_affordance`` and object queues in the state tree.

The exported forms of docs/world-state.md section 3 (state version 4), their import
and their snapshot checks (messages identical to the Rust core's
``affordances/state.rs``).

>>> export_last_affordance(None) is None
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from townlet.errors import SnapshotError
from townlet.world.agents import Agent
from townlet.world.queues import Holder, Queue, Waiter

if TYPE_CHECKING:
    from townlet.world.state import WorldState

__all__ = [
    "ENGAGEMENT_KINDS",
    "ENGAGEMENT_SHAPE",
    "LAST_AFFORDANCE_SHAPE",
    "QUEUE_SHAPE",
    "check_agent_engagement",
    "check_queues",
    "export_engagement",
    "export_last_affordance",
    "export_queue",
    "import_engagement",
    "import_queue",
]

ENGAGEMENT_KINDS = ("none", "waiting", "holding", "running", "using")
"""Engagement kinds (world.md 6.2)."""
_UID = re.compile(r"0|[1-9][0-9]{0,9}")
RESULTS = ("started", "completed", "failed")
"""``last_affordance.result`` values."""

ENGAGEMENT_SHAPE: dict[str, Any] = {
    "kind": "str",
    "object": ("opt", "int"),
    "affordance": ("opt", "int"),
    "remaining": "int",
    "started_tick": "int",
    "cost_paid": "float",
}
"""Snapshot schema of ``agents[i].engagement``."""
LAST_AFFORDANCE_SHAPE: Any = (
    "opt",
    {"affordance": "int", "result": "str", "reason": "int", "tick": "int"},
)
"""Snapshot schema of ``agents[i].last_affordance``."""
QUEUE_SHAPE: dict[str, Any] = {
    "holders": ("list", {"uid": "int", "granted_tick": "int", "stall": "int"}),
    "waiters": ("list", {"uid": "int", "joined_tick": "int", "intent": "int"}),
    "cut_in_until": ("items", "int"),
}
"""Snapshot schema of the queue keys of ``objects[k]``."""


def export_engagement(agent: Agent) -> dict[str, Any]:
    """``{kind, object, affordance, remaining, started_tick, cost_paid}``."""
    return {
        "kind": agent.eng,
        "object": None if agent.eng_obj < 0 else agent.eng_obj,
        "affordance": None if agent.eng_aff < 0 else agent.eng_aff,
        "remaining": agent.eng_remaining,
        "started_tick": agent.eng_started,
        "cost_paid": agent.eng_cost,
    }


def export_last_affordance(
    last: tuple[int, str, int, int] | None,
) -> dict[str, Any] | None:
    """``{affordance, result, reason, tick}`` or None."""
    if last is None:
        return None
    return {
        "affordance": last[0],
        "result": last[1],
        "reason": last[2],
        "tick": last[3],
    }


def export_queue(queue: Queue) -> dict[str, Any]:
    """``{holders, waiters, cut_in_until}`` of one object."""
    return {
        "holders": [
            {"uid": h.uid, "granted_tick": h.granted_tick, "stall": h.stall}
            for h in queue.holders
        ],
        "waiters": [
            {"uid": w.uid, "joined_tick": w.joined_tick, "intent": w.intent}
            for w in queue.waiters
        ],
        "cut_in_until": {
            str(uid): queue.cut_in_until[uid] for uid in sorted(queue.cut_in_until)
        },
    }


def import_engagement(agent: Agent, node: Mapping[str, Any]) -> None:
    """Set the engagement and ``last_affordance`` of ``agent`` from its tree node."""
    e = node["engagement"]
    agent.eng = e["kind"]
    agent.eng_obj = -1 if e["object"] is None else e["object"]
    agent.eng_aff = -1 if e["affordance"] is None else e["affordance"]
    agent.eng_remaining = e["remaining"]
    agent.eng_started = e["started_tick"]
    agent.eng_cost = e["cost_paid"]
    last = node["last_affordance"]
    agent.last_aff = (
        None
        if last is None
        else (last["affordance"], last["result"], last["reason"], last["tick"])
    )


def import_queue(node: Mapping[str, Any]) -> Queue:
    """The queue of one object from its tree node."""
    return Queue(
        [Holder(h["uid"], h["granted_tick"], h["stall"]) for h in node["holders"]],
        [Waiter(w["uid"], w["joined_tick"], w["intent"]) for w in node["waiters"]],
        {int(k): v for k, v in node["cut_in_until"].items()},
    )


def _fail(path: str, what: str) -> SnapshotError:
    return SnapshotError(f"{path}: {what}")


def _range(value: int, lo: int, hi: int, path: str) -> None:
    if not lo <= value <= hi:
        raise _fail(path, f"must be in [{lo}, {hi}], got {value}")


def check_agent_engagement(
    state: WorldState, tree: Mapping[str, Any], a: Mapping[str, Any], p: str
) -> None:
    """Value checks of ``engagement`` and ``last_affordance`` of one agent."""
    e, at = a["engagement"], f"{p}.engagement"
    kind = e["kind"]
    if kind not in ENGAGEMENT_KINDS:
        raise _fail(f"{at}.kind", f"unknown kind '{kind}'")
    n_obj, n_aff = len(state.grid.objects) - 1, len(state.settings.affordances) - 1
    if (e["object"] is None) != (kind in ("none", "using")):
        raise _fail(f"{at}.object", f"does not match kind '{kind}'")
    if e["object"] is not None:
        _range(e["object"], 0, n_obj, f"{at}.object")
    if (e["affordance"] is None) != (kind == "none"):
        raise _fail(f"{at}.affordance", f"does not match kind '{kind}'")
    if e["affordance"] is not None:
        _range(e["affordance"], 0, n_aff, f"{at}.affordance")
    _range(e["remaining"], 0, 10080, f"{at}.remaining")
    _range(e["started_tick"], -1, tree["tick"], f"{at}.started_tick")
    last = a["last_affordance"]
    if last is not None:
        lp = f"{p}.last_affordance"
        _range(last["affordance"], 0, n_aff, f"{lp}.affordance")
        if last["result"] not in RESULTS:
            raise _fail(f"{lp}.result", f"unknown result '{last['result']}'")
        _range(last["reason"], 0, 32, f"{lp}.reason")
        _range(last["tick"], 0, tree["tick"], f"{lp}.tick")


def check_queues(state: WorldState, tree: Mapping[str, Any]) -> None:
    """Queue checks: capacity, and holders/waiters agree with the engagements."""
    agents = {a["uid"]: a for a in tree["agents"]}
    for k, obj in enumerate(tree["objects"]):
        cap = state.settings.object_types[state.grid.objects[k].type_index].capacity
        p = f"objects[{k}]"
        if len(obj["holders"]) > cap:
            raise _fail(
                f"{p}.holders",
                f"expected at most {cap} holders, got {len(obj['holders'])}",
            )
        for j, h in enumerate(obj["holders"]):
            a = agents.get(h["uid"])
            e = None if a is None else a["engagement"]
            if e is None or e["kind"] not in ("holding", "running") or e["object"] != k:
                raise _fail(
                    f"{p}.holders[{j}].uid", f"{h['uid']} is not holding object {k}"
                )
        for j, w in enumerate(obj["waiters"]):
            a = agents.get(w["uid"])
            e = None if a is None else a["engagement"]
            if e is None or e["kind"] != "waiting" or e["object"] != k:
                raise _fail(
                    f"{p}.waiters[{j}].uid", f"{w['uid']} is not waiting at object {k}"
                )
        for key in sorted(obj["cut_in_until"]):
            if not (_UID.fullmatch(key) and int(key) in agents):
                raise _fail(f"{p}.cut_in_until", f"'{key}' is not the uid of an agent")
    for i, a in enumerate(tree["agents"]):
        e = a["engagement"]
        if e["kind"] in ("waiting", "holding", "running"):
            obj = tree["objects"][e["object"]]
            where = obj["waiters"] if e["kind"] == "waiting" else obj["holders"]
            if sum(1 for x in where if x["uid"] == a["uid"]) != 1:
                raise _fail(
                    f"agents[{i}].engagement",
                    f"{a['id']} is not in the queue of object {e['object']}",
                )
