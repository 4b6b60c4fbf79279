"""World-derived state sections, built from the canonical state tree (§1.3).

The tree of ``world.export_state()`` is the same on both worlds (architecture.md
5.1), so records built from it are identical whichever provider runs. Static facts
(object type and position, the map, affordance names) come from ``world.view()`` and
``manifest_tables()`` once, in :class:`StaticInfo`.

A field the tree does not hold is left out rather than invented: object
``interaction_tiles``, ``powered`` and ``watered`` and the agent's ``late_ticks_today``
are optional in the schema and absent here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from townlet.world.layout import OPTION_ACTIONS

__all__ = ["StaticInfo", "WorldSections", "build_sections"]

_TIE_FRIEND = 0.5
_TIE_RIVAL = 0.7


@dataclass(frozen=True)
class StaticInfo:
    """What never changes during a run: the map and each object's type and tile."""

    map: Mapping[str, Any]
    object_types: Mapping[str, str]
    object_pos: Mapping[str, list[int]]
    affordances: Sequence[str]

    @classmethod
    def from_world(cls, world: Any) -> StaticInfo:
        """Read the view and the manifest tables once."""
        view = world.view()
        legend = {ch: ch for row in view.rows for ch in row}
        tables = getattr(world, "manifest_tables", None)
        names = list(tables()["affordances"]) if callable(tables) else []
        return cls(
            map={
                "width": view.width,
                "height": view.height,
                "rows": list(view.rows),
                "legend": dict(sorted(legend.items())),
            },
            object_types={o["id"]: str(o["type"]) for o in view.objects},
            object_pos={o["id"]: list(o["position"]) for o in view.objects},
            affordances=names,
        )


@dataclass(frozen=True)
class WorldSections:
    """The sections of one refresh (each a fresh object)."""

    agents: dict[str, Any]
    objects: dict[str, Any]
    economy: dict[str, Any]
    employment: dict[str, Any]
    perturbations: dict[str, Any]
    relationships: dict[str, Any]


def _option_name(index: int) -> str:
    """An option id as its learning.md name (``Wait`` for out-of-range ids)."""
    return OPTION_ACTIONS[index] if 0 <= index < len(OPTION_ACTIONS) else "Wait"


def _top_ties(ties: Sequence[Mapping[str, Any]], ids: Mapping[int, str]) -> list[Any]:
    """The top-2 friends (by trust) and top-2 rivals (by rivalry)."""
    friends = sorted(ties, key=lambda t: (-t["trust"], t["other"]))[:2]
    rivals = sorted(ties, key=lambda t: (-t["rivalry"], t["other"]))[:2]
    out = [
        {
            "other": ids.get(int(t["other"]), str(t["other"])),
            "kind": kind,
            "trust": t["trust"],
            "familiarity": t["familiarity"],
            "rivalry": t["rivalry"],
        }
        for kind, group in (("friend", friends), ("rival", rivals))
        for t in group
        if (t["trust"] > 0 if kind == "friend" else t["rivalry"] > 0)
    ]
    return out


def _engagement(
    eng: Mapping[str, Any], objects: Sequence[str], names: Sequence[str]
) -> tuple[str | None, dict[str, Any] | None]:
    """``(target object id, affordance record)`` of an engagement."""
    obj = eng.get("object")
    object_id = (
        objects[obj] if isinstance(obj, int) and 0 <= obj < len(objects) else None
    )
    if eng.get("kind") != "running":
        return object_id, None
    aff = eng.get("affordance")
    name = names[aff] if isinstance(aff, int) and 0 <= aff < len(names) else str(aff)
    return object_id, {
        "object_id": object_id,
        "affordance": name,
        "remaining_ticks": int(eng.get("remaining", 0)),
    }


def _agent(
    a: Mapping[str, Any],
    tick: int,
    ids: Mapping[int, str],
    objects: Sequence[str],
    queues: Mapping[int, dict[str, Any]],
    static: StaticInfo,
) -> dict[str, Any]:
    """One AgentRecord."""
    option = a.get("option") or {}
    target, affordance = _engagement(
        a.get("engagement") or {}, objects, static.affordances
    )
    shift = a.get("shift") or {}
    job_id = a.get("job")
    job = None
    if job_id is not None:
        job = {
            "job_id": job_id,
            "on_shift": shift.get("state") in ("on_time", "late"),
            "shift_state": shift.get("state", "off"),
            "wages_withheld": shift.get("withheld", 0.0),
            "exit_pending": bool(a.get("exit_pending", False)),
        }
    return {
        "id": a["id"],
        "name": a["name"],
        "pos": list(a["position"]),
        "alive": bool(a["alive"]),
        "option": _option_name(int(option.get("active", 0))),
        "option_ticks": max(0, tick - int(option.get("start", tick))),
        "primitive": (a.get("last_action") or {}).get("kind", "wait"),
        "target": target,
        "queue": queues.get(int(a["uid"])),
        "affordance": affordance,
        "needs": dict(a["needs"]),
        "wallet": a["wallet"],
        "inventory": dict(a["items"]),
        "job": job,
        "top_ties": _top_ties(a.get("ties") or (), ids),
        "personality": a.get("profile"),
        "possessed": bool(a.get("possessed", False)),
    }


