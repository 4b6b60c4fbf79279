"""Text for the terminal dashboard: pure functions, no Textual (operations.md 4.3).

The app (:mod:`townlet.ui.dashboard.app`) puts these strings into widgets, so the
minimap, the needs bars, the sparklines and the header are tested without a terminal.

>>> need_bar(0.5, width=4)
'██░░ 0.50'
>>> clock_text(0, 365)
'day 0 06:05'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from townlet.core.types import WorldView

__all__ = [
    "SPARK",
    "agent_glyph",
    "clock_text",
    "minimap",
    "need_bar",
    "sparkline",
    "tie_marks",
]

SPARK = "▁▂▃▄▅▆▇█"
SELECTED = "@"
TILE_GLYPHS = {",": " ", "=": "·", "#": "#", ".": " ", "+": "+", "~": "~", "@": "·"}


def clock_text(day: int, minute: int) -> str:
    """``day D hh:mm`` from a day index and the minute of the day.

    >>> clock_text(2, 1439)
    'day 2 23:59'
    """
    return f"day {day} {minute // 60 % 24:02d}:{minute % 60:02d}"


def need_bar(value: float | None, width: int = 10) -> str:
    """A bar of ``width`` cells and the value; ``n/a`` for ``None``.

    >>> need_bar(None)
    'n/a'
    """
    if value is None:
        return "n/a"
    clamped = min(1.0, max(0.0, float(value)))
    full = round(clamped * width)
    return "█" * full + "░" * (width - full) + f" {clamped:.2f}"


def sparkline(values: Sequence[float | None]) -> str:
    """One block character per value, scaled between the minimum and maximum.

    >>> sparkline([0.0, 0.5, 1.0])
    '▁▅█'
    >>> sparkline([None, 2.0])
    ' ▁'
    """
    known = [v for v in values if v is not None]
    if not known:
        return " " * len(values)
    low, high = min(known), max(known)
    span = high - low
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        else:
            level = 0 if span == 0 else round((v - low) / span * (len(SPARK) - 1))
            out.append(SPARK[level])
    return "".join(out)


def agent_glyph(index: int) -> str:
    """A one-character label for the ``index``-th agent: 0-9, then a-z.

    >>> agent_glyph(3), agent_glyph(10)
    ('3', 'a')
    """
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    return digits[index % len(digits)]


def tie_marks(
    selected: str | None,
    ties: Mapping[str, Iterable[Mapping[str, Any]]],
    threshold: float = 0.1,
) -> dict[str, str]:
    """Relationship marks for the minimap: ``+`` friend, ``x`` rival of ``selected``.

    >>> tie_marks("a", {"a": [{"other": "b", "trust": 0.4, "rivalry": 0.0}]})
    {'b': '+'}
    """
    if selected is None:
        return {}
    marks: dict[str, str] = {}
    for tie in ties.get(selected, ()):
        trust, rivalry = float(tie.get("trust", 0)), float(tie.get("rivalry", 0))
        if rivalry >= threshold and rivalry > trust:
            marks[str(tie["other"])] = "x"
        elif trust >= threshold:
            marks[str(tie["other"])] = "+"
    return marks


def minimap(
    view: WorldView,
    cols: int,
    rows: int,
    *,
    selected: str | None = None,
    follow: bool = False,
    marks: Mapping[str, str] | None = None,
) -> list[str]:
    """The map downscaled (or cropped around ``selected`` when following) to fit.

    Agents are drawn with :func:`agent_glyph` of their index, the selected agent as
    ``@`` and marked agents (:func:`tie_marks`) with their mark.

    Args:
        view: the world picture.
        cols: columns available.
        rows: rows available.
        selected: the selected agent id.
        follow: crop a full-scale window centred on ``selected``.
        marks: agent id -> mark character.
    """
    cols, rows = max(1, cols), max(1, rows)
    positions = {
        str(a["id"]): (int(a["position"][0]), int(a["position"][1]), i)
        for i, a in enumerate(view.agents)
        if a.get("alive", True) and a.get("position") is not None
    }
    if follow and selected in positions:
        sx, sy, _ = positions[selected]
        x0 = min(max(0, sx - cols // 2), max(0, view.width - cols))
        y0 = min(max(0, sy - rows // 2), max(0, view.height - rows))
        step_x = step_y = 1.0
    else:
        x0 = y0 = 0
        step_x = max(1.0, view.width / cols)
        step_y = max(1.0, view.height / rows)
    out_cols = min(cols, int(view.width / step_x))
    out_rows = min(rows, int(view.height / step_y))
    grid = [
        [
            TILE_GLYPHS.get(
                view.rows[min(view.height - 1, y0 + int(r * step_y))][
                    min(view.width - 1, x0 + int(c * step_x))
                ],
                "▪",
            )
            for c in range(out_cols)
        ]
        for r in range(out_rows)
    ]
    marks = marks or {}
    order = sorted(positions.items(), key=lambda kv: kv[0] == selected)
    for agent_id, (x, y, index) in order:
        c, r = int((x - x0) / step_x), int((y - y0) / step_y)
        if 0 <= c < out_cols and 0 <= r < out_rows:
            glyph = marks.get(agent_id, agent_glyph(index))
            grid[r][c] = SELECTED if agent_id == selected else glyph
    return ["".join(line) for line in grid]
