"""What a snapshot holds, section by section (operations.md 3.1).

``world`` is ``world.export_state()`` (RNG streams included). ``loop`` is the loop's
own state (tick, the ``policy`` stream, reward-engine state) plus the console state
(pending commands, the console input log, the last 512 idempotency results).
``policy`` is the policy identity. ``stability`` is the loop's stability monitor
state (windows, baselines, streaks, promotion; ``None`` when the monitor is off), or
what a :class:`StateHooks` provider returns instead. ``telemetry`` is the cursor (the
tick and tick count the frames are numbered by) plus, with a telemetry pipeline, its
deterministic state (narration limiter, KPI history, loop event sequence).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from townlet.telemetry.pipeline import pipeline_of

__all__ = ["StateHooks", "capture_state", "policy_identity", "restore_state"]


@dataclass
class StateHooks:
    """Optional snapshot sections owned by other subsystems.

    Attributes:
        stability_export: returns the analyzer windows, alerts and promotion state
            (learning.md), or ``None``; ``None`` means no monitor.
        stability_import: restores what ``stability_export`` returned.
        policy_export: a learned policy's run state (anneal ratio, recurrent hidden
            state), stored as ``loop.policy_state``; ``None`` for stateless policies.
        policy_import: restores what ``policy_export`` returned.
    """

    stability_export: Callable[[], Mapping[str, Any] | None] | None = None
    stability_import: Callable[[Mapping[str, Any]], None] | None = None
    policy_export: Callable[[], Mapping[str, Any] | None] | None = None
    policy_import: Callable[[Mapping[str, Any]], None] | None = None


def policy_identity(loop: Any) -> dict[str, Any]:
    """The policy identity as a dict (``provider`` added).

    >>> from types import SimpleNamespace as NS
    >>> from townlet.core.types import PolicyIdentity
    >>> ident = PolicyIdentity("random")
    >>> fake = NS(policy=NS(provider="random", identity=lambda: ident))
    >>> policy_identity(fake)["name"]
    'random'
    """
    identity = loop.policy.identity()
    data: dict[str, Any] = {}
    if dataclasses.is_dataclass(identity) and not isinstance(identity, type):
        data = dataclasses.asdict(identity)
    return {"provider": loop.policy.provider, **data}


def capture_state(
    loop: Any, console: Any = None, hooks: StateHooks | None = None
) -> dict[str, Any]:
    """The five sections of a snapshot, taken between ticks."""
    hooks = hooks or StateHooks()
    loop_state = loop.export_loop_state()
    loop_state["console"] = None if console is None else console.export_state()
    policy_state = None if hooks.policy_export is None else hooks.policy_export()
    loop_state["policy_state"] = None if policy_state is None else dict(policy_state)
    stability = None
    export = hooks.stability_export or _monitor_hook(loop, "export_state")
    if export is not None:
        got = export()
        stability = None if got is None else dict(got)
    telemetry: dict[str, Any] = {
        "cursor": {"tick": loop.tick, "ticks_counted": loop.counters.ticks}
    }
    pipeline = pipeline_of(getattr(loop, "telemetry", None))
    if pipeline is not None:
        telemetry["pipeline"] = pipeline.export_cursor()
    return {
        "world": loop.world.export_state(),
        "loop": loop_state,
        "policy": policy_identity(loop),
        "stability": stability,
        "telemetry": telemetry,
    }


def _monitor_hook(loop: Any, name: str) -> Any:
    """The loop's stability monitor method ``name``, or ``None`` without a monitor."""
    monitor = getattr(loop, "stability", None)
    return None if monitor is None else getattr(monitor, name)


def restore_state(
    loop: Any,
    state: Mapping[str, Any],
    console: Any = None,
    hooks: StateHooks | None = None,
) -> None:
    """Put ``state`` into a started, fresh ``loop`` (and its console)."""
    loop.restore(state["world"], state["loop"])
    console_state = state["loop"].get("console")
    if console is not None and console_state is not None:
        console.import_state(console_state)
    hooks = hooks or StateHooks()
    restore = hooks.stability_import or _monitor_hook(loop, "import_state")
    if restore is not None and state.get("stability") is not None:
        restore(state["stability"])
    cursor = (state.get("telemetry") or {}).get("pipeline")
    pipeline = pipeline_of(getattr(loop, "telemetry", None))
    if pipeline is not None and cursor is not None:
        pipeline.import_cursor(cursor)
    policy_state = state["loop"].get("policy_state")
    if hooks.policy_import is not None and policy_state is not None:
        hooks.policy_import(policy_state)
