"""Narrations: templates, triggers and the deterministic limiter (operations.md 1.8).

Narrations depend only on events and tick counts, never on wall-clock time. Each
tick's candidates are ordered priority first, then by triggering ``eid``, and pass
the limiter's checks in order: dedupe window, per-tick cap, cooldowns (non-priority
only), sliding window. Rejections are counted by reason. The limiter's state is a
plain dict (:meth:`Narrator.export_state`) so snapshots can carry it.

>>> t = load_templates(None)
>>> t["newcomer"].render({"agent": "Alice"})
'Alice moved to town.'
"""

from __future__ import annotations

import string
from collections import Counter, deque
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from townlet.config.telemetry import NarrationConfig
from townlet.errors import ConfigError

__all__ = ["Candidate", "Narrator", "Template", "load_templates"]

_FORMATS = ("", ".2f")
_TRUST_FRIEND = 0.5
_RIVALRY = 0.7
_LATE_TICKS = 15


@dataclass(frozen=True)
class Template:
    """One category's template and declared fields."""

    category: str
    template: str
    fields: tuple[str, ...]

    def render(self, values: Mapping[str, Any]) -> str:
        """Fill the placeholders."""
        return self.template.format(**{f: values.get(f, "") for f in self.fields})


def _check(category: str, template: str, fields: tuple[str, ...], where: str) -> None:
    """Refuse placeholders outside ``fields`` and any other format spec."""
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if name not in fields or conversion or spec not in _FORMATS:
            raise ConfigError(
                f"narration template {category!r}: placeholder {{{name}}} is not one "
                f"of the declared fields {list(fields)} or uses a format other than "
                f":.2f",
                key=f"telemetry.narration.templates.{category}",
                file=where,
            )


def load_templates(path: str | Path | None) -> dict[str, Template]:
    """Load and check a template file (``None``: the packaged English one).

    Raises:
        ConfigError: an unreadable file or a bad placeholder.
    """
    if path is None:
        ref = resources.files("townlet.data").joinpath("configs/narration/en.yaml")
        text, where = ref.read_text(encoding="utf-8"), "en.yaml"
    else:
        text, where = Path(path).read_text(encoding="utf-8"), str(path)
    raw = yaml.safe_load(text) or {}
    out = {}
    for category, entry in raw.items():
        fields = tuple(str(f) for f in entry.get("fields", ()))
        template = str(entry["template"])
        _check(category, template, fields, where)
        out[category] = Template(category, template, fields)
    return out


@dataclass(frozen=True)
class Candidate:
    """A narration before the limiter."""

    category: str
    priority: bool
    eid: str
    dedupe_key: str
    agents: tuple[str, ...]
    values: Mapping[str, Any]
    object_id: str | None = None


_AFTER_WORLD_EVENTS = 10**9
"""The ``seq`` that orders console narrations after a tick's world events."""


def _eid_order(eid: str) -> tuple[int, int]:
    """Sort key of ``tick:seq``."""
    tick, _, seq = eid.partition(":")
    return (int(tick or 0), int(seq or 0))


