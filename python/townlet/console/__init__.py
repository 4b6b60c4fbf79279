"""The operator console (operations.md 2): one ingress for HTTP, WebSocket and Python.

- :class:`ConsoleService`: the ten-step ingress pipeline, queue and loop hooks.
- :data:`CATALOGUE`: every command (``townlet.console.handlers``).
- :func:`console_routes`: Starlette routes for ``townlet serve``
  (:mod:`townlet.console.routes`, needs the ``serve`` extra).
- :class:`TickDriver`: ticks a loop on a thread at a target rate, honouring pause.
- :mod:`townlet.console.script`: the script format shared by dry-run and
  ``run --commands``.
"""

from __future__ import annotations

from townlet.console.auth import Principal, TokenStore
from townlet.console.envelope import ERROR_CODES, HTTP_STATUS, ConsoleError, Result
from townlet.console.handlers import CATALOGUE
from townlet.console.service import ConsoleService

__all__ = [
    "CATALOGUE",
    "ERROR_CODES",
    "HTTP_STATUS",
    "ConsoleError",
    "ConsoleService",
    "Principal",
    "Result",
    "TokenStore",
]
