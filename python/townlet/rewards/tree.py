"""The ties the chat terms read from ``world.export_state()`` (stage C1 and later).

``StepResult`` carries every per-row fact the engine needs but the ties, so from
social stage C1 the engine reads the exported tree on ticks with a chat event. The
tree's ``agents`` are the rows of the ``StepResult`` (uid order, alive and awaiting
purge).

>>> rows = TreeRows.read({"agents": [{"id": "agent_3", "uid": 3, "ties": []}]})
>>> rows.ids, rows.uids
(['agent_3'], [3])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["TreeRows", "tie_of"]


@dataclass(frozen=True)
class TreeRows:
    """The agents of one tree with their ids and uids.

    Attributes:
        ids: agent ids.
        uids: agent uids.
        agents: the raw agent nodes (ties are read from them on demand).
    """

    ids: list[str]
    uids: list[int]
    agents: Sequence[Mapping[str, Any]]

    @classmethod
    def read(cls, tree: Mapping[str, Any]) -> TreeRows:
        """Read the rows of one exported state tree."""
        agents: Sequence[Mapping[str, Any]] = tree["agents"]
        return cls(
            ids=[str(a["id"]) for a in agents],
            uids=[int(a["uid"]) for a in agents],
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