class Narrator:
    """Turns events into narrations under the limiter of §1.8.

    Args:
        config: the ``telemetry.narration`` settings.
        templates: category -> template (default: the packaged ones).
    """

    def __init__(
        self,
        config: NarrationConfig | None = None,
        templates: Mapping[str, Template] | None = None,
    ) -> None:
        self.config = config or NarrationConfig()
        self.templates = dict(templates or load_templates(self.config.templates))
        self.names: dict[str, str] = {}
        self.suppressed: Counter[str] = Counter()
        self.accepted: Counter[str] = Counter()
        self._pending: list[Candidate] = []
        self._keys: dict[str, int] = {}
        self._category_tick: dict[str, int] = {}
        self._global_tick: int | None = None
        self._window: deque[int] = deque()
        self._trust: dict[str, float] = {}
        self._rivalry: dict[str, float] = {}
        self._next_nid = 0

    def observe(self, kind: str, event: Mapping[str, Any]) -> None:
        """Turn one world event into zero or more candidates."""
        if kind == "agent_spawned":
            name = event.get("agent_name") or event.get("name") or event["agent_id"]
            self.names[event["agent_id"]] = str(name)
        trigger = getattr(self, f"_on_{kind}", None)
        if trigger is not None:
            trigger(event)

    def narrate(self, payload: Mapping[str, Any], tick: int) -> None:
        """A console ``narrate`` (category ``operator_story`` or ``demo_story``):
        the caller sets priority, dedupe key (default: the message) and focus; it
        goes through the same limiter after the tick's world-event candidates."""
        category = str(payload.get("category") or "operator_story")
        if category not in self.templates:
            category = "operator_story"
        message = str(payload["message"])
        focus = payload.get("focus")
        key = payload.get("dedupe_key") or message
        self._pending.append(
            Candidate(
                category,
                bool(payload.get("priority", False)),
                f"{tick}:{_AFTER_WORLD_EVENTS}",
                f"{category}:{key}",
                (str(focus),) if focus else (),
                {"message": message},
            )
        )

    def _add(
        self,
        category: str,
        event: Mapping[str, Any],
        *,
        key: str,
        agents: tuple[str, ...] = (),
        priority: bool = False,
        object_id: str | None = None,
        **values: Any,
    ) -> None:
        """Queue one candidate for this tick."""
        if category not in self.templates:
            return
        shown = {
            k: self.names.get(v, v)
            if k.startswith("agent") or k in ("actor", "rival")
            else v
            for k, v in values.items()
        }
        self._pending.append(
            Candidate(
                category,
                priority,
                str(event.get("eid", "0:0")),
                f"{category}:{key}",
                agents,
                shown,
                object_id,
            )
        )

    def _on_queue_conflict(self, e: Mapping[str, Any]) -> None:
        pair = sorted((str(e["actor"]), str(e["rival"])))
        self._add(
            "queue_conflict",
            e,
            key=f"{e['object_id']}:{pair[0]}:{pair[1]}",
            agents=tuple(pair),
            priority=e.get("type") == "blocked",
            object_id=e["object_id"],
            actor=e["actor"],
            rival=e["rival"],
            object=e["object_id"],
            kind=e.get("type"),
        )

    def _on_utility_changed(self, e: Mapping[str, Any]) -> None:
        category = "utility_restored" if e.get("up") else "utility_outage"
        self._add(
            category,
            e,
            key=f"{e['utility']}:{e.get('event_id')}",
            priority=not e.get("up"),
            utility=e["utility"],
        )

    def _on_perturbation_started(self, e: Mapping[str, Any]) -> None:
        if e.get("type") == "price_spike":
            target = e.get("targets") or e.get("spec")
            self._add(
                "price_spike",
                e,
                key=f"{target}:{e['event_id']}",
                target=target,
                magnitude=float(e.get("magnitude") or 1.0),
            )
        elif e.get("type") == "arranged_meet":
            self._add("arranged_meet", e, key=str(e["event_id"]))

    def _on_agent_spawned(self, e: Mapping[str, Any]) -> None:
        if e.get("cause") != "initial":
            agent = e["agent_id"]
            self._add("newcomer", e, key=agent, agents=(agent,), agent=agent)

    def _on_agent_terminated(self, e: Mapping[str, Any]) -> None:
        agent = e["agent_id"]
        self._add(
            "departure",
            e,
            key=agent,
            agents=(agent,),
            priority=True,
            agent=agent,
            reason=e.get("reason"),
        )

    def _on_shift_started(self, e: Mapping[str, Any]) -> None:
        late = int(e.get("ticks_late") or 0)
        if e.get("status") == "late" and late >= _LATE_TICKS:
            agent, day = e["agent_id"], int(e["tick"]) // 1440
            self._add(
                "late_for_work",
                e,
                key=f"{agent}:{day}",
                agents=(agent,),
                agent=agent,
                ticks_late=late,
            )

    def _on_shared_meal(self, e: Mapping[str, Any]) -> None:
        pair = sorted(str(a) for a in e.get("agents", ()))
        if len(pair) == 2:
            self._add(
                "shared_meal",
                e,
                key=f"{pair[0]}:{pair[1]}:{int(e['tick']) // 1440}",
                agents=tuple(pair),
                agent_a=pair[0],
                agent_b=pair[1],
            )

    def _on_relationship_event(self, e: Mapping[str, Any]) -> None:
        for a, b, side in (
            ("agent_a", "agent_b", "a_to_b"),
            ("agent_b", "agent_a", "b_to_a"),
        ):
            values = e.get(side)
            if not values:
                continue
            pair = f"{e[a]}>{e[b]}"
            trust, rivalry = float(values["trust"]), float(values["rivalry"])
            if self._trust.get(pair, 0.0) < _TRUST_FRIEND <= trust:
                self._add(
                    "friendship_formed",
                    e,
                    key=pair,
                    agents=(e[a], e[b]),
                    priority=trust >= 0.85,
                    agent_a=e[a],
                    agent_b=e[b],
                    trust=trust,
                )
            if self._rivalry.get(pair, 0.0) < _RIVALRY <= rivalry:
                self._add(
                    "rivalry_escalated",
                    e,
                    key=pair,
                    agents=(e[a], e[b]),
                    priority=rivalry >= 0.9,
                    agent_a=e[a],
                    agent_b=e[b],
                    rivalry=rivalry,
                )
            self._trust[pair], self._rivalry[pair] = trust, rivalry

    def end_tick(self, tick: int) -> list[dict[str, Any]]:
        """Run this tick's candidates through the limiter; return the accepted."""
        if not self._pending:
            return []
        ordered = sorted(
            self._pending, key=lambda c: (not c.priority, _eid_order(c.eid))
        )
        self._pending = []
        out = []
        this_tick = 0
        for cand in ordered:
            reason = self._reject(cand, tick, this_tick)
            if reason is not None:
                self.suppressed[reason] += 1
                continue
            this_tick += 1
            self._accept(cand, tick)
            out.append(self._narration(cand, tick))
        return out

    def _reject(self, cand: Candidate, tick: int, this_tick: int) -> str | None:
        """The first failed check, or ``None`` when the candidate passes."""
        cfg = self.config
        last = self._keys.get(cand.dedupe_key)
        if last is not None and tick - last < cfg.dedupe_window_ticks:
            return "dedupe"
        if this_tick >= cfg.max_per_tick:
            return "tick_cap"
        if not cand.priority:
            if (
                self._global_tick is not None
                and tick - self._global_tick < cfg.global_cooldown_ticks
            ):
                return "cooldown"
            cooldown = cfg.category_cooldown_ticks.get(
                cand.category, cfg.global_cooldown_ticks
            )
            last_cat = self._category_tick.get(cand.category)
            if last_cat is not None and tick - last_cat < cooldown:
                return "cooldown"
        while self._window and self._window[0] <= tick - cfg.window_ticks:
            self._window.popleft()
        if len(self._window) >= cfg.window_limit:
            return "window"
        return None

    def _accept(self, cand: Candidate, tick: int) -> None:
        """Record an accepted candidate in the limiter state."""
        self._keys[cand.dedupe_key] = tick
        self._category_tick[cand.category] = tick
        self._global_tick = tick
        self._window.append(tick)
        self.accepted[cand.category] += 1
        if len(self._keys) > 4096:  # forget keys outside the dedupe window
            horizon = tick - self.config.dedupe_window_ticks
            self._keys = {k: t for k, t in self._keys.items() if t > horizon}

    def _narration(self, cand: Candidate, tick: int) -> dict[str, Any]:
        """The Narration record of an accepted candidate."""
        self._next_nid += 1
        record: dict[str, Any] = {
            "nid": f"n{self._next_nid}",
            "tick": tick,
            "category": cand.category,
            "priority": cand.priority,
            "message": self.templates[cand.category].render(cand.values),
            "agents": list(cand.agents),
            "data": {k: v for k, v in cand.values.items() if v is not None},
        }
        if cand.object_id is not None:
            record["object_id"] = cand.object_id
        return record

    def export_state(self) -> dict[str, Any]:
        """The limiter and crossing-detector state, for snapshots (§3.1)."""
        return {
            "keys": dict(self._keys),
            "category_tick": dict(self._category_tick),
            "global_tick": self._global_tick,
            "window": list(self._window),
            "trust": dict(self._trust),
            "rivalry": dict(self._rivalry),
            "next_nid": self._next_nid,
            "names": dict(self.names),
        }

    def import_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`export_state` output."""
        self._keys = dict(state["keys"])
        self._category_tick = dict(state["category_tick"])
        self._global_tick = state["global_tick"]
        self._window = deque(state["window"])
        self._trust = dict(state["trust"])
        self._rivalry = dict(state["rivalry"])
        self._next_nid = int(state["next_nid"])
        self.names = dict(state["names"])
