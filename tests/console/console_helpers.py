"""Constants and helpers shared by the console tests (tokens, a manual clock, post)."""

from __future__ import annotations

import json
from typing import Any

from townlet.console import ConsoleService

ADMIN = "admin-token-0123456789"
VIEWER = "viewer-token-0123456789"
ENVIRON = {"TOWNLET_ADMIN_TOKEN": ADMIN, "TOWNLET_VIEWER_TOKEN": VIEWER}
WALL = [1, 1]


class Clock:
    """A manual monotonic clock."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def post(
    service: ConsoleService,
    envelope: Any,
    token: str | None = ADMIN,
    remote: str = "10.0.0.1:4000",
) -> dict[str, Any]:
    """Submit an envelope as a remote client and return the envelope dict."""
    body = envelope if isinstance(envelope, bytes) else json.dumps(envelope).encode()
    return service.submit(body, token=token, remote=remote).as_dict()
