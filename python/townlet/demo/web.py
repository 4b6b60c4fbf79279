"""``townlet demo --ui web``: hand the story to ``townlet serve`` when it exists.

The serve app (:mod:`townlet.serve`) is built on another branch. Until it is merged,
:func:`start_web_demo` raises :class:`WebUnavailableError` (the CLI exits 2 with its
message). Wiring: once ``townlet.serve`` offers ``serve_demo(story, tps, open_browser,
loop)``, this function calls it unchanged.

>>> WebUnavailableError.hint.startswith("use --ui dashboard")
True
"""

from __future__ import annotations

import importlib
from typing import Any

from townlet.demo.story import Story
from townlet.errors import TownletError

__all__ = ["WebUnavailableError", "start_web_demo"]


class WebUnavailableError(TownletError):
    """The web viewer cannot run the demo in this build."""

    hint = "use --ui dashboard (pip install townlet[ui]) or --ui none"


def start_web_demo(story: Story, *, tps: float, open_browser: bool, loop: bool) -> Any:
    """Run ``story`` in ``townlet serve`` (the web viewer).

    Raises:
        WebUnavailableError: the serve app or its ``serve_demo`` entry is missing.
    """
    try:
        serve = importlib.import_module("townlet.serve")
    except ImportError:
        serve = None
    entry = getattr(serve, "serve_demo", None)
    if entry is None:
        raise WebUnavailableError(
            "townlet demo --ui web: the web viewer (townlet.serve) is not available "
            "in this build",
            hint=WebUnavailableError.hint,
        )
    return entry(story, tps=tps, open_browser=open_browser, loop=loop)
