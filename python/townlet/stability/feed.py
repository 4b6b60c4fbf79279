"""Feeding the stability monitor from the simulation loop (architecture.md 4 step 5).

:class:`LoopFeed` turns what the loop already holds into the monitor's per-tick
arrays: the decision's abandonments (an alive row whose active option is not the
chosen id, as :mod:`townlet.policy.kpi` counts them), the live rows (alive after
the tick, or terminated in it: a faint's -1 reward is a sample), hunger after the
tick, the reward totals and the events. The exact tie values for ``rivalry`` are
read from ``world.export_state()`` only on ticks where a ``relationship_event``
raised a rivalry, and at most once per tick.

>>> feed = LoopFeed(StabilityMonitor())
>>> feed.monitor.window.ticks
0
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from townlet.core.types import ObservationBuffers, ObservationSpec, StepResult
from townlet.policy.kpi import OPTION_FEATURES
from townlet.rewards.tree import TreeRows, tie_of
from townlet.stability.monitor import RivalryLookup, StabilityMonitor
from townlet.stability.report import WindowReport

__all__ = ["LoopFeed", "tree_rivalry"]

_OPTION_IDS = np.arange(1.0, 1.0 + len(OPTION_FEATURES), dtype=np.float32)


def tree_rivalry(tree: Callable[[], Mapping[str, Any]]) -> RivalryLookup:
    """A rivalry lookup over an exported state tree, read on the first call.

    >>> look = tree_rivalry(lambda: {"agents": [
    ...     {"id": "a", "uid": 1, "ties": [{"other": 2, "trust": 0.0,
    ...                                     "familiarity": 0.0, "rivalry": 0.8}]},
    ...     {"id": "b", "uid": 2, "ties": []}]})
    >>> look("a", "b"), look("b", "a"), look("a", "zed")
    (0.8, 0.0, None)
    """
    rows: list[TreeRows] = []

    def lookup(owner: str, other: str) -> float | None:
        if not rows:
            rows.append(TreeRows.read(tree()))
        read = rows[0]
        if owner not in read.ids or other not in read.ids:
            return None
        node = read.agents[read.ids.index(owner)]
        return float(tie_of(node, read.uids[read.ids.index(other)])[2])

    return lookup


class LoopFeed:
    """Adapts the loop's per-tick data to :meth:`StabilityMonitor.record`.

    Args:
        monitor: the monitor to feed.
    """

    def __init__(self, monitor: StabilityMonitor) -> None:
        self.monitor = monitor
        self._opt_cols: npt.NDArray[np.intp] | None = None
        self._opt_span: tuple[int, int] | None = None
        self._abandonments = 0

    def start(self, spec: ObservationSpec) -> None:
        """Find the active-option features (option mode only)."""
        where = {name: i for i, name in enumerate(spec.features)}
        self._opt_cols = None
        self._opt_span = None
        if spec.action_mode == "option" and all(n in where for n in OPTION_FEATURES):
            cols = [where[n] for n in OPTION_FEATURES]
            self._opt_cols = np.array(cols, dtype=np.intp)
            if cols == list(range(cols[0], cols[0] + len(cols))):
                self._opt_span = (cols[0], cols[0] + len(cols))  # a view, no copy

    def on_decide(
        self,
        buffers: ObservationBuffers,
        actions: npt.NDArray[np.int32],
        rows: int,
    ) -> None:
        """Count the abandonments of the decision about to run."""
        self._abandonments = 0
        if self._opt_cols is None or rows == 0:
            return
        if self._opt_span is not None:
            opt = buffers.features[:rows, self._opt_span[0] : self._opt_span[1]]
        else:
            opt = buffers.features[:rows].take(self._opt_cols, axis=1)
        active = opt.dot(_OPTION_IDS)  # exact: the option features are one-hot 0/1
        switched = active != actions
        switched &= active > 0
        switched &= buffers.alive[:rows]
        self._abandonments = int(np.count_nonzero(switched))

    def on_step(
        self,
        result: StepResult,
        rewards: npt.NDArray[np.float64],
        alive: npt.NDArray[np.bool_],
        tree: Callable[[], Mapping[str, Any]] | None = None,
    ) -> WindowReport | None:
        """Record the tick; ``alive`` is aligned with ``result.agent_ids``.

        Returns:
            The report of the window this tick closed, else ``None``.
        """
        live = alive | (result.flags.terminal != 0) if result.terminated else alive
        return self.monitor.record(
            result.tick,
            result.agent_ids,
            live,
            result.needs_after[:, 0],
            rewards,
            abandonments=self._abandonments,
            events=result.events,
            rivalry=None if tree is None or not result.events else tree_rivalry(tree),
        )
