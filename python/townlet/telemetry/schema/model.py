"""The payload schema 1.0 as Python data; the JSON files are generated from it.

``python -m townlet.telemetry.schema build`` writes ``frame-1.schema.json`` and
``event-1.schema.json`` next to this module and into ``docs/schemas/``;
``--check`` fails when a committed file differs (T-20). The schema is written as
data here rather than derived from pydantic models: the frames are plain dicts on
the hot path, and one table per record is the shortest faithful description.

Optional sections and fields are optional in the schema (T-14); unknown keys are
allowed for consumers. :func:`strict` adds ``unevaluatedProperties: false``
everywhere, so tests catch producer typos (T-21).

>>> frame_schema()["$id"]
'urn:townlet:schema:telemetry:frame:1'
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["EVENT_FIELDS", "event_schema", "frame_schema", "strict"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"

INT = {"type": "integer"}
NINT = {"type": "integer", "minimum": 0}
NUM = {"type": "number"}
STR = {"type": "string"}
BOOL = {"type": "boolean"}
POS = {"type": "array", "items": INT, "minItems": 2, "maxItems": 2}
ANY_OBJ = {"type": "object"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` or null."""
    return {"anyOf": [schema, {"type": "null"}]}


def _obj(
    props: dict[str, Any], required: tuple[str, ...] = (), **extra: Any
) -> dict[str, Any]:
    """An object schema."""
    out: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        out["required"] = list(required)
    out.update(extra)
    return out


def _map_of(schema: dict[str, Any]) -> dict[str, Any]:
    """A string-keyed map of ``schema``."""
    return {"type": "object", "additionalProperties": schema}


EVENT_FIELDS: dict[str, tuple[str, ...]] = {
    "agent_spawned": ("agent_id", "agent_name", "cause", "position"),
    "agent_terminated": ("agent_id", "reason"),
    "agent_teleported": ("agent_id", "from", "to", "cause"),
    "newcomer_scheduled": ("ticket_id", "due_tick"),
    "spawn_deferred": ("ticket_id", "due_tick"),
    "slot_forced_reuse": ("slot", "agent_id"),
    "action_failed": ("agent_id", "type", "reason"),
    "queue_joined": ("agent_id", "object_id", "position"),
    "queue_left": ("agent_id", "object_id", "reason"),
    "reservation_granted": ("agent_id", "object_id", "via", "waited_ticks"),
    "queue_conflict": ("object_id", "type", "actor", "rival", "queue_length"),
    "affordance_started": ("agent_id", "object_id", "affordance_id", "duration"),
    "affordance_completed": ("agent_id", "object_id", "affordance_id"),
    "affordance_failed": ("agent_id", "object_id", "affordance_id", "reason"),
    "affordance_refunded": ("agent_id", "affordance_id"),
    "shared_meal": ("agents", "zone"),
    "chat_succeeded": ("speaker", "listener", "p", "quality", "forced"),
    "chat_failed": ("speaker", "listener", "p"),
    "relationship_event": ("type", "agent_a", "agent_b", "a_to_b", "b_to_a"),
    "relationship_set": ("agent_a", "agent_b", "trust", "familiarity", "rivalry"),
    "tie_evicted": ("owner", "other", "reason"),
    "day_started": ("day",),
    "rent_paid": ("agent_id", "amount"),
    "rent_missed": ("agent_id", "amount", "streak"),
    "stock_restocked": ("object_id", "item", "before", "after"),
    "price_changed": ("key", "base", "effective", "cause"),
    "utility_changed": ("utility", "up"),
    "shift_started": ("agent_id", "job_id", "status", "ticks_late"),
    "shift_absent": ("agent_id", "job_id", "absences_in_window"),
    "shift_ended": ("agent_id", "job_id", "outcome", "present_ticks", "paid"),
    "exit_pending": ("agent_id", "reason", "queue_length"),
    "exit_reprieved": ("agent_id", "reason", "queue_length"),
    "perturbation_started": ("event_id", "spec", "type", "start", "ends_at"),
    "perturbation_ended": ("event_id", "spec", "type", "cause"),
    "needs_set": ("agent_id", "needs"),
    "possession_changed": ("agent_id", "possessed"),
    "rival_avoided": ("agent", "rival"),
    "world_setting_changed": ("key", "value"),
    "loop.providers": ("run_id", "config_id", "seed", "providers", "degraded"),
    "loop.failure": ("phase", "error", "message"),
}
"""Event kind -> required payload fields (world.md 15 and the loop kinds).

A payload field named ``kind`` travels as ``type`` (``kind`` names the event).
Kinds not listed (``snapshot.saved``, ``demo.camera``, ``policy.*``) only need the
base fields."""

EVENT_BASE = _obj(
    {"eid": {"type": "string", "pattern": r"^\d+:L?\d+$"}, "tick": NINT, "kind": STR},
    ("eid", "tick", "kind"),
    additionalProperties=True,  # the payload, checked by kind in event-1
)


