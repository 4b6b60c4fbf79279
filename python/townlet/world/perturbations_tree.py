"""The ``perturbations`` subtree of the state (docs/world-state.md section 3).

Export, import and value checks. Mirrors ``perturb/state_tree.rs``.

>>> _event_number("evt_12"), _event_number("evt_012")
(12, None)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from townlet.errors import SnapshotError
from townlet.world.perturbations import Pert, Scheduler, event_id

if TYPE_CHECKING:
    from townlet.world.state import WorldState

__all__ = ["check_perturbations", "export_perturbations", "import_perturbations"]


def _export_pert(state: WorldState, p: Pert) -> dict[str, Any]:
    s = state.settings
    return {
        "event_id": event_id(p.id),
        "spec": s.perturbations.specs[p.spec].name,
        "start": p.start,
        "ends_at": p.ends_at,
        "magnitude": p.magnitude,
        "targets": [s.prices[k][0] for k in p.targets],
        "location": p.location,
        "participants": list(p.participants),
    }


def export_perturbations(state: WorldState) -> dict[str, Any]:
    """The ``perturbations`` subtree."""
    sched = state.perturb
    return {
        "next_event": sched.next_id,
        "global_next": sched.global_next,
        "specs": [
            {
                "name": spec.name,
                "next_allowed": sched.next_allowed[k],
                "window": list(sched.window[k]),
            }
            for k, spec in enumerate(state.settings.perturbations.specs)
        ],
        "agent_cooldowns": {
            str(u): sched.agent_cooldowns[u] for u in sorted(sched.agent_cooldowns)
        },
        "active": [_export_pert(state, p) for p in sched.active],
        "pending": [_export_pert(state, p) for p in sched.pending],
    }


def _event_number(ident: str) -> int | None:
    if not ident.startswith("evt_"):
        return None
    digits = ident[4:]
    if not digits.isascii() or not digits.isdigit() or digits.startswith("0"):
        return None
    return int(digits)


def _import_pert(state: WorldState, node: Mapping[str, Any]) -> Pert:
    s = state.settings
    names = [spec.name for spec in s.perturbations.specs]
    keys = [k for k, _ in s.prices]
    return Pert(
        id=_event_number(node["event_id"]) or 0,
        spec=names.index(node["spec"]),
        start=node["start"],
        ends_at=node["ends_at"],
        magnitude=node["magnitude"],
        targets=[keys.index(k) for k in node["targets"]],
        location=node["location"],
        participants=list(node["participants"]),
    )


def import_perturbations(state: WorldState, node: Mapping[str, Any]) -> None:
    """Read a checked ``perturbations`` subtree back into ``state``."""
    n = len(state.settings.perturbations.specs)
    sched = Scheduler.new(n)
    sched.next_id = node["next_event"]
    sched.global_next = node["global_next"]
    for k, spec in enumerate(node["specs"][:n]):
        sched.next_allowed[k] = spec["next_allowed"]
        sched.window[k] = list(spec["window"])
    sched.agent_cooldowns = {int(k): v for k, v in node["agent_cooldowns"].items()}
    sched.active = [_import_pert(state, p) for p in node["active"]]
    sched.pending = [_import_pert(state, p) for p in node["pending"]]
    state.perturb = sched


def check_perturbations(state: WorldState, tree: Mapping[str, Any]) -> None:
    """Check the ``perturbations`` subtree of a sound-shaped tree.

    Raises:
        SnapshotError: naming the first bad path.
    """
    tick = tree["tick"]
    node = tree["perturbations"]
    nxt = node["next_event"]
    if nxt < 1:
        raise SnapshotError(f"perturbations.next_event: must be >= 1, got {nxt}")
    specs = state.settings.perturbations.specs
    expected = [s.name for s in specs]
    if [s["name"] for s in node["specs"]] != expected:
        raise SnapshotError(
            f"perturbations.specs: expected the specs {', '.join(expected)}"
        )
    keys = [k for k, _ in state.settings.prices]
    zones = [z.name for z in state.grid.zones]
    prev = 0
    for part in ("active", "pending"):
        for i, p in enumerate(node[part]):
            path = f"perturbations.{part}[{i}]"
            ident = p["event_id"]
            n = _event_number(ident)
            if n is None or not 1 <= n < nxt:
                raise SnapshotError(
                    f"{path}.event_id: expected evt_<n> with 1 <= n < next_event, "
                    f"got '{ident}'"
                )
            if part == "active":
                if n <= prev:
                    raise SnapshotError(
                        f"{path}.event_id: expected ascending event ids"
                    )
                prev = n
            if p["spec"] not in expected:
                raise SnapshotError(f"{path}.spec: unknown spec '{p['spec']}'")
            start, end = p["start"], p["ends_at"]
            if end < start or (part == "active" and start > tick):
                raise SnapshotError(
                    f"{path}.ends_at: expected start <= ends_at (and start <= tick "
                    f"when active), got {start}, {end}"
                )
            for k in p["targets"]:
                if k not in keys:
                    raise SnapshotError(f"{path}.targets: unknown price key '{k}'")
            if p["location"] is not None and p["location"] not in zones:
                raise SnapshotError(f"{path}.location: unknown zone '{p['location']}'")
    for key in node["agent_cooldowns"]:
        if not (key.isascii() and key.isdigit() and str(int(key)) == key):
            raise SnapshotError(
                f"perturbations.agent_cooldowns.{key}: expected a uid key"
            )
