"""The world settings dict: the one input of both worlds (docs/world-state.md 1).

:func:`world_settings` turns a validated config into a JSON-able dict that
``PythonWorld(settings)`` takes directly and ``NativeWorld`` takes as JSON. Ordered
mappings are written as lists of pairs, because JSON objects carry no order in
serde; floats are always floats; ``decay_multipliers`` lists all three needs.

>>> from townlet.config.loader import load_config
>>> world_settings(load_config())["time"]
{'ticks_per_day': 1440, 'start_minute': 360}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from townlet.config.agents import PersonalityProfile
from townlet.config.base import Need, NeedValues
from townlet.config.manifest import Affordance, Effects, Manifest
from townlet.config.perturbations import PerturbationsConfig
from townlet.config.relationships import RelationshipsConfig
from townlet.config.root import TownletConfig

__all__ = ["world_settings"]

_NEEDS: tuple[Need, Need, Need] = ("hunger", "hygiene", "energy")


def _multiplier(profile: PersonalityProfile, need: Need) -> float:
    return float(profile.decay_multipliers.get(need, 1.0))


def _needs(values: NeedValues) -> dict[str, float]:
    return {need: float(getattr(values, need)) for need in _NEEDS}


def _pairs(counts: Mapping[str, int], manifest: Manifest) -> list[list[Any]]:
    """Item counts as ``[name, count]`` pairs in manifest item order."""
    return [[name, int(counts[name])] for name in manifest.items if name in counts]


def _effects(effects: Effects, manifest: Manifest, *, full: bool) -> dict[str, Any]:
    """Effects with all three needs (0.0 where unset); items and stock when ``full``."""
    out: dict[str, Any] = {
        "needs": {need: float(effects.needs.get(need, 0.0)) for need in _NEEDS},
        "money": float(effects.money),
    }
    if full:
        out["items"] = _pairs(effects.items, manifest)
        out["stock"] = _pairs(effects.stock, manifest)
    return out


def _affordance(a: Affordance, manifest: Manifest) -> dict[str, Any]:
    """One affordance with every field of world.md 3.3 (docs/world-state.md 1)."""
    cost: dict[str, Any] = (
        {"price": a.cost_price} if a.cost_price is not None else {"amount": a.cost}
    )
    return {
        "id": a.id,
        "object_type": a.object_type,
        "item": a.item,
        "duration": a.duration,
        "preconditions": list(a.preconditions),
        "cost": cost,
        "consume": _pairs(a.consume, manifest),
        "take": _pairs(a.take, manifest),
        "per_tick": _effects(a.per_tick, manifest, full=False),
        "on_complete": _effects(a.on_complete, manifest, full=True),
        "decay_multipliers": {
            need: float(a.decay_multipliers.get(need, 1.0)) for need in _NEEDS
        },
        "allows_chat": a.allows_chat,
        "sells": a.sells,
        "tags": list(a.tags),
        "hooks": {
            stage: list(a.hooks.get(stage, ()))
            for stage in ("on_start", "on_complete", "on_fail")
        },
    }


def world_settings(cfg: TownletConfig) -> dict[str, Any]:
    """Return the world settings of ``cfg`` (docs/world-state.md section 1).

    Args:
        cfg: a validated config; its map and manifest are read if not loaded yet.

    Returns:
        A fresh JSON-able dict; callers may mutate it.
    """
    files = cfg.files
    manifest = files.manifest
    world = cfg.world
    lifecycle = world.lifecycle
    return {
        "map": {
            "name": files.map_name,
            "text": files.map_text,
            "sha256": files.map_sha256,
        },
        "manifest": {
            "sha256": manifest.sha256,
            "items": [
                {"name": item.name, "carry_limit": item.carry_limit}
                for item in manifest.items.values()
            ],
            "object_types": [
                {
                    "name": spec.name,
                    "capacity": spec.capacity,
                    "ownable": spec.ownable,
                    "requires": list(spec.requires),
                    "stock": _pairs(spec.stock, manifest),
                    "stock_limit": _pairs(spec.stock_limit, manifest),
                    "restock": _pairs(spec.restock, manifest),
                }
                for spec in manifest.object_types.values()
            ],
            "affordances": [_affordance(a, manifest) for a in manifest.affordances],
        },
        "economy": {
            "prices": [
                [key, float(price)] for key, price in world.economy.prices.items()
            ],
            "price_groups": [
                [group, list(keys)]
                for group, keys in world.economy.price_groups.items()
            ],
            "rent_per_day": float(world.economy.rent_per_day),
            "rent_minute": world.economy.rent_minute,
            "restock_minute": world.economy.restock_minute,
        },
        "time": {
            "ticks_per_day": world.time.ticks_per_day,
            "start_minute": world.time.start_minute,
        },
        "needs": {
            "decay": {n: float(getattr(world.needs.decay, n)) for n in _NEEDS},
            "apply_personality": world.needs.apply_personality,
        },
        "agents": {
            "names": list(world.agents.names),
            "needs": _needs(world.agents.needs),
            "wallet": float(world.agents.wallet),
            "items": _pairs(world.agents.items, manifest),
        },
        "personalities": {
            "profiles": [
                {
                    "name": name,
                    "extroversion": float(profile.extroversion),
                    "forgiveness": float(profile.forgiveness),
                    "ambition": float(profile.ambition),
                    "decay_multipliers": {
                        need: _multiplier(profile, need) for need in _NEEDS
                    },
                }
                for name, profile in world.personalities.profiles.items()
            ],
            "distribution": [
                [name, float(weight)]
                for name, weight in world.personalities.distribution.items()
            ],
        },
        "lifecycle": {
            "population_target": lifecycle.population_target,
            "faint_threshold": float(lifecycle.faint_threshold),
            "faint_ticks": lifecycle.faint_ticks,
            "mortality": lifecycle.mortality,
            "spawn_delay_ticks": list(lifecycle.spawn_delay_ticks),
            "newcomer": {
                "needs": _needs(lifecycle.newcomer.needs),
                "wallet": float(lifecycle.newcomer.wallet),
                "items": _pairs(lifecycle.newcomer.items, manifest),
            },
        },
        "embedding": {
            "max_slots": world.embedding.max_slots,
            "cooldown_ticks": world.embedding.cooldown_ticks,
        },
        "actions": {
            "mode": cfg.actions.mode,
            "commit_ticks": cfg.actions.commit_ticks,
            "commitment": cfg.actions.commitment,
            "critical_need": float(cfg.actions.critical_need),
            "work_lead_ticks": cfg.actions.work_lead_ticks,
        },
        "controllers": {
            "rival_detour": cfg.controllers.rival_detour,
            "max_queue_wait": cfg.controllers.max_queue_wait,
        },
        "relationships": _relationships(world.relationships),
        "jobs": [
            {
                "id": job.id,
                "site": job.site,
                "positions": job.positions,
                "shift_start": job.shift_start,
                "shift_length": job.shift_length,
                "wage_per_tick": float(job.wage_per_tick),
            }
            for job in world.jobs
        ],
        "employment": {
            "grace_ticks": world.employment.grace_ticks,
            "absent_after_ticks": world.employment.absent_after_ticks,
            "lateness_fine": float(world.employment.lateness_fine),
        },
        "perturbations": _perturbations(world.perturbations),
        "exits": {
            "absence_window_days": world.exits.absence_window_days,
            "max_absences": world.exits.max_absences,
            "rent_missed_limit": world.exits.rent_missed_limit,
            "daily_exit_cap": world.exits.daily_exit_cap,
            "exit_cooldown_ticks": world.exits.exit_cooldown_ticks,
        },
        "queues": {
            "queue_radius": world.queues.queue_radius,
            "ghost_step_after": world.queues.ghost_step_after,
            "age_priority_weight": float(world.queues.age_priority_weight),
            "handover_weight": float(world.queues.handover_weight),
            "cut_in_cooldown_ticks": world.queues.cut_in_cooldown_ticks,
        },
        "roles": [[role, list(names)] for role, names in ROLES],
        "observations": _observations(cfg),
    }


def _perturbations(pert: PerturbationsConfig) -> dict[str, Any]:
    """The ``perturbations`` section (docs/world-state.md section 1)."""
    return {
        "enabled": pert.enabled,
        "max_concurrent": pert.max_concurrent,
        "global_cooldown_ticks": pert.global_cooldown_ticks,
        "per_agent_cooldown_ticks": pert.per_agent_cooldown_ticks,
        "window_ticks": pert.window_ticks,
        "max_events_per_window": pert.max_events_per_window,
        "specs": [
            {
                "name": name,
                "kind": spec.kind,
                "prob_per_day": float(spec.prob_per_day),
                "duration": list(spec.duration),
                "cooldown_ticks": spec.cooldown_ticks,
                "active_hours": (
                    None if spec.active_hours is None else list(spec.active_hours)
                ),
                "magnitude": (
                    None
                    if spec.magnitude is None
                    else [float(spec.magnitude[0]), float(spec.magnitude[1])]
                ),
                "targets": None if spec.targets is None else list(spec.targets),
                "location": spec.location,
                "pairing": spec.pairing,
            }
            for name, spec in pert.specs.items()
        ],
    }


ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sleep", ("sleep",)),
    ("wash", ("shower", "public_shower")),
    ("cook", ("cook_meal",)),
    ("take_meal", ("take_meal",)),
    ("take_raw_food", ("take_raw_food",)),
    ("store_meal", ("store_meal",)),
    ("store_raw_food", ("store_raw_food",)),
    ("buy_meal", ("meal",)),
    ("buy_raw_food", ("raw_food",)),
    ("rest", ("rest",)),
    ("eat_meal", ("meal",)),
    ("eat_raw_food", ("raw_food",)),
)
"""Role bindings of primitive ids 5..16 (learning.md 2.4 rule 5): affordance ids for
the interact roles, the item for buy and eat roles (docs/world-state.md 1)."""


def _relationships(rel: RelationshipsConfig) -> dict[str, Any]:
    """The ``relationships`` section (docs/world-state.md section 1)."""
    decay, mods, chat = rel.decay_per_hour, rel.modifiers, rel.chat
    return {
        "max_ties": rel.max_ties,
        "admission_threshold": float(rel.admission_threshold),
        "decay_per_hour": [
            float(decay.trust),
            float(decay.familiarity),
            float(decay.rivalry),
        ],
        "drop_below": float(rel.drop_below),
        "modifiers": {
            "enabled": mods.enabled,
            "c_forgive": float(mods.c_forgive),
            "c_ambition": float(mods.c_ambition),
            "c_ext_fam": float(mods.c_ext_fam),
        },
        "avoid_threshold": float(rel.avoid_threshold),
        "chat": {
            "base_p": float(chat.base_p),
            "trust_coeff": float(chat.trust_coeff),
            "fam_coeff": float(chat.fam_coeff),
            "ext_coeff": float(chat.ext_coeff),
            "p_min": float(chat.p_min),
            "p_max": float(chat.p_max),
            "cooldown_ticks": chat.cooldown_ticks,
            "max_distance": chat.max_distance,
        },
    }


def _observations(cfg: TownletConfig) -> dict[str, Any]:
    """The ``observations`` section the worlds read (learning.md 1.9 config keys)."""
    obs = cfg.observations
    return {
        "window": obs.window,
        "local_radius": obs.local_radius,
        "wallet_scale": float(obs.wallet_scale),
        "distance_scale": obs.distance_scale,
        "top_friends": obs.social.top_friends,
        "top_rivals": obs.social.top_rivals,
        "embed_dim": obs.social.embed_dim,
        "object_categories": {c: list(t) for c, t in obs.object_categories.items()},
    }
