"""An event tap: a sink wrapper keeping what a UI shows (operations.md 4.3).

:class:`EventTap` forwards every event to the real sink and keeps, in bounded
deques, the narrations (``console.narrate`` events, and ``narration`` events once
telemetry emits them), the world events and the demo camera hints. It adds no thread
and reads no clock, so a headless demo replay collects the same narrations every time.

>>> from townlet.telemetry.discard import NullSink
>>> tap = EventTap(NullSink())
>>> tap.start()
>>> tap.emit(TelemetryEvent("console.narrate", 3, {"message": "Hi", "category": "x"}))
>>> tap.narrations[0]["tick"], tap.narrations[0]["message"]
(3, 'Hi')
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Mapping
from types import TracebackType
from typing import Any

from townlet.core.protocols import TelemetrySink
from townlet.core.types import TelemetryEvent, TransportStatus

__all__ = ["EventTap", "narration_record"]

NARRATION_KINDS = ("console.narrate", "narration")
#: world events the dashboard lists under "Events" (the story beats of a demo)
NOTABLE_EVENTS = frozenset(
    {
        "queue_conflict",
        "perturbation_started",
        "perturbation_ended",
        "agent_spawned",
        "utility_changed",
        "shared_meal",
    }
)


def narration_record(tick: int, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The fields a UI and the golden file keep of one narration.

    >>> narration_record(5, {"message": "M", "category": "demo_story"})["category"]
    'demo_story'
    """
    return {
        "tick": int(tick),
        "category": str(payload.get("category", "operator_story")),
        "message": str(payload.get("message", "")),
        "priority": bool(payload.get("priority", False)),
        "focus": payload.get("focus"),
    }


class EventTap:
    """Forwards events to ``inner`` and keeps the recent ones a UI shows.

    Args:
        inner: the real sink (``null`` in a headless demo).
        keep: how many narrations and world events to keep (the newest).
    """

    def __init__(self, inner: TelemetrySink, keep: int = 200) -> None:
        self.inner = inner
        self.narrations: deque[dict[str, Any]] = deque(maxlen=keep)
        self.world_events: deque[dict[str, Any]] = deque(maxlen=keep)
        self.camera: deque[dict[str, Any]] = deque(maxlen=keep)
        self.narration_count = 0
        self.event_totals: Counter[str] = Counter()
        self.utilities: dict[str, str] = {}
        self.notable: deque[dict[str, Any]] = deque(maxlen=keep)

    @property
    def provider(self) -> str:
        """The inner sink's name (the tap is invisible in ``meta.providers``)."""
        return self.inner.provider

    def start(self) -> None:
        """Start the inner sink."""
        self.inner.start()

    def stop(self) -> None:
        """Stop the inner sink."""
        self.inner.stop()

    def emit(self, event: TelemetryEvent) -> None:
        """Keep the event when a UI shows it, then forward it."""
        if event.kind in NARRATION_KINDS:
            self.narrations.append(narration_record(event.tick, event.payload))
            self.narration_count += 1
        elif event.kind.startswith("world."):
            name = event.kind[len("world.") :]
            record: dict[str, Any] = {"name": name, "tick": event.tick}
            self.event_totals[name] += 1
            if name in NOTABLE_EVENTS and event.tick > 0:
                self.notable.append({**record, **dict(event.payload)})
            if name == "utility_changed":
                up = bool(event.payload.get("up", True))
                self.utilities[str(event.payload.get("utility"))] = (
                    "ON" if up else "OUTAGE"
                )
            self.world_events.append({**record, **dict(event.payload)})
        elif event.kind == "demo.camera":
            self.camera.append({"tick": event.tick, **dict(event.payload)})
        self.inner.emit(event)

    def status(self) -> TransportStatus:
        """The inner sink's status."""
        return self.inner.status()

    def __enter__(self) -> EventTap:
        """Start the inner sink."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the inner sink."""
        self.stop()
