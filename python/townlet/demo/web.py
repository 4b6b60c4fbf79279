"""``townlet demo --ui web``: hand the story to ``townlet serve`` when it exists.

:func:`start_web_demo` hands the story to :func:`townlet.serve.serve_demo`; in a build
without the serve app it raises :class:`WebUnavailableError` (the CLI exits 2 with its
message).

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


def start_web_demo(
    story: Story,
    *,
    tps: float,
    open_browser: bool,
    loop: bool,
    port: int | None = None,
) -> Any:
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
    return entry(story, tps=tps, open_browser=open_browser, loop=loop, port=port)
