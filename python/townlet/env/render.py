"""``render_mode="ansi"``: the town map as text with residents drawn on it.

Each live resident is drawn as ``@`` on its tile (the map's own glyphs elsewhere);
a header line gives the tick and the number of live residents.

>>> from townlet.core.types import WorldView
>>> view = WorldView(3, 0, 363, 3, 1, ("#.#",), ({"position": [1, 0],
...     "alive": True},), (), ())
>>> print(ansi_frame(view))
tick 3 (day 0, 06:03), 1 alive
#@#
"""

from __future__ import annotations

from townlet.core.types import WorldView

__all__ = ["AGENT_GLYPH", "ansi_frame"]

AGENT_GLYPH = "@"


def ansi_frame(view: WorldView) -> str:
    """The text frame of ``view``: a header line, then one line per map row."""
    rows = [list(row) for row in view.rows]
    alive = 0
    for agent in view.agents:
        if not agent.get("alive", True):
            continue
        alive += 1
        x, y = (int(v) for v in agent["position"])
        if 0 <= y < len(rows) and 0 <= x < len(rows[y]):
            rows[y][x] = AGENT_GLYPH
    hours, minutes = divmod(view.minute, 60)
    header = (
        f"tick {view.tick} (day {view.day}, {hours:02d}:{minutes:02d}), {alive} alive"
    )
    return "\n".join([header, *("".join(row) for row in rows)])
