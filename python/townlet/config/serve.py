"""HTTP and WebSocket server settings of ``townlet serve`` (operations.md 4.1).

``serve``. Operator-only: never part of ``config_id``.

>>> ServeConfig().port
8000
"""

from __future__ import annotations

from townlet.config.base import Section, setting

__all__ = ["ServeConfig", "WebSocketConfig"]


class WebSocketConfig(Section):
    """Limits of the /ws/telemetry endpoint (operations.md 1.5)."""

    max_clients: int = setting(32, "Concurrent viewer connections.", ge=1)
    client_queue: int = setting(8, "States queued per client (latest wins).", ge=1)
    max_fps: float = setting(10.0, "Frames per second per client.", gt=0)
    max_carried_events: int = setting(
        1000, "Delta items carried per client before dropping.", ge=0
    )


class ServeConfig(Section):
    """Where and how fast ``townlet serve`` runs."""

    host: str = setting("127.0.0.1", "Bind address.", min_length=1)
    port: int = setting(8000, "TCP port; 0 = any free port.", ge=0, le=65535)
    tps: float = setting(10.0, "Ticks per second; 0 = as fast as possible.", ge=0)
    ws: WebSocketConfig = setting(WebSocketConfig, "WebSocket limits.")
