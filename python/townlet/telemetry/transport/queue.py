"""Bounded coalescing queue between the simulation thread and one worker (§1.6).

The simulation thread ``put``\\ s tick states; the worker ``get``\\ s them. When the
queue is full the transport's backpressure policy decides:

- ``block``: wait up to ``block_timeout_s`` for space, then apply ``block_fallback``
  and count ``block_timeouts_total``;
- ``drop_oldest``: remove the oldest queued state and prepend its delta items to the
  next queued one;
- ``drop_newest``: refuse the incoming state and keep its delta items in a carry
  buffer, prepended to the next state that is accepted.

Only state *samples* are lost (``states_coalesced_total``); a delta item is lost only
beyond ``max_carried_events`` (``events_dropped_total{carry_overflow}``).

>>> q = CoalescingQueue(capacity=1, policy="drop_oldest")
>>> q.put(TickState(1, {}, {}, events=({"eid": "1:0"},)))
>>> q.put(TickState(2, {}, {}))
>>> [s.tick for s in q.drain()], q.counters.states_coalesced_total
([2], 1)
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Literal

from townlet.telemetry.frames import TickState

__all__ = ["Backpressure", "CoalescingQueue", "QueueCounters"]

Backpressure = Literal["block", "drop_oldest", "drop_newest"]


@dataclass
class QueueCounters:
    """The queue side of a transport's counters (operations.md 1.6)."""

    states_enqueued_total: int = 0
    states_coalesced_total: int = 0
    events_dropped_total: Counter[str] = field(default_factory=Counter)
    block_wait_seconds_total: float = 0.0
    block_timeouts_total: int = 0
    queue_depth: int = 0
    queue_depth_peak: int = 0


class CoalescingQueue:
    """A thread-safe bounded queue of tick states that coalesces instead of growing.

    Args:
        capacity: states held at most (``queue_states``).
        policy: ``block``, ``drop_oldest`` or ``drop_newest``.
        block_timeout_s: longest wait under ``block``.
        block_fallback: policy applied when a block times out.
        max_carried_events: delta items one state may carry before the oldest drop.
    """

    def __init__(
        self,
        capacity: int = 64,
        policy: Backpressure = "block",
        *,
        block_timeout_s: float = 2.0,
        block_fallback: Literal["drop_oldest", "drop_newest"] = "drop_oldest",
        max_carried_events: int = 10_000,
    ) -> None:
        if capacity < 1:
            raise ValueError(f"queue capacity must be >= 1, got {capacity}")
        self.capacity = capacity
        self.policy = policy
        self.block_timeout_s = block_timeout_s
        self.block_fallback = block_fallback
        self.max_carried_events = max_carried_events
        self.counters = QueueCounters()
        self._items: deque[TickState] = deque()
        self._carry: TickState | None = None
        self._cond = threading.Condition()
        self._closed = False
        # Wake the worker only when half full (or on close/flush): it drains in
        # batches, so the simulation thread hands over the GIL ~100 times less.
        self.wake_at = max(1, capacity // 2)
        self._in_flight = False

    def __len__(self) -> int:
        """States queued now."""
        return len(self._items)

    def put(self, state: TickState) -> None:
        """Queue a state under the backpressure policy; never raises on a full queue."""
        with self._cond:
            if self._carry is not None:
                state = state.with_earlier(self._carry)
                self._carry = None
            state = self._cap(state)
            policy: str = self.policy
            if len(self._items) >= self.capacity and policy == "block":
                policy = self._wait_for_space()
            if len(self._items) >= self.capacity:
                if policy == "drop_newest":
                    self._carry = state
                    self.counters.states_coalesced_total += 1
                    return
                oldest = self._items.popleft()
                if self._items:
                    self._items[0] = self._cap(self._items[0].with_earlier(oldest))
                else:
                    state = self._cap(state.with_earlier(oldest))
                self.counters.states_coalesced_total += 1
            self._items.append(state)
            self.counters.states_enqueued_total += 1
            self._note_depth()
            if len(self._items) >= self.wake_at:
                self._cond.notify_all()

    def _wait_for_space(self) -> str:
        """Block until there is room or the timeout passes; return the policy to use."""
        started = time.perf_counter()
        deadline = started + self.block_timeout_s
        while len(self._items) >= self.capacity and not self._closed:
            left = deadline - time.perf_counter()
            if left <= 0:
                break
            self._cond.wait(left)
        self.counters.block_wait_seconds_total += time.perf_counter() - started
        if len(self._items) >= self.capacity:
            self.counters.block_timeouts_total += 1
            return self.block_fallback
        return "block"

    def _cap(self, state: TickState) -> TickState:
        """Drop the oldest delta items beyond ``max_carried_events``."""
        state, lost = state.trimmed(self.max_carried_events)
        if lost:
            self.counters.events_dropped_total["carry_overflow"] += lost
        return state

    def _note_depth(self) -> None:
        """Update the depth gauges."""
        depth = len(self._items)
        self.counters.queue_depth = depth
        self.counters.queue_depth_peak = max(self.counters.queue_depth_peak, depth)

    def get(self, timeout: float | None = None) -> TickState | None:
        """The oldest state, waiting up to ``timeout``; ``None`` when none came."""
        with self._cond:
            if not self._items:
                self._cond.wait_for(lambda: bool(self._items) or self._closed, timeout)
            if not self._items:
                return None
            state = self._items.popleft()
            self._note_depth()
            self._cond.notify_all()
            return state

    def get_batch(self, timeout: float) -> list[TickState]:
        """Everything queued, waiting up to ``timeout`` for a wake-up; may be empty."""
        with self._cond:
            if len(self._items) < self.wake_at and not self._closed:
                self._cond.wait(timeout)
            items = list(self._items)
            self._items.clear()
            self._note_depth()
            if items:
                self._in_flight = True
                self._cond.notify_all()
            return items

    def batch_done(self) -> None:
        """The worker has written the last batch (``wait_empty`` may return)."""
        with self._cond:
            self._in_flight = False
            self._cond.notify_all()

    def wake(self) -> None:
        """Wake the worker now (flush)."""
        with self._cond:
            self._cond.notify_all()

    def push_front(self, state: TickState) -> None:
        """Put a state back at the head (a failed write is retried first)."""
        with self._cond:
            self._items.appendleft(state)
            self._note_depth()
            self._cond.notify_all()

    def flush_carry(self) -> None:
        """Queue the carry buffer (at close), even beyond capacity."""
        with self._cond:
            if self._carry is not None:
                self._items.append(self._carry)
                self._carry = None
                self.counters.states_enqueued_total += 1
                self._note_depth()
                self._cond.notify_all()

    def close(self) -> None:
        """Wake every waiter; ``get`` then returns what is left, then ``None``."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def drain(self) -> list[TickState]:
        """Remove and return everything queued."""
        with self._cond:
            items = list(self._items)
            self._items.clear()
            self._note_depth()
            self._cond.notify_all()
            return items

    def wait_empty(self, timeout: float) -> bool:
        """Wake the worker and block until the queue is empty; False on timeout."""
        with self._cond:
            self._cond.notify_all()
            return self._cond.wait_for(
                lambda: not self._items and not self._in_flight, timeout
            )
