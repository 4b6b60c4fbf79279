"""Exit reviews and evictions (world.md 9.5, 9.6; docs/rules/economy-and-jobs.md).

Too many absences or missed rents put an agent in the exit queue (``exit_pending``);
step 12 evicts from its head within the daily cap and the cooldown, or reprieves an
agent whose condition no longer holds. The console approves (eviction in step 12),
defers (removes from the queue) and changes the daily cap. Mirrors ``exits.rs``.

>>> absences([2, 4, 9, 10], today=10, window=7)
3
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from townlet.errors import SnapshotError

if TYPE_CHECKING:
    from townlet.world.state import WorldState

__all__ = [
    "ExitEntry",
    "ExitRules",
    "absences",
    "check_exits",
    "day_boundary",
    "export_exits",
    "forget",
    "import_exits",
    "process_exits",
    "reprieve",
    "trigger_exit",
]

_U32_MAX = (1 << 32) - 1
_REASONS = ("absences", "rent")


@dataclass(frozen=True, slots=True)
class ExitRules:
    """Exit review settings (``exits``, world.md 9.1).

    >>> ExitRules().daily_exit_cap
    2
    """

    absence_window_days: int = 7
    max_absences: int = 3
    rent_missed_limit: int = 3
    daily_exit_cap: int = 2
    exit_cooldown_ticks: int = 120


@dataclass(frozen=True, slots=True)
class ExitEntry:
    """One exit queue entry (world.md 9.6)."""

    uid: int
    reason: str
    enqueued_tick: int


def absences(days: list[int], today: int, window: int) -> int:
    """Number of absence days ``d`` with ``today - d < window`` (world.md 9.5)."""
    return sum(1 for d in days if today - d < window)


def trigger_exit(state: WorldState, agent: Any, reason: str) -> None:
    """Enqueue ``agent`` with ``reason`` unless it is already pending (world.md 9.6)."""
    if agent.exit_pending:
        return
    agent.exit_pending = True
    state.exit_queue.append(ExitEntry(agent.uid, reason, state.tick))
    state.events.emit(
        "exit_pending",
        agent_id=agent.id,
        reason=reason,
        queue_length=len(state.exit_queue),
    )


def day_boundary(state: WorldState) -> None:
    """Step 4 at a day boundary: prune absence windows, ``exits_today = 0``."""
    today, window = state.day(), state.settings.exits.absence_window_days
    for agent in state.agents:
        agent.absence_days = [d for d in agent.absence_days if today - d < window]
    state.exits_today = 0


def forget(state: WorldState, uid: int) -> None:
    """Termination hook: the agent leaves the exit queue (no event)."""
    state.exit_queue = [e for e in state.exit_queue if e.uid != uid]


def reprieve(state: WorldState, agent: Any) -> bool:
    """Remove ``agent`` from the queue with ``exit_reprieved``; False if not pending."""
    for pos, entry in enumerate(state.exit_queue):
        if entry.uid == agent.uid:
            agent.exit_pending = False
            del state.exit_queue[pos]
            state.events.emit(
                "exit_reprieved",
                agent_id=agent.id,
                reason=entry.reason,
                queue_length=len(state.exit_queue),
            )
            return True
    return False


def _still_due(state: WorldState, agent: Any) -> str | None:
    x = state.settings.exits
    if absences(agent.absence_days, state.day(), x.absence_window_days) >= (
        x.max_absences
    ):
        return "absences"
    if agent.rent_missed_streak >= x.rent_missed_limit:
        return "rent"
    return None


def _evict(state: WorldState, agent: Any, detail: str) -> None:
    from townlet.world.lifecycle import terminate

    terminate(state, agent, "eviction", detail)
    state.exits_today = min(state.exits_today + 1, _U32_MAX)
    state.last_exit_tick = state.tick


def process_exits(state: WorldState) -> None:
    """Step 12 after faints: manual approvals, then the queue (world.md 9.6)."""
    approvals, state.exit_approvals = state.exit_approvals, []
    for uid in approvals:
        agent = next((a for a in state.agents if a.uid == uid and a.alive), None)
        if agent is not None:
            _evict(state, agent, "manual")
    cooldown = state.settings.exits.exit_cooldown_ticks
    while (
        state.exit_queue
        and state.exits_today < state.daily_exit_cap
        and (
            state.last_exit_tick is None
            or state.tick - state.last_exit_tick >= cooldown
        )
    ):
        entry = state.exit_queue.pop(0)
        agent = next((a for a in state.agents if a.uid == entry.uid), None)
        if agent is None:
            continue
        reason = _still_due(state, agent)
        if reason is not None:
            _evict(state, agent, reason)
        else:
            agent.exit_pending = False
            state.events.emit(
                "exit_reprieved",
                agent_id=agent.id,
                reason=entry.reason,
                queue_length=len(state.exit_queue),
            )


def export_exits(state: WorldState) -> dict[str, Any]:
    """The ``exits`` subtree of the state (docs/world-state.md section 3)."""
    return {
        "queue": [
            {"uid": e.uid, "reason": e.reason, "enqueued_tick": e.enqueued_tick}
            for e in state.exit_queue
        ],
        "exits_today": state.exits_today,
        "last_exit_tick": state.last_exit_tick,
    }


def import_exits(state: WorldState, node: Mapping[str, Any]) -> None:
    """Read a checked ``exits`` subtree back into ``state``."""
    state.exit_queue = [
        ExitEntry(e["uid"], e["reason"], e["enqueued_tick"]) for e in node["queue"]
    ]
    state.exits_today = node["exits_today"]
    state.last_exit_tick = node["last_exit_tick"]


def check_exits(tree: Mapping[str, Any]) -> None:
    """Check ``exits``, ``settings.daily_exit_cap`` and every ``exit_pending``.

    Raises:
        SnapshotError: naming the first bad path.
    """
    tick = tree["tick"]
    cap = tree["settings"]["daily_exit_cap"]
    if not 0 <= cap <= _U32_MAX:
        raise SnapshotError(
            f"settings.daily_exit_cap: must be in [0, {_U32_MAX}], got {cap}"
        )
    exits, agents = tree["exits"], tree["agents"]
    alive = {a["uid"] for a in agents if a["alive"]}
    queued: list[int] = []
    for k, e in enumerate(exits["queue"]):
        p = f"exits.queue[{k}]"
        uid = e["uid"]
        if uid not in alive or uid in queued:
            raise SnapshotError(
                f"{p}.uid: expected a distinct alive agent's uid, got {uid}"
            )
        queued.append(uid)
        if e["reason"] not in _REASONS:
            raise SnapshotError(
                f"{p}.reason: expected absences or rent, got '{e['reason']}'"
            )
        t = e["enqueued_tick"]
        if not 0 <= t <= tick:
            raise SnapshotError(f"{p}.enqueued_tick: must be in [0, {tick}], got {t}")
    today = exits["exits_today"]
    if not 0 <= today <= _U32_MAX:
        raise SnapshotError(
            f"exits.exits_today: must be in [0, {_U32_MAX}], got {today}"
        )
    last = exits["last_exit_tick"]
    if last is not None and not 0 <= last <= tick:
        raise SnapshotError(f"exits.last_exit_tick: must be in [0, {tick}], got {last}")
    for i, a in enumerate(agents):
        if a["alive"] and a["exit_pending"] != (a["uid"] in queued):
            raise SnapshotError(
                f"agents[{i}].exit_pending: must be true exactly when the agent "
                "is in exits.queue"
            )