def event_schema() -> dict[str, Any]:
    """``event-1``: one event item, its payload checked by ``kind``."""
    rules = [
        {
            "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
            "then": {"required": list(fields)},
        }
        for kind, fields in EVENT_FIELDS.items()
        if fields
    ]
    return {
        "$schema": DRAFT,
        "$id": "urn:townlet:schema:telemetry:event:1",
        "title": "Townlet telemetry event 1.x",
        **EVENT_BASE,
        "allOf": rules,
    }


def _defs() -> dict[str, Any]:
    """Every record of §1.3."""
    needs = _obj(
        {"hunger": NUM, "hygiene": NUM, "energy": NUM}, ("hunger", "hygiene", "energy")
    )
    provider = _obj(
        {"name": STR, "requested": STR, "is_stub": BOOL, "reason": STR},
        ("name", "is_stub"),
    )
    tie = _obj(
        {
            "other": STR,
            "kind": {"enum": ["friend", "rival"]},
            "trust": NUM,
            "familiarity": NUM,
            "rivalry": NUM,
        },
        ("other", "kind"),
    )
    job = _obj(
        {
            "job_id": STR,
            "on_shift": BOOL,
            "shift_state": STR,
            "late_ticks_today": NINT,
            "attendance_ratio": _nullable(NUM),
            "wages_withheld": NUM,
            "exit_pending": BOOL,
        },
        ("job_id",),
    )
    agent = _obj(
        {
            "id": STR,
            "name": STR,
            "pos": POS,
            "alive": BOOL,
            "option": STR,
            "option_ticks": NINT,
            "primitive": STR,
            "target": _nullable(STR),
            "queue": _nullable(_obj({"object_id": STR, "position": NINT})),
            "affordance": _nullable(
                _obj(
                    {
                        "object_id": _nullable(STR),
                        "affordance": STR,
                        "remaining_ticks": NINT,
                    }
                )
            ),
            "needs": needs,
            "wallet": NUM,
            "inventory": _map_of(NINT),
            "job": _nullable(job),
            "top_ties": {"type": "array", "items": tie},
            "personality": _nullable(STR),
            "possessed": BOOL,
        },
        ("id", "pos", "alive"),
    )
    obj = _obj(
        {
            "id": STR,
            "type": STR,
            "pos": POS,
            "interaction_tiles": {"type": "array", "items": POS},
            "occupied_by": _nullable(STR),
            "queue": {"type": "array", "items": STR},
            "stock": _map_of(NINT),
            "powered": BOOL,
            "watered": BOOL,
            "running": _nullable(
                _obj({"agent": STR, "affordance": STR, "remaining_ticks": NINT})
            ),
        },
        ("id", "type", "pos"),
    )
    narration = _obj(
        {
            "nid": STR,
            "tick": NINT,
            "category": STR,
            "priority": BOOL,
            "message": STR,
            "agents": {"type": "array", "items": STR},
            "object_id": STR,
            "data": ANY_OBJ,
        },
        ("nid", "tick", "category", "priority", "message", "agents"),
    )
    keyed_delta = _obj({"upsert": ANY_OBJ, "remove": {"type": "array", "items": STR}})
    return {
        "clock": _obj(
            {
                "day": NINT,
                "minute_of_day": {"type": "integer", "minimum": 0, "maximum": 1439},
                "hhmm": {"type": "string", "pattern": r"^\d\d:\d\d$"},
            },
            ("day", "minute_of_day", "hhmm"),
        ),
        "meta": _obj(
            {
                "config_id": STR,
                "config_label": STR,
                "seed": NINT,
                "townlet_version": STR,
                "ticks_per_day": NINT,
                "obs_variant": STR,
                "providers": _obj(
                    {"world": provider, "policy": provider, "telemetry": provider}
                ),
                "degraded": {
                    "type": "array",
                    "items": _obj({"code": STR, "message": STR}, ("code", "message")),
                },
                "config_path": STR,
                "schema_version": STR,
            }
        ),
        "map": _obj(
            {
                "width": NINT,
                "height": NINT,
                "rows": {"type": "array", "items": STR},
                "legend": _map_of(STR),
            }
        ),
        "agent": agent,
        "object": obj,
        "economy": _obj(
            {
                "prices": _map_of(NUM),
                "spikes": {"type": "array"},
                "rent_per_day": NUM,
                "money_supply": NUM,
                "wages_paid_today": NUM,
                "rent_collected_today": NUM,
                "meals_sold_today": NUM,
            }
        ),
        "utilities": _obj({"power": ANY_OBJ, "water": ANY_OBJ}),
        "employment": _obj(
            {
                "jobs": _map_of(ANY_OBJ),
                "exit_queue": {"type": "array"},
                "exits_today": NINT,
                "daily_exit_cap": _nullable(INT),
                "spawn_delay_ticks": {},
                "mortality": {},
            }
        ),
        "perturbations": _obj(
            {
                "active": {"type": "array"},
                "pending": {"type": "array"},
                "cooldowns": ANY_OBJ,
            }
        ),
        "relationships": _obj(
            {
                "tie_count": NINT,
                "friend_pairs": NINT,
                "rival_pairs": NINT,
                "churn": ANY_OBJ,
            }
        ),
        "rewards": _map_of(
            _obj({"total": NUM, "components": _map_of(NUM)}, ("total", "components"))
        ),
        "kpis": _obj(
            {
                "latest": _map_of(_nullable(NUM)),
                "bands": _map_of({"enum": ["green", "amber", "red"]}),
            }
        ),
        "kpi_history": _map_of(
            {
                "type": "array",
                "items": {
                    "type": "array",
                    "prefixItems": [NINT, NUM],
                    "minItems": 2,
                    "maxItems": 2,
                },
            }
        ),
        "stability": _obj(
            {"metrics": ANY_OBJ, "alerts": {"type": "array"}, "promotion": ANY_OBJ}
        ),
        "policy": _obj(
            {
                "provider": STR,
                "identity": _obj(
                    {
                        "name": STR,
                        "version": STR,
                        "policy_hash": _nullable(STR),
                        "obs_variant": STR,
                        "anneal_ratio": _nullable(NUM),
                        "checkpoint_path": STR,
                    }
                ),
                "possessed": {"type": "array", "items": STR},
                "option_counts": _map_of(NINT),
                "inspector": ANY_OBJ,
            }
        ),
        "event": EVENT_BASE,
        "narration": narration,
        "console_result": ANY_OBJ,
        "health": _obj(
            {
                "paused": BOOL,
                "tick_duration_ms": _nullable(NUM),
                "tps": NUM,
                "status": {"enum": ["ok", "error"]},
                "failure_count": NINT,
                "telemetry": _obj(
                    {
                        "queue_depth": NINT,
                        "coalesced_total": NINT,
                        "events_dropped_total": NINT,
                    }
                ),
            }
        ),
        "totals": _obj(
            {
                "frames": NINT,
                "events_accepted": NINT,
                "events_written": NINT,
                "events_dropped": _map_of(NINT),
                "narrations": NINT,
                "reason": {"enum": ["normal", "error", "signal"]},
            },
            ("frames", "events_accepted", "events_written", "events_dropped", "reason"),
        ),
        "keyed_delta": keyed_delta,
    }


