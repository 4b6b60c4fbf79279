"""World state: the container, ``export_state`` and ``import_state`` (world.md 18).

:class:`WorldState` holds everything a tick reads or writes. ``export_state`` builds the
canonical tree of docs/world-state.md section 3 (``state_version`` 5), whose
:func:`~townlet.world.canonical.canonical_hash` is ``state_hash()``. ``import_state``
checks the whole tree first (``townlet.world.snapshot_check``) and only then replaces
the state, so a refused tree changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from townlet.world.affordance_state import (
    export_engagement,
    export_last_affordance,
    export_queue,
    import_engagement,
    import_queue,
)
from townlet.world.agents import Agent
from townlet.world.econ import export_economy, import_economy
from townlet.world.employment import export_shift, import_shift, job_index
from townlet.world.events import EventLog
from townlet.world.exits import ExitEntry, export_exits, import_exits
from townlet.world.grid import Grid
from townlet.world.manifest import ManifestTables
from townlet.world.option_state import OptState
from townlet.world.perturbations import Scheduler, p_ticks
from townlet.world.perturbations_tree import export_perturbations, import_perturbations
from townlet.world.queues import Queue
from townlet.world.rng import Rng
from townlet.world.settings import Profile, WorldSettings
from townlet.world.slots import SlotTable
from townlet.world.ties import Tie, TieSettings

__all__ = ["STATE_VERSION", "Ticket", "WorldState", "export_state", "import_state"]

STATE_VERSION = 5


@dataclass(slots=True)
class Ticket:
    """A pending newcomer (world.md 11.3)."""

    ticket_id: int
    due_tick: int
    deferred: bool = False


class WorldState:
    """All mutable world state plus the immutable settings and grid it refers to.

    Args:
        settings: the typed settings.
        grid: the loaded map.
        seed: the master seed of the ``world`` and ``events`` streams.
    """

    def __init__(self, settings: WorldSettings, grid: Grid, seed: int) -> None:
        self.settings = settings
        self.grid = grid
        self.tick = 0
        self.rng_world = Rng.for_stream(seed, "world")
        self.rng_events = Rng.for_stream(seed, "events")
        self.next_uid = 0
        self.next_ticket = 1
        self.mortality = settings.mortality
        self.population_target = settings.population_target
        self.spawn_delay_ticks = settings.spawn_delay_ticks
        self.agents: list[Agent] = []
        self.owners: list[int | None] = [None] * len(grid.objects)
        self.stock: list[list[int]] = [
            initial_stock(settings, o.type_index) for o in grid.objects
        ]
        self.base_prices: list[float] = [p for _, p in settings.prices]
        self.prices: list[float] = list(self.base_prices)
        self.exit_queue: list[ExitEntry] = []
        self.exits_today = 0
        self.last_exit_tick: int | None = None
        self.daily_exit_cap = settings.exits.daily_exit_cap
        self.exit_approvals: list[int] = []
        self.perturb = Scheduler.new(len(settings.perturbations.specs))
        self.p_ticks = p_ticks(settings.perturbations, settings.ticks_per_day)
        self.slots = SlotTable(settings.max_slots)
        self.tickets: list[Ticket] = []
        self.events = EventLog()
        self.ties: TieSettings = settings.ties
        self.profiles: dict[str, Profile] = {p.name: p for p in settings.profiles}
        self.ownable: tuple[int, ...] = tuple(
            o.index for o in grid.objects if settings.object_types[o.type_index].ownable
        )
        self.tables = ManifestTables.build(settings)
        self.activity = tuple(a.decay_multipliers for a in settings.affordances)
        self.queues: list[Queue] = [Queue() for _ in grid.objects]
        at: dict[tuple[int, int], list[int]] = {}
        for o in grid.objects:
            if settings.object_types[o.type_index].capacity > 0:
                for tile in o.interaction:
                    at.setdefault(tile, []).append(o.index)
        self._at = {tile: tuple(objs) for tile, objs in at.items()}

    def objects_at(self, x: int, y: int) -> tuple[int, ...]:
        """Objects (capacity > 0, object order) with ``(x, y)`` as interaction tile."""
        return self._at.get((x, y), ())

    def day(self) -> int:
        """Zero-based day of the current tick."""
        s = self.settings
        return (s.start_minute + self.tick) // s.ticks_per_day

    def minute(self) -> int:
        """Minute of day of the current tick."""
        s = self.settings
        return (s.start_minute + self.tick) % s.ticks_per_day


def initial_stock(settings: WorldSettings, type_index: int) -> list[int]:
    """An object's initial stock per manifest item: its type's ``stock``, else 0."""
    counts = dict(settings.object_types[type_index].stock)
    return [counts.get(item.name, 0) for item in settings.items]


def stock_tree(state: WorldState, stock: list[int]) -> dict[str, int]:
    """Stock counts by item name, in manifest item order."""
    return {item.name: stock[k] for k, item in enumerate(state.settings.items)}


def export_agent(state: WorldState, agent: Agent) -> dict[str, Any]:
    """The exported form of one agent (docs/world-state.md section 3)."""
    return {
        "uid": agent.uid,
        "id": agent.id,
        "name": agent.name,
        "slot": agent.slot,
        "origin": agent.origin,
        "spawned_tick": agent.spawned_tick,
        "alive": agent.alive,
        "terminated_tick": agent.terminated_tick,
        "position": [agent.x, agent.y],
        "home": agent.home,
        "bed": agent.bed,
        "needs": {
            "hunger": agent.hunger,
            "hygiene": agent.hygiene,
            "energy": agent.energy,
        },
        "hunger_low_ticks": agent.hunger_low_ticks,
        "wallet": agent.wallet,
        "items": {
            item.name: agent.items[k] for k, item in enumerate(state.settings.items)
        },
        "profile": agent.profile,
        "extroversion": agent.extroversion,
        "forgiveness": agent.forgiveness,
        "ambition": agent.ambition,
        "last_action": {
            "kind": agent.last_kind,
            "ok": agent.last_ok,
            "reason": agent.last_reason,
        },
        "ctx_reset": agent.ctx_reset,
        "ties": [
            {
                "other": t.other,
                "trust": t.trust,
                "familiarity": t.familiarity,
                "rivalry": t.rivalry,
                "created_tick": t.created_tick,
                "updated_tick": t.updated_tick,
            }
            for t in agent.ties
        ],
        "chat_cooldowns": {
            str(uid): agent.chat_cooldowns[uid] for uid in sorted(agent.chat_cooldowns)
        },
        "last_chat_tick": agent.last_chat_tick,
        "engagement": export_engagement(agent),
        "last_affordance": export_last_affordance(agent.last_aff),
        "rent_missed_streak": agent.rent_missed_streak,
        "job": None if agent.job is None else state.settings.jobs[agent.job].id,
        "shift": export_shift(agent.shift),
        "absence_days": list(agent.absence_days),
        "exit_pending": agent.exit_pending,
        "option": agent.opt.to_tree(),
        "possessed": agent.possessed,
    }


def export_state(state: WorldState) -> dict[str, Any]:
    """The complete, canonical state tree (docs/world-state.md section 3).

    Returns:
        A fresh JSON-able dict; mutating it does not touch the world.
    """
    s = state.settings
    return {
        "state_version": STATE_VERSION,
        "tick": state.tick,
        "identity": {"map_sha256": s.map_sha256, "manifest_sha256": s.manifest_sha256},
        "rng": {
            "world": state.rng_world.state_hex(),
            "events": state.rng_events.state_hex(),
        },
        "counters": {"next_uid": state.next_uid, "next_ticket": state.next_ticket},
        "settings": {
            "mortality": state.mortality,
            "population_target": state.population_target,
            "spawn_delay_ticks": list(state.spawn_delay_ticks),
            "daily_exit_cap": state.daily_exit_cap,
        },
        "economy": export_economy(state),
        "exits": export_exits(state),
        "perturbations": export_perturbations(state),
        "agents": [export_agent(state, a) for a in state.agents],
        "objects": [
            {
                "id": o.id,
                "owner": None if owner is None else f"agent_{owner}",
                "stock": stock_tree(state, stock),
                **export_queue(queue),
            }
            for o, owner, stock, queue in zip(
                state.grid.objects, state.owners, state.stock, state.queues, strict=True
            )
        ],
        "slots": [
            {"holder": holder, "released_tick": released}
            for holder, released in zip(
                state.slots.holders, state.slots.released, strict=True
            )
        ],
        "tickets": [
            {"ticket_id": t.ticket_id, "due_tick": t.due_tick, "deferred": t.deferred}
            for t in state.tickets
        ],
    }


def _import_agent(state: WorldState, node: Mapping[str, Any]) -> Agent:
    s = state.settings
    needs = node["needs"]
    agent = Agent(
        uid=node["uid"],
        name=node["name"],
        slot=node["slot"],
        origin=node["origin"],
        spawned_tick=node["spawned_tick"],
        position=(node["position"][0], node["position"][1]),
        needs=(needs["hunger"], needs["hygiene"], needs["energy"]),
        wallet=node["wallet"],
        items=[node["items"][item.name] for item in s.items],
    )
    agent.alive = node["alive"]
    agent.terminated_tick = node["terminated_tick"]
    agent.home = node["home"]
    agent.bed = node["bed"]
    agent.hunger_low_ticks = node["hunger_low_ticks"]
    agent.profile = node["profile"]
    agent.multipliers = state.profiles[agent.profile].decay_multipliers
    agent.extroversion = node["extroversion"]
    agent.forgiveness = node["forgiveness"]
    agent.ambition = node["ambition"]
    last = node["last_action"]
    agent.last_kind, agent.last_ok, agent.last_reason = (
        last["kind"],
        last["ok"],
        last["reason"],
    )
    agent.ctx_reset = node["ctx_reset"]
    for t in node["ties"]:
        agent.ties.insert(
            Tie(
                t["other"],
                t["trust"],
                t["familiarity"],
                t["rivalry"],
                t["created_tick"],
                t["updated_tick"],
            )
        )
    agent.chat_cooldowns = {int(k): v for k, v in node["chat_cooldowns"].items()}
    agent.last_chat_tick = node["last_chat_tick"]
    import_engagement(agent, node)
    agent.rent_missed_streak = node["rent_missed_streak"]
    agent.job = None if node["job"] is None else job_index(state, node["job"])
    agent.shift = import_shift(node["shift"])
    agent.absence_days = list(node["absence_days"])
    agent.exit_pending = node["exit_pending"]
    agent.opt = OptState.from_tree(node.get("option"))
    agent.possessed = node["possessed"]
    return agent


def import_state(state: WorldState, tree: Mapping[str, Any]) -> None:
    """Replace ``state`` by ``tree`` after checking all of it.

    Args:
        state: the world state to overwrite (its settings and grid stay).
        tree: a tree as produced by :func:`export_state`.

    Raises:
        SnapshotError: naming the first bad path; ``state`` is left unchanged.
    """
    from townlet.world.snapshot_check import check_state_tree

    check_state_tree(state, tree)
    agents = [_import_agent(state, node) for node in tree["agents"]]
    index = {o.id: o.index for o in state.grid.objects}
    owners: list[int | None] = [None] * len(state.grid.objects)
    for obj in tree["objects"]:
        owner = obj["owner"]
        owners[index[obj["id"]]] = (
            None if owner is None else int(owner[len("agent_") :])
        )
    stock = [
        [obj["stock"][item.name] for item in state.settings.items]
        for obj in tree["objects"]
    ]
    slots = SlotTable(len(tree["slots"]))
    for k, slot in enumerate(tree["slots"]):
        slots.holders[k] = slot["holder"]
        slots.released[k] = slot["released_tick"]
    settings = tree["settings"]
    state.tick = tree["tick"]
    state.rng_world = Rng.from_hex(tree["rng"]["world"])
    state.rng_events = Rng.from_hex(tree["rng"]["events"])
    state.next_uid = tree["counters"]["next_uid"]
    state.next_ticket = tree["counters"]["next_ticket"]
    state.mortality = settings["mortality"]
    state.population_target = settings["population_target"]
    state.spawn_delay_ticks = (
        settings["spawn_delay_ticks"][0],
        settings["spawn_delay_ticks"][1],
    )
    state.agents = agents
    state.queues = [import_queue(obj) for obj in tree["objects"]]
    state.owners = owners
    state.stock = stock
    state.slots = slots
    state.tickets = [
        Ticket(t["ticket_id"], t["due_tick"], t["deferred"]) for t in tree["tickets"]
    ]
    import_economy(state, tree["economy"])
    import_exits(state, tree["exits"])
    import_perturbations(state, tree["perturbations"])
    state.daily_exit_cap = settings["daily_exit_cap"]
    state.events = EventLog()
    state.events.tick = state.tick
