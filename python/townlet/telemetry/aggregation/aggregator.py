"""Aggregation: the tick's events plus the loop's read-only faces -> a TickState.

Runs on the simulation thread (loop step 7, operations.md 1.2). Events arrive one by
one through :meth:`Aggregator.on_event`; world events become ``events`` items (with
``kind`` = the world event name; a payload field that is itself called ``kind``,
such as a queue conflict's ``blocked``/``cut_in``, travels as ``type``) and
narration candidates, console results go to
``console_results``. At a due ``loop.tick`` (every ``telemetry.every_n_ticks``) the
aggregator returns an immutable :class:`TickState`.

Cost model. Delta items and the clock are built every due tick. The world-derived
sections (agents, objects, economy, employment, perturbations, relationships,
rewards, policy) need ``world.export_state()`` plus record building, together
several ticks' worth of work, so they are refreshed every
``telemetry.world_every_ticks`` (default 60, one simulated hour; ``townlet serve``
uses 1) and on the first state. KPIs and their history are cheap and refresh every
``telemetry.kpi.history_every_ticks`` (10). Between refreshes a state reuses the
same section objects, so its diff is only the clock and the delta items.

The aggregator also keeps the read model of §1.1 row 4: the latest state, the last
200 narrations and console results, and the KPI history.
"""

from __future__ import annotations

import bisect
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from townlet.config.telemetry import TelemetryConfig
from townlet.core.types import TelemetryEvent
from townlet.telemetry.aggregation.kpis import KpiHistory, band, kpi_values
from townlet.telemetry.aggregation.narration import Narrator
from townlet.telemetry.aggregation.records import (
    StaticInfo,
    WorldSections,
    build_sections,
)
from townlet.telemetry.frames import SCHEMA_VERSION, TickState

__all__ = ["Aggregator", "TickSource"]

TICKS_PER_DAY = 1440
PAYLOAD_KIND = "type"
"""Where a payload's own ``kind`` field goes (``kind`` names the event, T-4)."""
_READ_MODEL = 200


class TickSource(Protocol):
    """What aggregation reads from the loop (the loop satisfies it).

    Attributes are read-only faces: ``world`` (``export_state``, ``view``),
    ``policy`` (``provider``, ``identity()``), ``kpis`` (``as_dict()`` or ``None``),
    ``last_rewards`` (``as_telemetry()`` or ``None``), ``run_id``, ``config_id``,
    ``seed``, ``variant`` and ``providers_payload()``. An optional
    ``stability_info()`` returning ``{metrics, alerts, promotion}`` fills the
    ``stability`` section (the stability monitor's hook).
    """

    run_id: str
    config_id: str
    seed: int
    variant: str

    @property
    def world(self) -> Any:
        """The world runtime."""

    @property
    def policy(self) -> Any:
        """The policy backend."""

    @property
    def kpis(self) -> Any:
        """The KPI tracker or ``None``."""

    @property
    def last_rewards(self) -> Any:
        """The last reward breakdown or ``None``."""

    def providers_payload(self) -> dict[str, Any]:
        """``{world, policy, telemetry: {name, requested, is_stub, reason}}``."""


class TickDurations:
    """Wall time between consecutive ``loop.tick`` events, as histogram buckets.

    Feeds ``townlet_tick_duration_seconds`` (operations.md 1.10): one
    ``perf_counter`` and one bisect per tick. Never deterministic content.
    """

    BOUNDS = (
        1e-4,
        2.5e-4,
        5e-4,
        1e-3,
        2.5e-3,
        5e-3,
        1e-2,
        2.5e-2,
        5e-2,
        0.1,
        0.25,
        1.0,
    )

    def __init__(self) -> None:
        self.counts = [0] * (len(self.BOUNDS) + 1)
        self.sum_seconds = 0.0
        self._last: float | None = None

    def observe(self, now: float) -> None:
        """Count the time since the previous tick."""
        last, self._last = self._last, now
        if last is None:
            return
        seconds = now - last
        self.counts[bisect.bisect_left(self.BOUNDS, seconds)] += 1
        self.sum_seconds += seconds

    def buckets(self) -> list[tuple[str, int]]:
        """Cumulative ``(le, count)`` pairs, ``+Inf`` last."""
        out, total = [], 0
        for bound, count in zip((*self.BOUNDS, float("inf")), self.counts, strict=True):
            total += count
            out.append(("+Inf" if bound == float("inf") else repr(bound), total))
        return out


def clock_of(tick: int) -> dict[str, Any]:
    """``{day, minute_of_day, hhmm}`` of a tick.

    >>> clock_of(1_500)
    {'day': 1, 'minute_of_day': 60, 'hhmm': '01:00'}
    """
    minute = tick % TICKS_PER_DAY
    return {
        "day": tick // TICKS_PER_DAY,
        "minute_of_day": minute,
        "hhmm": f"{minute // 60:02d}:{minute % 60:02d}",
    }


