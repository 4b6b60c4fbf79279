"""The map window of one row (learning.md 1.1, 1.3).

The window is world-aligned: ``[c, r + dy, r + dx]`` holds the tile at offset
``(dx, dy)``. Static channels are slices of the padded planes of
:class:`~townlet.world.obs_context.ObsContext`; ``agents`` reads the per-tile counts
of the call, ``in_use``/``queue`` the dynamic planes built once per call from
:mod:`townlet.world.obs_facts`; ``rival``, ``friend``, ``home`` and ``workplace`` are
set tile by tile. The Rust twin is ``townlet-core/src/obs_map.rs``.

>>> FULL[:3]
('self', 'agents', 0)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from townlet.world import obs_facts
from townlet.world.actions import chat_check, chat_target
from townlet.world.agents import Agent
from townlet.world.obs_context import (
    PLANE_BLOCKED,
    PLANE_CATEGORY,
    PLANE_DOOR,
    PLANE_INTERACT,
    PLANE_OUTDOOR,
    PLANE_WALL,
    ObsContext,
)
from townlet.world.obs_features import social_slots
from townlet.world.state import WorldState

__all__ = ["FULL", "HYBRID", "Dynamic", "chat_open", "prepare", "write_map"]

Channel = str | int
"""A static plane index, or one of ``self agents in_use queue rival friend home
workplace``."""

FULL: tuple[Channel, ...] = (
    "self",
    "agents",
    PLANE_WALL,
    PLANE_DOOR,
    PLANE_OUTDOOR,
    *range(PLANE_CATEGORY, PLANE_CATEGORY + 6),
    PLANE_INTERACT,
    "in_use",
    "queue",
    "rival",
    "friend",
    "home",
    "workplace",
)
"""Full channels (C = 18)."""

HYBRID: tuple[Channel, ...] = (
    "self",
    "agents",
    PLANE_BLOCKED,
    PLANE_INTERACT,
    "in_use",
    "rival",
)
"""Hybrid channels (C = 6)."""

_CNT3 = np.array([0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0], dtype=np.float32)


class Dynamic:
    """The per-call planes: agent counts, ``in_use`` and ``queue`` (padded)."""

    def __init__(self, state: WorldState, ctx: ObsContext) -> None:
        """Count alive agents per tile and read the object facts once."""
        pad = ctx.pad
        self.counts = np.zeros((ctx.ph, ctx.pw), dtype=np.int64)
        self.on_tile: dict[tuple[int, int], list[Agent]] = {}
        for a in state.agents:
            if a.alive:
                self.counts[a.y + pad, a.x + pad] += 1
                self.on_tile.setdefault((a.x, a.y), []).append(a)
        self.in_use = np.zeros((ctx.ph, ctx.pw), dtype=np.float32)
        self.queue = np.zeros((ctx.ph, ctx.pw), dtype=np.float32)
        for index, (px, py) in enumerate(ctx.object_tiles):
            holders = obs_facts.object_holders(state, index)
            waiters = obs_facts.object_waiters(state, index)
            if holders > 0:
                self.in_use[py, px] = 1.0
            if waiters > 0:
                self.queue[py, px] = min(waiters, 4) / 4.0


def chat_open(state: WorldState, dyn: Dynamic, agent: Agent, tick: int) -> bool:
    """Whether id 17 of ``agent`` finds a listener at ``tick``: ``chat_target(..) >= 0``
    (Decision D16), read from the tiles within ``max_distance`` only."""
    reach = state.ties.chat.max_distance
    if (2 * reach + 1) ** 2 > len(state.agents):  # scanning every agent is cheaper
        return chat_target(state, agent, tick) >= 0
    avoid = state.ties.avoid_threshold
    for y in range(agent.y - reach, agent.y + reach + 1):
        for x in range(agent.x - reach, agent.x + reach + 1):
            for other in dyn.on_tile.get((x, y), ()):
                tie = agent.ties.get(other.uid)
                if tie is not None and tie.rivalry >= avoid:
                    continue
                if chat_check(state, agent, other, tick) == 0:
                    return True
    return False


def prepare(state: WorldState, ctx: ObsContext) -> Dynamic:
    """The per-call planes of ``state``."""
    return Dynamic(state, ctx)


def write_map(
    state: WorldState,
    ctx: ObsContext,
    dyn: Dynamic,
    agent: Agent,
    channels: Sequence[Channel],
    by_uid: Mapping[int, Agent],
    out: npt.NDArray[np.float32],
) -> None:
    """Write the window of ``agent`` for ``channels`` into ``out`` (C, W, W)."""
    w = ctx.settings.layout.window
    r = w // 2
    x0, y0 = agent.x - r + ctx.pad, agent.y - r + ctx.pad
    params = ctx.settings.layout
    for c, channel in enumerate(channels):
        plane = out[c]
        if isinstance(channel, int):
            plane[:] = ctx.planes[channel, y0 : y0 + w, x0 : x0 + w]
        elif channel == "self":
            plane[:] = 0.0
            plane[r, r] = 1.0
        elif channel == "agents":
            counts = dyn.counts[y0 : y0 + w, x0 : x0 + w].copy()
            if agent.alive:
                counts[r, r] -= 1
            plane[:] = _CNT3[np.minimum(counts, 3)]
        elif channel in ("in_use", "queue"):
            source = dyn.in_use if channel == "in_use" else dyn.queue
            plane[:] = source[y0 : y0 + w, x0 : x0 + w]
        elif channel in ("rival", "friend"):
            plane[:] = 0.0
            friends, _ = social_slots(agent, params.top_friends, params.top_rivals)
            friend_uids = {t.other for t in friends if t is not None}
            for tie in agent.ties:
                if channel == "rival":
                    marked = tie.rivalry >= state.ties.avoid_threshold
                else:
                    marked = tie.other in friend_uids
                other = by_uid.get(tie.other)
                if not marked or other is None or not other.alive:
                    continue
                dx, dy = other.x - agent.x, other.y - agent.y
                if abs(dx) <= r and abs(dy) <= r:
                    plane[dy + r, dx + r] = 1.0
        else:
            plane[:] = 0.0
            if channel == "home":
                name = agent.home
            else:
                job = obs_facts.job(state, agent)
                name = job.site if job is not None else None
            zone = next((z for z in state.grid.zones if z.name == name), None)
            if zone is not None:
                for dy in range(-r, r + 1):
                    for dx in range(-r, r + 1):
                        if zone.contains(agent.x + dx, agent.y + dy):
                            plane[dy + r, dx + r] = 1.0
