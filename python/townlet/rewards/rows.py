"""The array core of the reward engine: per-row inputs in, 12 components out.

Everything here is whole-array numpy over rows that may come from one town (the
engine) or from many towns at once (the vector API): needs before and after the
tick, the wage credited, the :class:`~townlet.core.types.RowFlags` and, from stage
C1, the social columns the engine computes from events.

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

from townlet.core.types import REWARD_COMPONENTS, RowFlags
from townlet.rewards.assembly import TERMINAL, assemble
from townlet.rewards.needs_terms import homeostasis, shaping
from townlet.rewards.params import RewardParams

__all__ = ["SOCIAL_COLUMNS", "row_rewards"]

SOCIAL_COLUMNS = slice(6, 9)
"""The ``chat``, ``chat_fail`` and ``avoid`` columns (the ``social`` argument)."""

F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]


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
    comps = np.zeros((n, len(REWARD_COMPONENTS)), dtype=np.float64)
    comps[:, 0] = r.survival_tick
    comps[:, 1] = homeostasis(needs_after, r.needs_scale)
    if r.shaping:
        comps[:, 2] = shaping(
            needs_before, needs_after, terminated, r.phi_scale, r.shaping_gamma
        )
    comps[:, 3] = params.wage_coeff * wages
    start = flags.shift_start
    comps[:, 4] = np.where(start == 1, r.punctuality_bonus, 0.0)
    comps[:, 5] = np.where(start == 2, -r.late_penalty, 0.0) + np.where(
        flags.shift_absent, -r.absence_penalty, 0.0
    )
    if social is not None:
        comps[:, SOCIAL_COLUMNS] = social
    penalties = np.array([0.0, r.faint_penalty, r.eviction_penalty, 0.0])
    comps[:, TERMINAL] = penalties[flags.terminal]
    comps[flags.spawned, :] = 0.0
    guard = terminated | (flags.hunger_low_ticks >= 1) | flags.exit_pending
    return assemble(comps, guard, clip=r.clip_per_tick)