class Aggregator:
    """Builds tick states from events and the bound source.

    Args:
        config: the ``telemetry`` section (defaults when ``None``).
        meta: extra ``meta`` keys known at build time (``config_label``,
            ``config_path``, ``townlet_version``).
        health: called per state for the ``health.telemetry`` counters.
    """

    def __init__(
        self,
        config: TelemetryConfig | None = None,
        *,
        meta: Mapping[str, Any] | None = None,
        health: Callable[[], Mapping[str, Any]] | None = None,
    ) -> None:
        self.config = config or TelemetryConfig()
        self.narrator = Narrator(self.config.narration)
        self.history = KpiHistory(
            self.config.kpi.history_every_ticks, self.config.kpi.history_points
        )
        self._meta_extra = dict(meta or {})
        self._health = health
        self._source: TickSource | None = None
        self._static: StaticInfo | None = None
        self._built: WorldSections | None = None
        self._raw_objects: dict[str, Any] = {}
        self._sections: dict[str, Any] | None = None
        self._events: list[Mapping[str, Any]] = []
        self._narrations: list[Mapping[str, Any]] = []
        self._console: list[Mapping[str, Any]] = []
        self._loop_seq = 0
        self._meta: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
        self._rate: deque[tuple[float, int]] = deque(maxlen=64)
        self._health_now: dict[str, Any] | None = None
        self.events_accepted = 0
        self.latest: TickState | None = None
        self.recent_narrations: deque[Mapping[str, Any]] = deque(maxlen=_READ_MODEL)
        self.recent_console: deque[Mapping[str, Any]] = deque(maxlen=_READ_MODEL)
        self.world_events_total: dict[str, int] = {}
        self.tick_durations = TickDurations()
        self.failures = 0

    @property
    def source(self) -> TickSource | None:
        """The bound loop (``None`` before :meth:`bind`)."""
        return self._source

    @property
    def meta_extra(self) -> dict[str, Any]:
        """The build-time ``meta`` keys."""
        return dict(self._meta_extra)

    # -- input -------------------------------------------------------------------

    def bind(self, source: TickSource) -> None:
        """Attach the loop (before its first event)."""
        self._source = source

    def on_event(self, event: TelemetryEvent) -> TickState | None:
        """Take one event; return a state at a due ``loop.tick``."""
        kind = event.kind
        if kind.startswith("world."):
            name = kind[6:]
            record = {"eid": event.payload.get("eid"), "tick": event.tick, "kind": name}
            for key, value in event.payload.items():
                record[PAYLOAD_KIND if key == "kind" else key] = value
            self._events.append(record)
            self.world_events_total[name] = self.world_events_total.get(name, 0) + 1
            self.narrator.observe(name, record)
        elif kind == "loop.tick":
            self.tick_durations.observe(time.perf_counter())
            return self._on_tick(event.tick, event.payload)
        elif kind == "loop.rewards":
            return None  # read from the source at refresh ticks
        elif kind == "console.narrate":
            self.narrator.narrate(event.payload, event.tick)
        elif kind == "console.result":
            result = {k: v for k, v in event.payload.items() if k != "token"}
            self._console.append(result)
            self.recent_console.append(result)
        else:
            if kind == "loop.providers":
                self._on_providers(event.payload)
            elif kind == "loop.failure":
                self.failures += 1
            self._loop_seq += 1
            record = {"eid": f"{event.tick}:L{self._loop_seq}", "tick": event.tick}
            record["kind"] = kind
            for key, value in event.payload.items():
                record[PAYLOAD_KIND if key == "kind" else key] = value
            self._events.append(record)
        self.events_accepted += kind != "console.result"
        return None

    def _on_providers(self, payload: Mapping[str, Any]) -> None:
        """Fill ``meta`` from the ``loop.providers`` event."""
        source = self._source
        meta = {
            "config_id": payload.get("config_id", ""),
            "config_label": self._meta_extra.get("config_label", ""),
            "seed": payload.get("seed", 0),
            "townlet_version": self._meta_extra.get("townlet_version", "0"),
            "ticks_per_day": TICKS_PER_DAY,
            "obs_variant": getattr(source, "variant", ""),
            "providers": payload.get("providers", {}),
            "degraded": list(payload.get("degraded", [])),
        }
        if self._meta_extra.get("config_path"):
            meta["config_path"] = self._meta_extra["config_path"]
        self._meta = meta
        if self._sections is not None:
            self._sections = {**self._sections, "meta": meta}

    # -- states ------------------------------------------------------------------

    def _on_tick(self, tick: int, payload: Mapping[str, Any]) -> TickState | None:
        """Close the tick: narrations now, a state when due."""
        narrations = self.narrator.end_tick(tick)
        if narrations:
            self._narrations.extend(narrations)
            self.recent_narrations.extend(narrations)
        if tick % self.config.every_n_ticks:
            return None
        if self._sections is None or tick % self.config.world_every_ticks == 0:
            self._refresh(tick)
            self._health_now = self._health_section(tick)
        elif tick % self.history.every == 0 and self._built is not None:
            self._refresh_kpis(tick)
        return self._state(tick)

    def pending_state(self, tick: int) -> TickState | None:
        """A last state with the delta items not yet in one (for ``stop``)."""
        if not (self._events or self._narrations or self._console):
            return None
        if self._sections is None:
            self._sections = {"meta": self._meta, "map": {}}
            self._health_now = self._health_section(tick)
        return self._state(tick)

    def _state(self, tick: int) -> TickState:
        """Wrap the current sections and the collected delta items."""
        assert self._sections is not None
        state = TickState(
            tick=tick,
            clock=clock_of(tick),
            sections=self._sections,
            events=tuple(self._events),
            narrations=tuple(self._narrations),
            console_results=tuple(self._console),
            health=self._health_now,
        )
        self._events.clear()
        self._narrations.clear()
        self._console.clear()
        self.latest = state
        return state

    def _health_section(self, tick: int) -> dict[str, Any]:
        """Wall-clock rates and the pipeline counters (never deterministic).

        Rebuilt at world refreshes only; states in between share the object, so
        frames repeat ``health`` only when it changed.
        """
        now = time.perf_counter()
        self._rate.append((now, tick))
        first_t, first_tick = self._rate[0]
        elapsed = now - first_t
        tps = (tick - first_tick) / elapsed if elapsed > 0 else 0.0
        return {
            "paused": bool(getattr(self._source, "paused", False)),
            "tps": round(tps, 1),
            "tick_duration_ms": round(1000.0 / tps, 4) if tps > 0 else None,
            "status": "error" if self.failures else "ok",
            "failure_count": self.failures,
            "telemetry": dict(self._health()) if self._health else {},
        }

    def _refresh(self, tick: int) -> None:
        """Rebuild every world-derived section from the source."""
        source = self._source
        if source is None:
            self._sections = {"meta": self._meta, "map": {}}
            return
        world = source.world
        if self._static is None:
            self._static = StaticInfo.from_world(world)
        built = build_sections(
            world.export_state(), self._static, self._built, self._raw_objects
        )
        self._built = built
        sections: dict[str, Any] = {
            "meta": self._meta,
            "map": self._static.map,
            "agents": built.agents,
            "objects": built.objects,
            "economy": built.economy,
            "employment": built.employment,
            "perturbations": built.perturbations,
            "relationships": built.relationships,
            **self._kpi_sections(source, tick, built),
            "policy": self._policy_section(source, built.agents),
        }
        rewards = source.last_rewards
        if rewards is not None:
            sections["rewards"] = rewards.as_telemetry()
        stability = getattr(source, "stability_info", None)
        if callable(stability):
            info = stability()
            if info is not None:
                sections["stability"] = info
        self._sections = sections

    def _kpi_sections(
        self, source: TickSource, tick: int, built: WorldSections
    ) -> dict[str, Any]:
        """``kpis`` and ``kpi_history`` (a history point at due ticks)."""
        kpis = kpi_values(source.kpis, built.relationships["friend_pairs"])
        self.history.record(tick, kpis)
        bands = self.config.kpi.bands
        return {
            "kpis": {
                "latest": kpis,
                "bands": {
                    k: b
                    for k, v in kpis.items()
                    if (b := band(k, v, bands)) is not None
                },
            },
            "kpi_history": self.history.section(),
        }

    def _refresh_kpis(self, tick: int) -> None:
        """Between world refreshes: the ``kpis`` section and a history point.

        The ``kpi_history`` section (up to 240 points per KPI, resent whole in a
        diff) is republished at world refreshes only; no point is lost.
        """
        assert self._sections is not None
        assert self._built is not None
        source = self._source
        assert source is not None
        fresh = self._kpi_sections(source, tick, self._built)
        self._sections = {**self._sections, "kpis": fresh["kpis"]}

    def _policy_section(
        self, source: TickSource, agents: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Provider, identity, possessed agents and option counts."""
        policy = source.policy
        identity = policy.identity()
        counts: dict[str, int] = {}
        for record in agents.values():
            counts[record["option"]] = counts.get(record["option"], 0) + 1
        return {
            "provider": policy.provider,
            "identity": {
                "name": identity.name,
                "version": identity.version,
                "policy_hash": identity.checkpoint_hash,
                "obs_variant": source.variant,
                "anneal_ratio": getattr(policy, "anneal_ratio", None),
            },
            "possessed": sorted(a for a, r in agents.items() if r["possessed"]),
            "option_counts": dict(sorted(counts.items())),
        }

    # -- snapshots (§1.1 row 6) --------------------------------------------------

    def export_cursor(self) -> dict[str, Any]:
        """The deterministic telemetry state: limiter, KPI history, counters."""
        return {
            "narration": self.narrator.export_state(),
            "kpi_history": self.history.export_state(),
            "loop_seq": self._loop_seq,
        }

    def import_cursor(self, cursor: Mapping[str, Any]) -> None:
        """Restore :meth:`export_cursor` output.

        The delta items collected since the fresh loop started (its reset's spawns,
        ``loop.providers``) describe a start the resumed run never had, so they are
        dropped: the first frame after a resume carries only ticks after it (S-20).
        """
        self.narrator.import_state(cursor["narration"])
        self.history.import_state(cursor["kpi_history"])
        self._loop_seq = int(cursor["loop_seq"])
        self._events.clear()
        self._narrations.clear()
