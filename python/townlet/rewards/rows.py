"""The array core of the reward engine: per-row inputs in, 12 components out.

Everything here is whole-array numpy over rows that may come from one town (the
engine) or from many towns at once (the vector API): needs before and after the
tick, the wage credited, the :class:`~townlet.core.types.RowFlags` and, from stage
C1, the social columns the engine computes from events. The formulas are those of
:mod:`townlet.rewards.needs_terms` and :func:`townlet.rewards.assembly.assemble`,
with the same f64 operations in the same order, written as few numpy calls as
possible because at ten rows each call costs more than its arithmetic.

>>> import numpy as np
>>> from townlet.config.rewards import RewardsConfig
>>> from townlet.core.types import RowFlags
>>> p = RewardParams.build(RewardsConfig(), {"clerk": 0.01}, lateness_fine=0.3)
>>> needs = np.ones((1, 3))
>>> comps, total = row_rewards(p, needs, needs, np.zeros(1), RowFlags.empty(1))
>>> bool(float(comps[0, 0]) == float(total[0]) == np.float32(0.002))
True
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from townlet.core.types import RowFlags
from townlet.rewards.params import NEED_WEIGHT_ROW, RewardParams

__all__ = ["SOCIAL_COLUMNS", "row_rewards"]

SOCIAL_COLUMNS = slice(6, 9)
"""The ``chat``, ``chat_fail`` and ``avoid`` columns (the ``social`` argument)."""

F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]

_W = np.array(NEED_WEIGHT_ROW, dtype=np.float64)


def row_rewards(
    params: RewardParams,
    needs_before: F64,
    needs_after: F64,
    wages: F64,
    flags: RowFlags,
    social: F64 | None = None,
) -> tuple[F32, F32]:
    """Components ``(N, 12)`` and totals ``(N,)`` as float32 (learning.md 3.1, 3.2).

    Args:
        params: resolved reward settings.
        needs_before: ``(N, 3)`` needs at the start of the tick.
        needs_after: ``(N, 3)`` needs at the end of the tick.
        wages: ``(N,)`` the wage credited this tick.
        flags: the tick's row flags.
        social: ``(N, 3)`` chat, chat_fail and avoid columns; ``None``: zeros.
    """
    r = params.rewards
    n = wages.shape[0]
    zero = np.zeros(n)
    terminal_code = flags.terminal
    ended = np.count_nonzero(terminal_code) != 0
    # 1 homeostasis: -needs_scale * sum_j w_j * (d_j * d_j), d = 1 - need after
    d_after = 1.0 - needs_after
    wdd = (d_after * d_after) * _W
    homeo = -(r.needs_scale * (wdd[:, 0] + wdd[:, 1] + wdd[:, 2]))
    # 2 shaping: gamma * Phi(t) - Phi(t-1), Phi = -phi_scale * sum_j w_j * d_j
    if r.shaping:
        wd = np.concatenate((1.0 - needs_before, d_after)) * _W
        phi = -(r.phi_scale * (wd[:, 0] + wd[:, 1] + wd[:, 2]))
        phi_now = phi[n:]
        if ended:  # Phi(t) = 0 on the terminating tick
            phi_now[terminal_code != 0] = 0.0
        shaping = r.shaping_gamma * phi_now - phi[:n]
    else:
        shaping = zero
    survival = np.full(n, r.survival_tick)
    wage = params.wage_coeff * wages
    # 3.2 assembly: NT = c0 + ... + c8 left to right; zero columns add nothing
    nt = survival + homeo + shaping + wage
    start, absent = flags.shift_start, flags.shift_absent
    if np.count_nonzero(start) or np.count_nonzero(absent):
        punctual = np.array((0.0, r.punctuality_bonus, 0.0))[start]
        lateness = np.array((0.0, 0.0, -r.late_penalty))[start] + np.where(
            absent, -r.absence_penalty, 0.0
        )
        nt = nt + punctual + lateness
    else:
        punctual = lateness = zero
    if social is None:
        chat = fail = avoid = zero
    else:
        chat, fail, avoid = social[:, 0], social[:, 1], social[:, 2]
        nt = nt + chat + fail + avoid
    guard = (flags.hunger_low_ticks > 0) | flags.exit_pending
    if ended:
        guard |= terminal_code != 0
    if np.count_nonzero(guard):
        guard_adj = np.where(guard & (nt > 0.0), -nt, 0.0)
        nt = nt + guard_adj
    else:
        guard_adj = zero
    clip = r.clip_per_tick
    if n and (nt.max() > clip or nt.min() < -clip):
        clip_adj = np.clip(nt, -clip, clip) - nt
        total = nt + clip_adj
    else:
        clip_adj, total = zero, nt
    if ended:
        terminal = np.array((0.0, r.faint_penalty, r.eviction_penalty, 0.0))[
            terminal_code
        ]
        total = total + terminal
    else:
        terminal = zero
    columns = (survival, homeo, shaping, wage, punctual, lateness, chat, fail, avoid)
    # Zero columns stay as allocated; the rest cast f64 -> f32 as np.stack would.
    comps = np.zeros((n, 12), dtype=np.float32)
    for k, column in enumerate((*columns, guard_adj, clip_adj, terminal)):
        if column is not zero:
            comps[:, k] = column
    total32 = total.astype(np.float32)
    spawned = flags.spawned
    if np.count_nonzero(spawned):  # every component is 0 on a resident's spawn tick
        comps[spawned] = 0.0
        total32[spawned] = 0.0
    return comps, total32
