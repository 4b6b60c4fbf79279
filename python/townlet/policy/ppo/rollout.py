"""Rollout storage, the death window and GAE (learning.md 6.3, 3.3 rule 2).

Storage has shape ``(T, N, ...)``: one slot per tick and row of the vector API.
Rows vacant at decision time get weight 0 in every loss; rows with one allowed
action ("forced") are left out of the policy and entropy losses.

>>> r = np.array([[0.1], [0.1], [-1.0]], np.float32)
>>> term = np.array([[False], [False], [True]])
>>> apply_death_window(r, term, term, 1)
1
>>> r[:, 0].tolist()
[0.10000000149011612, 0.0, -1.0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import torch
from torch import Tensor

__all__ = ["Rollout", "apply_death_window", "gae"]


def apply_death_window(
    rewards: npt.NDArray[np.float32],
    terminated: npt.NDArray[np.bool_],
    ended: npt.NDArray[np.bool_],
    window: int,
) -> int:
    """Zero positive rewards at ``T - window .. T`` before each termination at T,
    in place, never reaching back past an earlier ending on the same row.

    Returns:
        The number of rewards zeroed (the ``death_window_adjusted`` metric).
    """
    adjusted = 0
    for t, row in zip(*np.nonzero(terminated), strict=True):
        start = int(t)
        while start > 0 and int(t) - start < window and not ended[start - 1, row]:
            start -= 1
        span = rewards[start : t + 1, row]
        positive = span > 0
        adjusted += int(positive.sum())
        span[positive] = 0.0
    return adjusted


def gae(
    rewards: Tensor,
    values: Tensor,
    next_values: Tensor,
    terminated: Tensor,
    truncated: Tensor,
    final_values: Tensor,
    live: Tensor,
    gamma: float,
    lam: float,
) -> tuple[Tensor, Tensor]:
    """Advantages and returns, backwards over ``t`` (learning.md 6.3 rule 2).

    ``next_v`` is 0 after a termination, V(final observation) after a truncation,
    else the value of the next slot (``next_values`` after the last one); the trace
    is cut where the resident ended or the row was vacant.
    """
    steps = rewards.shape[0]
    adv = torch.zeros_like(rewards)
    last = torch.zeros_like(rewards[0])
    for t in reversed(range(steps)):
        following = next_values if t == steps - 1 else values[t + 1]
        nv = torch.where(
            terminated[t],
            torch.zeros_like(following),
            torch.where(truncated[t], final_values[t], following),
        )
        carry = (~(terminated[t] | truncated[t]) & live[t]).to(rewards.dtype)
        delta = rewards[t] + gamma * nv - values[t]
        last = delta + gamma * lam * carry * last
        adv[t] = last
    return adv, adv + values


@dataclass
class Rollout:
    """Tensors of one rollout, ``(T, N, ...)``, filled tick by tick."""

    features: Tensor
    maps: Tensor | None
    masks: Tensor
    live: Tensor
    actions: Tensor
    logp: Tensor
    values: Tensor
    rewards: Tensor
    terminated: Tensor
    truncated: Tensor
    final_values: Tensor

    @classmethod
    def empty(
        cls,
        ticks: int,
        rows: int,
        features: int,
        actions: int,
        map_shape: tuple[int, int, int] | None,
    ) -> Rollout:
        """Zeroed storage for ``ticks`` x ``rows``."""
        shape = (ticks, rows)
        return cls(
            features=torch.zeros((*shape, features)),
            maps=torch.zeros((*shape, *map_shape)) if map_shape else None,
            masks=torch.zeros((*shape, actions), dtype=torch.bool),
            live=torch.zeros(shape, dtype=torch.bool),
            actions=torch.zeros(shape, dtype=torch.int64),
            logp=torch.zeros(shape),
            values=torch.zeros(shape),
            rewards=torch.zeros(shape),
            terminated=torch.zeros(shape, dtype=torch.bool),
            truncated=torch.zeros(shape, dtype=torch.bool),
            final_values=torch.zeros(shape),
        )
