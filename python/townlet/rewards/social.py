"""Chat, chat-fail and avoid terms (learning.md 3.1 components 6 to 8, 3.4).

>>> chat_value(0.01, 0.03, 0.02, (0.5, 0.5, 0.0), 1.0, 0.0)
0.035
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from townlet.rewards.params import RewardParams
from townlet.rewards.tree import TreeRows, tie_of

__all__ = ["AVOID_WINDOW_TICKS", "AvoidMemory", "chat_terms", "chat_value"]

AVOID_WINDOW_TICKS = 60
"""At most one ``avoid`` reward per (resident, rival) per this many ticks."""

NEEDS_OVERRIDE = 0.15
"""No chat reward to a resident any of whose needs is below this (3.3 rule 4)."""

F64 = npt.NDArray[np.float64]


def chat_value(
    base: float,
    k_trust: float,
    k_fam: float,
    tie: tuple[float, float, float],
    quality: float,
    c3_gain: float,
) -> float:
    """``(base + k_trust*trust + k_fam*fam) * quality``, times the C3 factor.

    ``c3_gain`` 0 (stages C1, C2) leaves the factor at 1.
    """
    trust, fam, rivalry = tie
    value = (base + k_trust * trust + k_fam * fam) * quality
    if c3_gain != 0.0:
        x = (trust + fam) / 2 - rivalry
        x = -1.0 if x < -1.0 else 1.0 if x > 1.0 else x
        value = value * (1 + c3_gain * x)
    return value


def chat_terms(
    events: Sequence[Mapping[str, Any]],
    rows: TreeRows,
    needs_after: F64,
    params: RewardParams,
    stage: str,
) -> tuple[F64, F64]:
    """The ``chat`` and ``chat_fail`` columns of one tick (zeros below C1)."""
    n = len(rows.ids)
    chat = np.zeros(n, dtype=np.float64)
    fail = np.zeros(n, dtype=np.float64)
    if not params.stage_at_least(stage, "C1"):
        return chat, fail
    r = params.rewards
    index = {agent_id: i for i, agent_id in enumerate(rows.ids)}
    gain = r.C3_gain if params.stage_at_least(stage, "C3") else 0.0
    for event in events:
        name = event["name"]
        if name == "chat_succeeded":
            s, li = index.get(event["speaker"]), index.get(event["listener"])
            if s is None or li is None:
                continue
            q = float(event["quality"])
            for me, other in ((s, li), (li, s)):
                tie = tie_of(rows.agents[me], rows.uids[other])
                chat[me] += chat_value(r.C1_base, r.C1_trust, r.C1_fam, tie, q, gain)
        elif name == "chat_failed":
            s, li = index.get(event["speaker"]), index.get(event["listener"])
            if s is not None:
                fail[s] += -0.5 * r.C1_base
            if li is not None:
                fail[li] += -0.25 * r.C1_base
    low = (needs_after < NEEDS_OVERRIDE).any(axis=1)
    chat[low] = 0.0
    return chat, fail


class AvoidMemory:
    """Last paid tick per (resident id, rival id) of the ``avoid`` term (stage C2).

    This is the engine's only state a snapshot must keep (operations.md 3).
    """

    def __init__(self) -> None:
        self.last_paid: dict[tuple[str, str], int] = {}

    def terms(
        self,
        tick: int,
        events: Sequence[Mapping[str, Any]],
        ids: Sequence[str],
        amount: float,
    ) -> F64:
        """``+amount`` per ``rival_avoided`` not paid for the pair in 60 ticks;
        rows are ``ids``."""
        out = np.zeros(len(ids), dtype=np.float64)
        index = {agent_id: i for i, agent_id in enumerate(ids)}
        for event in events:
            if event["name"] != "rival_avoided":
                continue
            i = index.get(event["agent_id"])
            if i is None:
                continue
            key = (str(event["agent_id"]), str(event["rival"]))
            last = self.last_paid.get(key)
            if last is not None and tick - last < AVOID_WINDOW_TICKS:
                continue
            self.last_paid[key] = tick
            out[i] += amount
        if tick % AVOID_WINDOW_TICKS == 0:
            self.last_paid = {
                k: v for k, v in self.last_paid.items() if tick - v < AVOID_WINDOW_TICKS
            }
        return out

    def export(self) -> list[list[Any]]:
        """``[[agent_id, rival_id, tick], ...]`` in key order (for snapshots)."""
        return [[a, b, t] for (a, b), t in sorted(self.last_paid.items())]

    def restore(self, entries: Sequence[Sequence[Any]]) -> None:
        """Replace the memory with an :meth:`export` list."""
        self.last_paid = {(str(a), str(b)): int(t) for a, b, t in entries}
