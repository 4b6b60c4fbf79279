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
    terminated = flags.terminal != 0
    zero = np.zeros(n, dtype=np.float64)
    # 1 homeostasis: -needs_scale * sum_j w_j * (d_j * d_j), d = 1 - need after
    d_after = 1.0 - needs_after
    wdd = (d_after * d_after) * _W
    homeo = -(r.needs_scale * (wdd[:, 0] + wdd[:, 1] + wdd[:, 2]))
    # 2 shaping: gamma * Phi(t) - Phi(t-1), Phi = -phi_scale * sum_j w_j * d_j
    if r.shaping:
        wd_after = d_after * _W
        wd_before = (1.0 - needs_before) * _W
        phi_now = -(r.phi_scale * (wd_after[:, 0] + wd_after[:, 1] + wd_after[:, 2]))
        phi_now[terminated] = 0.0
        phi_then = -(
            r.phi_scale * (wd_before[:, 0] + wd_before[:, 1] + wd_before[:, 2])
        )
        shaping = r.shaping_gamma * phi_now - phi_then
    else:
        shaping = zero
    survival = np.full(n, r.survival_tick)
    wage = params.wage_coeff * wages
    start = flags.shift_start
    punctual = np.array((0.0, r.punctuality_bonus, 0.0))[start]
    lateness = np.array((0.0, 0.0, -r.late_penalty))[start] + np.where(
        flags.shift_absent, -r.absence_penalty, 0.0
    )
    terminal = np.array((0.0, r.faint_penalty, r.eviction_penalty, 0.0))[flags.terminal]
    # 3.2 assembly: NT = c0 + ... + c8 left to right (zero social columns add nothing)
    nt = survival + homeo + shaping + wage + punctual + lateness
    if social is None:
        chat = fail = avoid = zero
    else:
        chat, fail, avoid = social[:, 0], social[:, 1], social[:, 2]
        nt = nt + chat + fail + avoid
    guard = terminated | (flags.hunger_low_ticks >= 1) | flags.exit_pending
    guard_adj = np.where(guard & (nt > 0.0), -nt, 0.0)
    nt2 = nt + guard_adj
    clip_adj = np.clip(nt2, -r.clip_per_tick, r.clip_per_tick) - nt2
    total = (nt2 + clip_adj + terminal).astype(np.float32)
    columns = (survival, homeo, shaping, wage, punctual, lateness, chat, fail, avoid)
    comps = np.stack(
        (*columns, guard_adj, clip_adj, terminal), axis=1, dtype=np.float32
    )
    spawned = flags.spawned
    if spawned.any():  # every component is 0 on a resident's spawn tick
        comps[spawned] = 0.0
        total[spawned] = 0.0
    return comps, total
