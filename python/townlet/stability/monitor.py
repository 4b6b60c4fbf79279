"""The stability monitor: per-tick arrays in, window reports out (learning.md 8.1).

:class:`StabilityMonitor` is fed once per tick with the rows of the tick (ids, live
flags, hunger after the tick, reward totals), the number of option abandonments and
the tick's world events. Windows are ``[k*W, (k+1)*W)`` ticks; a window closes on
its last tick (or when a later tick arrives) and is judged by the analyzers. A
window passes when no alert outside ``stability.allowed_alerts`` fired. Baselines
(reward variance, lateness) are means over the last ``baseline_windows`` passing
windows and reset when the social stage or the live release changes.

Per tick the cost is a handful of numpy calls over the rows plus one pass over the
tick's events; there is no per-agent Python loop except when the rows change.

>>> import numpy as np
>>> from townlet.config.stability import ANALYZERS, StabilityConfig
>>> mon = StabilityMonitor(StabilityConfig(window_ticks=2))
>>> ids, ok = ["a", "b"], np.array([True, True])
>>> mon.record(0, ids, ok, np.array([0.9, 0.9]), np.zeros(2)) is None
True
>>> mon.record(1, ids, ok, np.array([0.9, 0.9]), np.zeros(2)).passed
True
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from townlet.config.stability import ANALYZERS, StabilityConfig
from townlet.stability.analyzers import Baselines, evaluate
from townlet.stability.identity import ReleaseIdentity
from townlet.stability.promotion import PromotionManager
from townlet.stability.report import WindowReport
from townlet.stability.window import WindowCounts

if TYPE_CHECKING:
    from townlet.config import TownletConfig

__all__ = ["RivalryLookup", "StabilityMonitor"]

RivalryLookup = Callable[[str, str], float | None]
"""``(owner, other) -> rivalry`` of ``owner``'s tie to ``other`` after the tick
(``None`` when there is no tie)."""


class StabilityMonitor:
    """Windows of analyzer measures over one or more towns (pooled rows).

    Args:
        config: the ``stability`` config section (defaults when ``None``).
        avoid_threshold: ``world.relationships.avoid_threshold`` for ``rivalry``.
        promotion: the manager told about each window of the live release.
        social_stage: the reward social stage in force (baselines reset on change).
    """

    def __init__(
        self,
        config: StabilityConfig | None = None,
        *,
        avoid_threshold: float = 0.7,
        promotion: PromotionManager | None = None,
        social_stage: str = "off",
    ) -> None:
        self.config = config or StabilityConfig()
        self.avoid_threshold = avoid_threshold
        self.promotion = promotion
        self._stage = social_stage
        self._release = None if promotion is None else promotion.release.key()
        self._open = WindowCounts(index=0)
        self._ids: list[str] = []
        self._streak = np.zeros(0, dtype=np.int64)
        self._starving = False
        self._hunger_at_most = np.float64(self.config.starvation.hunger_at_most)
        self._baseline: deque[tuple[float | None, float | None]] = deque(
            maxlen=self.config.baseline_windows
        )
        self._estimates: dict[str, float] = {}
        self.last_report: WindowReport | None = None
        self.windows_passed = 0
        self.windows_failed = 0

    @classmethod
    def from_config(
        cls,
        config: TownletConfig,
        release: ReleaseIdentity,
        *,
        journal: str | Path | None = None,
    ) -> StabilityMonitor:
        """A monitor for ``config`` judging ``release``, with a promotion manager.

        Args:
            config: the full config (``stability``, the avoid threshold and the
                social stage are read).
            release: the live release.
            journal: ``promotion.jsonl`` path (``None``: no journal).
        """
        promotion = PromotionManager(
            release, config.stability.promotion, journal=journal
        )
        return cls(
            config.stability,
            avoid_threshold=config.world.relationships.avoid_threshold,
            promotion=promotion,
            social_stage=config.rewards.social_stage,
        )

    @property
    def window(self) -> WindowCounts:
        """The open window's tallies."""
        return self._open

    def baselines(self) -> Baselines:
        """The baselines in force: means over the remembered passing windows."""
        var = [v for v, _ in self._baseline if v is not None]
        late = [x for _, x in self._baseline if x is not None]
        return Baselines(
            reward_variance=sum(var) / len(var) if var else None,
            lateness=sum(late) / len(late) if late else None,
        )

    def set_social_stage(self, stage: str) -> None:
        """Record the social stage; a change resets the baselines."""
        if stage != self._stage:
            self._stage = stage
            self._baseline.clear()

    # -- per tick --------------------------------------------------------------

    def record(
        self,
        tick: int,
        agent_ids: Sequence[str],
        live: npt.NDArray[np.bool_],
        hunger: npt.NDArray[np.float64],
        rewards: npt.NDArray[np.float64],
        *,
        abandonments: int = 0,
        events: Sequence[Mapping[str, Any]] = (),
        rivalry: RivalryLookup | None = None,
    ) -> WindowReport | None:
        """Add one tick; return the report when this tick closes a window.

        Args:
            tick: the tick just processed.
            agent_ids: the rows (ids of every town, pooled; distinct).
            live: ``(N,)`` rows that were alive in the tick (the samples).
            hunger: ``(N,)`` hunger after the tick.
            rewards: ``(N,)`` reward totals of the tick.
            abandonments: option abandonments of the tick's decision.
            events: the tick's world events.
            rivalry: exact tie lookup for ``rivalry`` crossings; without one the
                monitor sums rivalry deltas itself (no decay: an upper bound).

        Returns:
            The :class:`WindowReport` of a window closed by this tick, else ``None``.

        Raises:
            ValueError: an array does not have one entry per id, or ids repeat
                (prefix pooled towns' ids with the town).
        """
        rows = (len(agent_ids),)
        if live.shape != rows or hunger.shape != rows or rewards.shape != rows:
            raise ValueError(
                f"stability record: expected live, hunger and rewards of shape "
                f"{rows} (one per agent id), got {live.shape}, {hunger.shape} and "
                f"{rewards.shape}"
            )
        size = self.config.window_ticks
        report = None
        if tick // size != self._open.index:
            report = self._close() if self._open.ticks else None
            self._open = WindowCounts(index=tick // size)
        w = self._open
        w.ticks += 1
        n_live = int(np.count_nonzero(live))
        w.agent_ticks += n_live
        self._streaks(agent_ids, live, hunger)
        w.add_rewards(rewards if n_live == rewards.shape[0] else rewards[live])
        w.abandonments += abandonments
        if events:
            raised = w.add_events(events)
            if raised:
                self._crossings(raised, rivalry)
        if (tick + 1) % size == 0:
            report = self._close()
            self._open = WindowCounts(index=tick // size + 1)
        return report

    def _streaks(
        self,
        ids: Sequence[str],
        live: npt.NDArray[np.bool_],
        hunger: npt.NDArray[np.float64],
    ) -> None:
        """Follow low-hunger streaks per resident (re-keyed when the rows change)."""
        if ids is not self._ids and ids != self._ids:
            if len(set(ids)) != len(ids):
                raise ValueError(
                    "stability record: agent ids repeat; give pooled towns' rows "
                    "distinct ids, e.g. '<town>/<agent_id>'"
                )
            old = dict(zip(self._ids, self._streak.tolist(), strict=True))
            self._streak = np.array([old.get(a, 0) for a in ids], dtype=np.int64)
            self._ids = list(ids)
            self._starving = np.count_nonzero(self._streak) != 0
        low = hunger <= self._hunger_at_most
        if not (self._starving or np.count_nonzero(low)):
            return  # the healthy case: every streak is and stays 0
        low &= live
        self._streak = np.where(low, self._streak + 1, 0)
        reached = self._streak == self.config.starvation.streak_ticks
        self._open.streaks += int(np.count_nonzero(reached))
        self._starving = np.count_nonzero(self._streak) != 0

    def _crossings(
        self, raised: dict[tuple[str, str], float], rivalry: RivalryLookup | None
    ) -> None:
        """Count directed ties whose rivalry rose through the avoid threshold."""
        threshold = self.avoid_threshold
        for (owner, other), delta in sorted(raised.items()):
            if rivalry is not None:
                after = rivalry(owner, other)
                if after is None:
                    continue
            else:
                key = f"{owner}|{other}"
                after = min(1.0, self._estimates.get(key, 0.0) + delta)
                self._estimates[key] = after
            if after - delta < threshold <= after:
                self._open.crossings += 1

    # -- windows ---------------------------------------------------------------

    def _close(self) -> WindowReport:
        """Judge the open window, update baselines and the promotion manager."""
        w = self._open
        self.note_release()  # a swap since the last window voids the baselines
        metrics, alerts = evaluate(w, self.config, self.baselines())
        allowed = set(self.config.allowed_alerts)
        passed = all(a.name in allowed for a in alerts)
        report = WindowReport(
            index=w.index,
            ticks=w.ticks,
            agent_ticks=w.agent_ticks,
            passed=passed,
            metrics=metrics,
            alerts=alerts,
            incidents=w.incidents,
        )
        self.last_report = report
        if passed:
            self.windows_passed += 1
            late = metrics["lateness"]
            self._baseline.append((metrics["reward_variance"], late))
        else:
            self.windows_failed += 1
        if self.promotion is not None:
            tick = (w.index + 1) * self.config.window_ticks - 1
            self.promotion.release_window(
                tick, w.index, passed=passed, starvation_incidents=w.incidents
            )
            self.note_release()
        return report

    def close_window(self) -> WindowReport | None:
        """Close the open window early (e.g. at the end of a run), if it has ticks."""
        if not self._open.ticks:
            return None
        report = self._close()
        self._open = WindowCounts(index=self._open.index + 1)
        return report

    def note_release(self) -> None:
        """Reset the baselines if the promotion manager's release changed."""
        if self.promotion is None:
            return
        key = self.promotion.release.key()
        if key != self._release:
            self._release = key
            self._baseline.clear()

    # -- faces -----------------------------------------------------------------

    def telemetry(self) -> dict[str, Any]:
        """The telemetry section ``stability`` (learning.md 8.1, operations.md).

        ``metrics`` and ``alerts`` are those of the last closed window; ``window``
        and ``passed`` say which window that was and whether it passed.
        """
        last = self.last_report
        return {
            "metrics": {} if last is None else dict(last.metrics),
            "alerts": [] if last is None else [a.as_dict() for a in last.alerts],
            "window": None if last is None else last.index,
            "passed": None if last is None else last.passed,
            "promotion": {} if self.promotion is None else self.promotion.telemetry(),
        }

    def active_alerts(self) -> list[str]:
        """Analyzer names alerting in the last closed window (Prometheus gauge)."""
        last = self.last_report
        return [] if last is None else [a.name for a in last.alerts]

    def alert_gauges(self) -> dict[str, int]:
        """``townlet_stability_alert_active{alert}``: 1 or 0 for every analyzer."""
        active = set(self.active_alerts())
        return {name: int(name in active) for name in ANALYZERS}

    def export_state(self) -> dict[str, Any]:
        """The snapshot section ``stability``: a JSON-able dict."""
        return {
            "open": self._open.export_state(),
            "ids": list(self._ids),
            "streak": self._streak.tolist(),
            "baseline": [list(b) for b in self._baseline],
            "estimates": dict(sorted(self._estimates.items())),
            "social_stage": self._stage,
            "release_key": self._release,
            "last_report": None
            if self.last_report is None
            else self.last_report.as_dict(),
            "windows_passed": self.windows_passed,
            "windows_failed": self.windows_failed,
            "promotion": None
            if self.promotion is None
            else self.promotion.export_state(),
        }

    def import_state(self, data: Mapping[str, Any]) -> None:
        """Restore :meth:`export_state`.

        Raises:
            ValueError: a key is missing or a value does not fit.
        """
        try:
            ids = [str(a) for a in data["ids"]]
            streak = np.asarray(data["streak"], dtype=np.int64)
            if streak.shape != (len(ids),):
                raise ValueError(
                    f"stability state: streak has {streak.shape[0]} entries for "
                    f"{len(ids)} ids"
                )
            self._open = WindowCounts.import_state(dict(data["open"]))
            self._ids, self._streak = ids, streak
            self._starving = bool(streak.any())
            self._baseline.clear()
            for var, late in data["baseline"]:
                self._baseline.append((var, late))
            self._estimates = {str(k): float(v) for k, v in data["estimates"].items()}
            self._stage = str(data["social_stage"])
            self._release = data["release_key"]
            last = data["last_report"]
            self.last_report = None if last is None else WindowReport.from_dict(last)
            self.windows_passed = int(data["windows_passed"])
            self.windows_failed = int(data["windows_failed"])
            promotion = data["promotion"]
        except KeyError as err:
            raise ValueError(f"stability state: missing key {err}") from None
        if self.promotion is not None and promotion is not None:
            self.promotion.import_state(promotion)
