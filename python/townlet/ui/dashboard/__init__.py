"""The terminal dashboard (operations.md 4.3): a Textual app over a local session.

- :class:`~townlet.ui.dashboard.session.LocalSession`: loop, console and event tap.
- :mod:`~townlet.ui.dashboard.render`, :mod:`~townlet.ui.dashboard.panels`: text.
- :class:`~townlet.ui.dashboard.app.DashboardApp`: the app (needs ``townlet[ui]``).

Importing this package does not import Textual; :func:`textual_available` tells.

>>> isinstance(textual_available(), bool)
True
"""

from __future__ import annotations

import importlib.util

from townlet.ui.dashboard.session import LocalSession
from townlet.ui.dashboard.tap import EventTap

__all__ = ["EventTap", "LocalSession", "textual_available"]


def textual_available() -> bool:
    """Whether the ``ui`` extra (Textual) is installed."""
    return importlib.util.find_spec("textual") is not None