def _object(
    o: Mapping[str, Any],
    ids: Mapping[int, str],
    running: Mapping[str, dict[str, Any]],
    static: StaticInfo,
) -> dict[str, Any]:
    """One ObjectRecord."""
    holders = [ids.get(int(h["uid"]), str(h["uid"])) for h in o.get("holders", ())]
    return {
        "id": o["id"],
        "type": static.object_types.get(o["id"], "unknown"),
        "pos": static.object_pos.get(o["id"], [0, 0]),
        "occupied_by": holders[0] if holders else None,
        "queue": [ids.get(int(w["uid"]), str(w["uid"])) for w in o.get("waiters", ())],
        "stock": dict(o.get("stock") or {}),
        "running": running.get(o["id"]),
    }


def build_sections(
    tree: Mapping[str, Any],
    static: StaticInfo,
    previous: WorldSections | None = None,
    previous_raw: dict[str, Any] | None = None,
) -> WorldSections:
    """All world-derived sections of one tick from ``export_state()``.

    Object records whose raw entry and running affordance are unchanged since
    ``previous`` are reused as the same objects, so the next diff skips them by
    identity; ``previous_raw`` (object id -> raw entry) is updated in place.
    """
    tick = int(tree["tick"])
    agents_tree = tree["agents"]
    ids = {int(a["uid"]): a["id"] for a in agents_tree}
    object_ids = [o["id"] for o in tree["objects"]]
    queues: dict[int, dict[str, Any]] = {}
    for o in tree["objects"]:
        for position, waiter in enumerate(o.get("waiters", ())):
            queues[int(waiter["uid"])] = {"object_id": o["id"], "position": position}
    agents: dict[str, Any] = {}
    running: dict[str, dict[str, Any]] = {}
    for a in agents_tree:
        if not a["alive"]:
            continue
        record = _agent(a, tick, ids, object_ids, queues, static)
        agents[a["id"]] = record
        if record["affordance"] is not None and record["target"] is not None:
            running[record["target"]] = {
                "agent": a["id"],
                "affordance": record["affordance"]["affordance"],
                "remaining_ticks": record["affordance"]["remaining_ticks"],
            }
    old = previous.objects if previous is not None else {}
    raw = previous_raw if previous_raw is not None else {}
    objects: dict[str, Any] = {}
    for o in tree["objects"]:
        oid = o["id"]
        cached = old.get(oid)
        if (
            cached is None
            or raw.get(oid) != o
            or cached["running"] != running.get(oid)
            or (o.get("holders") or o.get("waiters"))
        ):
            cached = _object(o, ids, running, static)
        objects[oid] = cached
        raw[oid] = o
    return WorldSections(
        agents=agents,
        objects=objects,
        economy=_economy(tree, agents),
        employment=_employment(tree, agents),
        perturbations=_perturbations(tree.get("perturbations") or {}),
        relationships=_relationships(agents_tree),
    )


def _economy(tree: Mapping[str, Any], agents: Mapping[str, Any]) -> dict[str, Any]:
    """Prices and the money supply (meals held by the live agents)."""
    economy = tree.get("economy") or {}
    return {
        "prices": dict(economy.get("prices") or {}),
        "money_supply": round(sum(a["wallet"] for a in agents.values()), 6),
    }


def _employment(tree: Mapping[str, Any], agents: Mapping[str, Any]) -> dict[str, Any]:
    """Jobs with their workers, the exit queue and the caps."""
    jobs: dict[str, dict[str, Any]] = {}
    for record in agents.values():
        job = record["job"]
        if job is not None:
            jobs.setdefault(job["job_id"], {"workers": []})["workers"].append(
                record["id"]
            )
    exits = tree.get("exits") or {}
    settings = tree.get("settings") or {}
    return {
        "jobs": dict(sorted(jobs.items())),
        "exit_queue": list(exits.get("queue") or []),
        "exits_today": int(exits.get("exits_today", 0)),
        "daily_exit_cap": settings.get("daily_exit_cap"),
        "spawn_delay_ticks": settings.get("spawn_delay_ticks"),
        "mortality": settings.get("mortality"),
    }


def _perturbations(tree: Mapping[str, Any]) -> dict[str, Any]:
    """Active and pending perturbation events and the agent cooldowns."""
    return {
        "active": list(tree.get("active") or []),
        "pending": list(tree.get("pending") or []),
        "cooldowns": {"agents": dict(tree.get("agent_cooldowns") or {})},
    }


def _relationships(agents_tree: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Tie count and mutual friend and rival pairs among live agents."""
    trust: dict[tuple[int, int], float] = {}
    rivalry: dict[tuple[int, int], float] = {}
    count = 0
    for a in agents_tree:
        if not a["alive"]:
            continue
        for tie in a.get("ties") or ():
            count += 1
            trust[(int(a["uid"]), int(tie["other"]))] = tie["trust"]
            rivalry[(int(a["uid"]), int(tie["other"]))] = tie["rivalry"]
    friends = sum(
        1
        for (a, b), value in trust.items()
        if a < b and value >= _TIE_FRIEND and trust.get((b, a), 0.0) >= _TIE_FRIEND
    )
    rivals = sum(
        1
        for (a, b), value in rivalry.items()
        if a < b and (value >= _TIE_RIVAL or rivalry.get((b, a), 0.0) >= _TIE_RIVAL)
    )
    return {"tie_count": count, "friend_pairs": friends, "rival_pairs": rivals}
