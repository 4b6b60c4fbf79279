"""The feature vector of one row (learning.md 1.4-1.7; F = 146 with the defaults).

:func:`features_row` returns one row in the layout order of
``townlet.world.layout``. Every value is a Python float (f64), cast to float32 once
when numpy stores the row. Facts owned by other branches come from
:mod:`townlet.world.obs_facts`; ties are read in ascending other uid. The Rust twin is
``townlet-core/src/obs_features.rs``.

>>> cnt(5, 4)
1.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from townlet.world import obs_facts
from townlet.world.agents import Agent
from townlet.world.obs_context import ObsContext
from townlet.world.state import WorldState
from townlet.world.targets import AgentPlace, target_hints
from townlet.world.ties import Tie

__all__ = ["cnt", "features_row", "social_slots"]

_NEIGHBOURS = ((0, -1), (1, 0), (0, 1), (-1, 0))
_OFFSETS = np.abs(np.arange(-10, 11, dtype=np.int64))
_MANHATTAN = _OFFSETS[:, None] + _OFFSETS[None, :]


def cnt(n: int, k: int) -> float:
    """``min(n, k) / k`` (learning.md 1.2)."""
    return min(n, k) / k


def _clamp01(x: float) -> float:
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


def _flag(b: bool) -> float:
    return 1.0 if b else 0.0


def social_slots(
    agent: Agent, friends: int, rivals: int
) -> tuple[list[Tie | None], list[Tie | None]]:
    """Friend and rival slot ties (learning.md 1.6); ``None`` for unfilled slots.

    Friends by ``trust + familiarity`` (> 0) descending, then the rest with rivalry
    > 0 by rivalry descending; equal keys go to the lower uid.
    """
    taken: set[int] = set()
    out_f: list[Tie | None] = []
    for _ in range(min(friends, 4)):
        best: Tie | None = None
        for tie in agent.ties:
            key = tie.trust + tie.familiarity
            if (
                key > 0.0
                and tie.other not in taken
                and (best is None or key > best.trust + best.familiarity)
            ):
                best = tie
        out_f.append(best)
        if best is not None:
            taken.add(best.other)
    out_r: list[Tie | None] = []
    for _ in range(min(rivals, 4)):
        best = None
        for tie in agent.ties:
            if (
                tie.rivalry > 0.0
                and tie.other not in taken
                and (best is None or tie.rivalry > best.rivalry)
            ):
                best = tie
        out_r.append(best)
        if best is not None:
            taken.add(best.other)
    return out_f, out_r


def features_row(
    state: WorldState,
    ctx: ObsContext,
    agent: Agent,
    by_uid: Mapping[int, Agent],
    counts: npt.NDArray[np.int64],
) -> list[float]:
    """The F features of ``agent``.

    Args:
        state: the world state of the tick.
        ctx: the world's observation context.
        agent: the observer (alive, or terminated this tick).
        by_uid: every agent of the tick by uid.
        counts: alive agents per padded tile (``ctx.pad`` tiles of margin).
    """
    grid, s, obs = state.grid, state.settings, ctx.settings
    row: list[float] = [agent.hunger, agent.hygiene, agent.energy]
    row.append(_clamp01(agent.wallet / obs.wallet_scale))
    for carry in ctx.carry:
        ok = carry is not None and carry[1] > 0
        row.append(agent.items[carry[0]] / carry[1] if ok and carry else 0.0)
    for k, carry in enumerate(ctx.carry):
        limit = ctx.fridge_limit[k]
        if carry is None or agent.home is None or limit <= 0:
            row.append(0.0)
            continue
        stock = sum(state.stock[f][carry[0]] for f in ctx.fridges[agent.home])
        row.append(min(stock, limit) / limit)
    if s.faint_ticks == 0:
        row.append(_flag(agent.hunger_low_ticks > 0))
    else:
        row.append(_clamp01(agent.hunger_low_ticks / s.faint_ticks))
    eng = obs_facts.engagement(state, agent)
    row.append(_flag(eng.busy))
    minute, tpd = state.minute(), s.ticks_per_day
    angle = math.tau * minute / tpd
    row += [math.sin(angle), math.cos(angle), minute / tpd]
    job = obs_facts.job(state, agent)
    row.append(_flag(job is not None))
    row.append(_flag(job is not None and job.on_shift))
    row += [_flag(job is not None and job.shift_state == k) for k in range(5)]
    if job is None:
        row += [0.0, 0.0]
    else:
        row.append(((job.shift_start - minute) % tpd) / tpd)
        e = minute - job.shift_start
        row.append(e / job.shift_length if 0 <= e < job.shift_length else 0.0)
    streak, limit = obs_facts.rent_missed(state, agent)
    row.append(_clamp01(streak / limit) if limit > 0 else 0.0)
    if job is None or job.max_absences <= 0:
        row.append(0.0)
    else:
        row.append(_clamp01(job.absences / job.max_absences))
    row.append(_flag(obs_facts.exit_pending(state, agent)))
    opt = obs_facts.option(state, agent)
    row += [_flag(opt.active == k) for k in range(7)]
    row.append(0.0 if opt.active is None else cnt(opt.age, 120))
    row += [_flag(opt.locked), _flag(opt.last_failed), _flag(agent.last_ok)]
    row.append(_flag(eng.queue_position is not None))
    qp = eng.queue_position
    row.append(0.0 if qp is None else cnt(qp, 8))
    row.append(_flag(eng.holding))
    last = agent.last_chat_tick
    row.append(1.0 if last < 0 else cnt(state.tick - last, 120))
    row.append(_flag(agent.alive and agent.ctx_reset))
    place = AgentPlace(
        agent.x, agent.y, agent.home, job.site if job is not None else None
    )
    hints = ctx.hints.get(place)
    if hints is None:  # fields never change, so a place's hints never do
        hints = ctx.hints[place] = target_hints(grid, ctx.targets, place)
    for d, direction in hints:
        row += [_flag(direction == k) for k in range(4)]
        row.append(
            1.0 if d < 0 else min(float(d), ctx.distance_scale) / ctx.distance_scale
        )
    for dx, dy in _NEIGHBOURS:
        row.append(_flag(not grid.is_walkable(agent.x + dx, agent.y + dy)))
    me = 1 if agent.alive else 0
    px, py = agent.x + ctx.pad, agent.y + ctx.pad
    row.append(cnt(int(counts[py, px]) - me, 4))
    radius = obs.local_radius
    near = int(
        counts[py - radius : py + radius + 1, px - radius : px + radius + 1].sum()
    )
    row.append(cnt(near - me, 8))
    # Every resident nearer than 10 steps lies in the 21x21 box around the observer.
    box = counts[py - 10 : py + 11, px - 10 : px + 11].copy()
    box[10, 10] -= me
    distances = _MANHATTAN[box > 0]
    nearest = int(distances.min()) if distances.size else 10
    row.append(cnt(min(nearest, 10), 10))
    friends, rivals = social_slots(agent, obs.layout.top_friends, obs.layout.top_rivals)
    friend_uids = {t.other for t in friends if t is not None}
    avoid = state.ties.avoid_threshold
    rival_near = friend_near = False
    n, trust_sum, trust_max, riv_sum, riv_max = 0, 0.0, 0.0, 0.0, 0.0
    for tie in agent.ties:
        other = by_uid.get(tie.other)
        if other is None or not other.alive:
            continue
        if max(abs(other.x - agent.x), abs(other.y - agent.y)) > radius:
            continue
        rival_near = rival_near or tie.rivalry >= avoid
        friend_near = friend_near or tie.other in friend_uids
        if n == 0:
            trust_max, riv_max = tie.trust, tie.rivalry
        else:
            trust_max = tie.trust if tie.trust > trust_max else trust_max
            riv_max = tie.rivalry if tie.rivalry > riv_max else riv_max
        trust_sum += tie.trust
        riv_sum += tie.rivalry
        n += 1
    row.append(_flag(rival_near))
    row.append(_flag(obs_facts.rival_at_target(state, agent)))
    row.append(_flag(friend_near))
    flags = obs_facts.world_flags(state)
    row += [_flag(flags.price_spike), _flag(flags.power_out), _flag(flags.water_out)]
    row.append(_flag(obs_facts.meet_invite(state, agent)))
    row += [agent.extroversion, agent.forgiveness, agent.ambition]
    e = obs.layout.embed_dim
    slot: Tie | None
    for slot in [*friends, *rivals]:
        other = by_uid.get(slot.other) if slot is not None else None
        embed: Sequence[float] = ctx.embed[other.slot] if other is not None else ()
        row += list(embed) if embed else [0.0] * e
        if slot is None:
            row += [0.0, 0.0, 0.0]
        else:
            row += [slot.trust, slot.familiarity, slot.rivalry]
    if n == 0:
        row += [0.0, 0.0, 0.0, 0.0]
    else:
        row += [trust_sum / n, trust_max, riv_sum / n, riv_max]
    return row
