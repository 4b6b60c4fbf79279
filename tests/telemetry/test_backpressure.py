"""Backpressure policies with exact counters (operations.md 1.6).

A deliberately slow transport holds its worker on a gate, so the queue fills
deterministically; the counters are then checked exactly.
"""

from __future__ import annotations

import threading

from townlet.telemetry.frames import TickState
from townlet.telemetry.transport.base import Transport
from townlet.telemetry.transport.queue import CoalescingQueue
from townlet.telemetry.transport.worker import TransportWorker


class GatedTransport(Transport):
    """Records states; blocks each delivery until the gate opens."""

    type = "gated"

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.entered = threading.Event()
        self.states: list[TickState] = []
        self.ended = None

    def deliver(self, state):
        self.entered.set()
        self.gate.wait(10)
        self.states.append(state)

    def finish(self, totals, tick):
        self.ended = dict(totals)

    @property
    def events_written(self):
        return sum(len(s.events) for s in self.states)


def tick(t):
    return TickState(t, {}, {}, events=({"eid": f"{t}:0", "tick": t, "kind": "x"},))


def stalled(policy, capacity=2, **kw):
    """A worker stuck inside its first delivery, with an empty queue."""
    transport = GatedTransport()
    queue = CoalescingQueue(capacity, policy, **kw)
    worker = TransportWorker(transport, queue)
    worker.start()
    queue.put(tick(1))
    queue.wake()
    assert transport.entered.wait(5)
    return transport, queue, worker


def finish(transport, worker):
    transport.gate.set()
    worker.stop(lambda: {"events_accepted": 0}, 5.0, 0)


def test_drop_oldest_coalesces_exactly_and_keeps_every_event():
    transport, queue, worker = stalled("drop_oldest")
    for t in range(2, 12):  # 10 states into a queue of 2
        queue.put(tick(t))
    assert queue.counters.states_coalesced_total == 8
    assert queue.counters.states_enqueued_total == 11
    assert queue.counters.queue_depth_peak == 2
    finish(transport, worker)
    assert [s.tick for s in transport.states] == [1, 10, 11]
    eids = [e["eid"] for s in transport.states for e in s.events]
    assert eids == [f"{t}:0" for t in range(1, 12)]  # only samples were lost


def test_drop_newest_carries_refused_deltas_into_the_next_accepted_state():
    transport, queue, worker = stalled("drop_newest")
    for t in range(2, 7):
        queue.put(tick(t))
    assert queue.counters.states_coalesced_total == 3  # 4, 5, 6 refused
    finish(transport, worker)  # stop() queues the carry
    assert [s.tick for s in transport.states] == [1, 2, 3, 6]
    eids = [e["eid"] for s in transport.states for e in s.events]
    assert eids == [f"{t}:0" for t in range(1, 7)]


def test_carry_overflow_drops_the_oldest_items_and_counts_them():
    transport, queue, worker = stalled("drop_oldest", max_carried_events=3)
    for t in range(2, 12):
        queue.put(tick(t))
    finish(transport, worker)
    dropped = queue.counters.events_dropped_total["carry_overflow"]
    written = sum(len(s.events) for s in transport.states)
    assert written + dropped == 11
    assert dropped == 6  # one per put once the head holds 3 items (puts 6..11)


def test_block_waits_then_falls_back_and_counts_the_timeout():
    transport, queue, worker = stalled(
        "block", block_timeout_s=0.05, block_fallback="drop_newest"
    )
    queue.put(tick(2))
    queue.put(tick(3))  # queue full now
    queue.put(tick(4))  # waits 0.05 s, then refuses
    assert queue.counters.block_timeouts_total == 1
    assert queue.counters.block_wait_seconds_total >= 0.05
    assert queue.counters.states_coalesced_total == 1
    finish(transport, worker)
    eids = [e["eid"] for s in transport.states for e in s.events]
    assert eids == ["1:0", "2:0", "3:0", "4:0"]


def test_block_does_not_drop_when_the_transport_keeps_up():
    transport, queue, worker = stalled("block", block_timeout_s=5.0)
    transport.gate.set()
    for t in range(2, 200):
        queue.put(tick(t))
    worker.stop(lambda: {}, 5.0, 0)
    assert queue.counters.block_timeouts_total == 0
    assert queue.counters.states_coalesced_total == 0
    assert [s.tick for s in transport.states] == list(range(1, 200))


def test_a_stuck_transport_is_abandoned_after_the_shutdown_timeout():
    transport, queue, worker = stalled("drop_oldest", capacity=4)
    for t in range(2, 5):
        queue.put(tick(t))
    worker.stop(lambda: {}, 0.1, 0)  # the gate never opens
    assert queue.counters.events_dropped_total["shutdown_timeout"] == 3
    transport.gate.set()
