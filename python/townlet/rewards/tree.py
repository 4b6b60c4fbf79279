"""What the engine reads from ``world.export_state()`` (the state-tree adapter).

``StepResult`` carries needs and a ``wages`` array that both worlds leave at zero, so
the engine reads the tree once per tick for the per-row facts it lacks: the guard's
``hunger_low_ticks`` and ``exit_pending``, each shift record (for the wage credited
this tick) and the ties (for the chat terms). The tree's ``agents`` are the rows of
the ``StepResult`` (uid order, alive and awaiting purge).

>>> rows = TreeRows.read({"agents": []})
>>> rows.hunger_low.shape
(0,)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["ShiftMark", "TreeRows", "tie_of"]


@dataclass(frozen=True)
class ShiftMark:
    """The parts of one shift record the wage term compares between ticks."""

    day: int
    present_ticks: int
    fine_outstanding: float


@dataclass(frozen=True)
class TreeRows:
    """Per-row facts of one tree, aligned with its ``agents``.

    Attributes:
        ids: agent ids.
        uids: agent uids.
        hunger_low: ``hunger_low_ticks`` per row.
        exit_pending: ``exit_pending`` per row.
        jobs: job id per row (None without a job).
        shift_states: shift state per row.
        shifts: shift marks per row.
        agents: the raw agent nodes (ties are read from them on demand).
    """

    ids: list[str]
    uids: list[int]
    hunger_low: npt.NDArray[np.int64]
    exit_pending: npt.NDArray[np.bool_]
    jobs: list[str | None]
    shift_states: list[str]
    shifts: list[ShiftMark]
    agents: Sequence[Mapping[str, Any]]

    @classmethod
    def read(cls, tree: Mapping[str, Any]) -> TreeRows:
        """Read the rows of one exported state tree."""
        agents: Sequence[Mapping[str, Any]] = tree["agents"]
        shifts = [a["shift"] for a in agents]
        return cls(
            ids=[str(a["id"]) for a in agents],
            uids=[int(a["uid"]) for a in agents],
            hunger_low=np.array(
                [a["hunger_low_ticks"] for a in agents], dtype=np.int64
            ),
            exit_pending=np.array([a["exit_pending"] for a in agents], dtype=np.bool_),
            jobs=[a["job"] for a in agents],
            shift_states=[s["state"] for s in shifts],
            shifts=[
                ShiftMark(s["day"], s["present_ticks"], s["fine_outstanding"])
                for s in shifts
            ],
            agents=agents,
        )


def tie_of(agent: Mapping[str, Any], other_uid: int) -> tuple[float, float, float]:
    """``(trust, familiarity, rivalry)`` of ``agent``'s tie to ``other_uid``.

    An absent tie reads as zeros.

    >>> tie_of({"ties": [{"other": 2, "trust": 0.5, "familiarity": 0.25,
    ...                   "rivalry": 0.0}]}, 2)
    (0.5, 0.25, 0.0)
    """
    for tie in agent["ties"]:
        if tie["other"] == other_uid:
            return (tie["trust"], tie["familiarity"], tie["rivalry"])
    return (0.0, 0.0, 0.0)
