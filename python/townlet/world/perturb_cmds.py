"""Console commands of perturbations (world.md 12.5, 16; docs/world-state.md 9).

``perturbation_trigger``, ``arrange_meet`` and ``perturbation_cancel``; called by
``console._apply`` with checked argument kinds. Mirrors ``console/perturb_cmds.rs``.

>>> MAX_STARTS_IN
10080
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from townlet.world.perturbations import (
    Pert,
    cancel,
    draw_duration,
    draw_magnitude,
    resolve_targets,
    schedule_manual,
)

if TYPE_CHECKING:
    from townlet.world.state import WorldState

__all__ = ["MAX_STARTS_IN", "arrange_meet", "cancel_cmd", "trigger"]

MAX_STARTS_IN = 10_080
"""Largest ``starts_in`` (one week of minutes)."""


def _refuse(code: str, message: str) -> Exception:
    from townlet.world.console import _RefusedError

    return _RefusedError(code, message)


def _strings(name: str, key: str, value: Any) -> list[str]:
    if type(value) is not list or any(type(v) is not str for v in value):
        raise _refuse("invalid_args", f"{name}: {key}: expected a list of str")
    return list(value)


def _starts_in(name: str, args: dict[str, Any]) -> int:
    n: int = args.get("starts_in", 0)
    if not 0 <= n <= MAX_STARTS_IN:
        raise _refuse(
            "invalid_args", f"{name}: starts_in must be in [0, {MAX_STARTS_IN}]"
        )
    return n


def _duration(name: str, args: dict[str, Any], bounds: tuple[int, int]) -> int | None:
    d: int | None = args.get("duration")
    if d is not None and not bounds[0] <= d <= bounds[1]:
        raise _refuse(
            "invalid_args", f"{name}: duration must be in [{bounds[0]}, {bounds[1]}]"
        )
    return d


def _participants(state: WorldState, name: str, ids: list[str]) -> list[int]:
    from townlet.world.console import _alive

    for i, ident in enumerate(ids):
        if ident in ids[:i]:
            raise _refuse("invalid_args", f"{name}: duplicate agent '{ident}'")
    if len(ids) < 2:
        raise _refuse("invalid_args", f"{name}: needs at least 2 agents")
    return sorted(_alive(state, name, ident).uid for ident in ids)


def trigger(state: WorldState, args: dict[str, Any]) -> str:
    """``perturbation_trigger``: schedule a manual event; ``scheduled evt_<n>``."""
    name = "perturbation_trigger"
    specs = state.settings.perturbations.specs
    s = next((k for k, x in enumerate(specs) if x.name == args["spec"]), None)
    if s is None:
        raise _refuse("not_found", f"{name}: unknown spec '{args['spec']}'")
    spec = specs[s]
    delay = _starts_in(name, args)
    given_duration = _duration(name, args, spec.duration)
    spike = spec.kind == "price_spike"
    given_magnitude = args.get("magnitude")
    if given_magnitude is not None:
        if not spike:
            raise _refuse(
                "invalid_args", f"{name}: magnitude applies to price_spike only"
            )
        low, high = spec.magnitude or (1.0, 1.0)
        if not low <= given_magnitude <= high:
            raise _refuse("invalid_args", f"{name}: magnitude outside the spec's range")
    targets = None
    if "targets" in args:
        if not spike:
            raise _refuse("invalid_args", f"{name}: targets apply to price_spike only")
        items = _strings(name, "targets", args["targets"])
        if not items:
            raise _refuse("invalid_args", f"{name}: targets must not be empty")
        for t in items:
            if resolve_targets(state, [t]) is None:
                raise _refuse("invalid_args", f"{name}: unknown price target '{t}'")
        targets = resolve_targets(state, items)
    meet = spec.kind == "arranged_meet"
    uids: list[int] = []
    if "participants" in args:
        if not meet:
            raise _refuse(
                "invalid_args", f"{name}: participants apply to arranged_meet only"
            )
        uids = _participants(
            state, name, _strings(name, "participants", args["participants"])
        )
    elif meet:
        raise _refuse("invalid_args", f"{name}: an arranged meet needs participants")
    location = None
    if meet:
        location = spec.location or "cafe"
        if all(z.name != location for z in state.grid.zones):
            raise _refuse("not_found", f"{name}: unknown zone '{location}'")
    d = (
        given_duration
        if given_duration is not None
        else draw_duration(state, spec.duration)
    )
    p = Pert(0, s, 0, d)
    if spike:
        p.magnitude = (
            float(given_magnitude)
            if given_magnitude is not None
            else draw_magnitude(state, spec.magnitude or (1.0, 1.0))
        )
        p.targets = (
            targets
            if targets is not None
            else resolve_targets(state, spec.targets or ()) or []
        )
    p.location = location
    p.participants = uids
    return f"scheduled {schedule_manual(state, p, delay)}"


def arrange_meet(state: WorldState, args: dict[str, Any]) -> str:
    """``arrange_meet``: a manual arranged meet; ``scheduled evt_<n>``."""
    name = "arrange_meet"
    ids = _strings(name, "agents", args["agents"])
    for i, ident in enumerate(ids):
        if ident in ids[:i]:
            raise _refuse("invalid_args", f"{name}: duplicate agent '{ident}'")
    if len(ids) < 2:
        raise _refuse("invalid_args", f"{name}: needs at least 2 agents")
    delay = _starts_in(name, args)
    specs = state.settings.perturbations.specs
    s = next((k for k, x in enumerate(specs) if x.kind == "arranged_meet"), None)
    if s is None:
        raise _refuse("not_found", f"{name}: no arranged_meet spec")
    bounds = specs[s].duration
    given = _duration(name, args, bounds)
    zone = args.get("location", "cafe")
    if all(z.name != zone for z in state.grid.zones):
        raise _refuse("not_found", f"{name}: unknown zone '{zone}'")
    uids = _participants(state, name, ids)
    d = given if given is not None else draw_duration(state, bounds)
    p = Pert(0, s, 0, d, location=zone, participants=uids)
    return f"scheduled {schedule_manual(state, p, delay)}"


def cancel_cmd(state: WorldState, args: dict[str, Any]) -> str:
    """``perturbation_cancel``: ``cancelled <id>``."""
    ident = args["event_id"]
    if not cancel(state, ident):
        raise _refuse("not_found", f"perturbation_cancel: no event '{ident}'")
    return f"cancelled {ident}"