def _ref(name: str) -> dict[str, str]:
    """A ``$ref`` into ``$defs``."""
    return {"$ref": f"#/$defs/{name}"}


STATE_SECTIONS = (
    "economy",
    "utilities",
    "employment",
    "perturbations",
    "relationships",
    "rewards",
    "kpis",
    "kpi_history",
    "stability",
    "policy",
)


def frame_schema() -> dict[str, Any]:
    """``frame-1``: a snapshot, diff or end frame."""
    header = {
        "schema_version": {"type": "string", "pattern": r"^1\.\d+$"},
        "run_id": {"type": "string", "minLength": 1},
        "seq": NINT,
        "tick": NINT,
        "emitted_at": {"type": "string", "format": "date-time"},
    }
    deltas = {
        "events": {"type": "array", "items": _ref("event")},
        "narrations": {"type": "array", "items": _ref("narration")},
        "console_results": {"type": "array", "items": _ref("console_result")},
    }
    state = {key: _ref(key) for key in STATE_SECTIONS}
    state["agents"] = _map_of(_ref("agent"))
    state["objects"] = _map_of(_ref("object"))
    snapshot = _obj(
        {
            **header,
            "payload_type": {"const": "snapshot"},
            "clock": _ref("clock"),
            "resync": BOOL,
            "meta": _ref("meta"),
            "map": _ref("map"),
            **state,
            **deltas,
            "health": _ref("health"),
        },
        ("schema_version", "payload_type", "run_id", "seq", "tick", "meta", "map"),
    )
    diff = _obj(
        {
            **header,
            "payload_type": {"const": "diff"},
            "base_seq": NINT,
            "clock": _ref("clock"),
            "changes": _obj({"meta": _ref("meta"), **state}),
            "removed": {"type": "array", "items": STR},
            "entities": _obj(
                {"agents": _ref("keyed_delta"), "objects": _ref("keyed_delta")}
            ),
            **deltas,
            "health": _ref("health"),
        },
        ("schema_version", "payload_type", "run_id", "seq", "tick", "base_seq"),
    )
    end = _obj(
        {**header, "payload_type": {"const": "end"}, "totals": _ref("totals")},
        ("schema_version", "payload_type", "run_id", "seq", "tick", "totals"),
    )
    return {
        "$schema": DRAFT,
        "$id": "urn:townlet:schema:telemetry:frame:1",
        "title": "Townlet telemetry frame 1.x",
        "description": "One line of a telemetry stream (operations.md 1.3).",
        "oneOf": [_ref("snapshot"), _ref("diff"), _ref("end")],
        "$defs": {**_defs(), "snapshot": snapshot, "diff": diff, "end": end},
    }


def strict(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy where every object with ``properties`` refuses unknown keys."""
    out = copy.deepcopy(schema)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if (
                node.get("type") == "object"
                and "properties" in node
                and "additionalProperties" not in node
            ):
                node.setdefault("unevaluatedProperties", False)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(out)
    return out
