"""The ``anneal`` provider: scripted and learned control blended per agent
(learning.md 7.3), and the schedule that moves the blend.

**Blend.** :class:`AnnealPolicy` asks both policies every tick. Each live row with
at least two allowed actions draws ``u`` from the loop's ``policy`` stream (rows in
order) and takes the learned action when ``u < rho``. Then the learned rows draw
their sampling uniforms (rows in order, section 4.5 rule). **Safety floor:** a row
with a need below ``critical`` (0.15) or a hunger streak (``faint_countdown`` > 0)
takes the scripted action whatever ``rho`` is; such overrides are counted.

**Schedule.** :class:`AnnealSchedule` takes one :class:`WindowResult` per stability
window, computed by :func:`window_result` from a :class:`~townlet.policy.kpi
.KpiTracker` dict over the window, the scripted baseline on the same seeds and the
override count. A window *passes* when the stability monitor passed it, there was
no faint or eviction, ``needs_ok_fraction``, ``attendance`` and ``presence`` are
each >= ``kpi_floor`` (70 %) of the baseline and overrides are below
``max_override_rate`` (1 %) of agent-ticks. Two passing windows in a row advance
``rho``; a failing window freezes it; two frozen windows in a row step it back one
value (``regress``, with a hint to capture more BC data).

>>> s = AnnealSchedule((0.2, 0.4), {"needs_ok_fraction": 1.0})
>>> ok = WindowResult(passed_stability=True, faints=0, evictions=0,
...                   kpis={"needs_ok_fraction": 0.9}, override_rate=0.0)
>>> [s.observe(ok) for _ in range(2)], s.ratio
(['hold', 'advance'], 0.4)
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from townlet.core.protocols import RandomStream
from townlet.core.types import (
    ActionMode,
    ObservationBatch,
    ObservationSpec,
    PolicyIdentity,
    StepResult,
)
from townlet.errors import ConfigError, ProviderError
from townlet.policy.scripted import ScriptedPolicy

__all__ = [
    "ANNEAL_KPIS",
    "AnnealPolicy",
    "AnnealSchedule",
    "WindowResult",
    "window_result",
]

ANNEAL_KPIS = ("needs_ok_fraction", "attendance", "presence")
"""The ratio KPIs compared against the scripted baseline (learning.md 7.3 rule 3)."""

REGRESS_HINT = (
    "the learned policy keeps missing the KPI floor at this ratio; capture more BC "
    "data (townlet train --algo capture) and retrain"
)


@dataclass(frozen=True)
class WindowResult:
    """What the schedule needs to know about one window.

    Attributes:
        passed_stability: the stability monitor passed the window (section 8.1).
        faints: faints in the window.
        evictions: evictions in the window.
        kpis: the window's ratio KPIs by name (``None`` when not measurable).
        override_rate: safety-floor overrides per agent-tick.
    """

    passed_stability: bool
    faints: int
    evictions: int
    kpis: Mapping[str, float | None]
    override_rate: float


def window_result(
    kpis: Mapping[str, Any],
    overrides: int,
    *,
    passed_stability: bool = True,
) -> WindowResult:
    """A :class:`WindowResult` from a ``KpiTracker.as_dict()`` over the window."""
    live = int(kpis.get("live_agent_ticks") or 0)
    return WindowResult(
        passed_stability=passed_stability,
        faints=int(kpis.get("faints") or 0),
        evictions=int(kpis.get("evictions") or 0),
        kpis={name: kpis.get(name) for name in ANNEAL_KPIS},
        override_rate=overrides / live if live else 0.0,
    )


@dataclass
class AnnealSchedule:
    """Advance, hold or step back ``rho`` from window results (learning.md 7.3)."""

    ratios: Sequence[float]
    baseline: Mapping[str, float | None]
    kpi_floor: float = 0.7
    max_override_rate: float = 0.01
    index: int = 0
    pass_streak: int = 0
    frozen_streak: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        """The current learned share rho."""
        return float(self.ratios[self.index])

    def misses(self, result: WindowResult) -> list[str]:
        """Why ``result`` fails the advance rule (empty when it passes)."""
        out = []
        if not result.passed_stability:
            out.append("stability window failed")
        if result.faints or result.evictions:
            out.append(f"faints {result.faints}, evictions {result.evictions}")
        for name, base in self.baseline.items():
            value = result.kpis.get(name)
            if base is None or value is None:
                continue
            if value < self.kpi_floor * base:
                out.append(f"{name} {value:.3f} < {self.kpi_floor:.0%} of {base:.3f}")
        if result.override_rate >= self.max_override_rate:
            out.append(f"override rate {result.override_rate:.4f}")
        return out

    def observe(self, result: WindowResult) -> str:
        """Take one window; returns ``advance``, ``hold``, ``freeze`` or ``regress``."""
        misses = self.misses(result)
        if not misses:
            self.frozen_streak = 0
            self.pass_streak += 1
            action = "hold"
            if self.pass_streak >= 2 and self.index + 1 < len(self.ratios):
                self.index += 1
                self.pass_streak = 0
                action = "advance"
        else:
            self.pass_streak = 0
            self.frozen_streak += 1
            action = "freeze"
            if self.frozen_streak >= 2:
                self.frozen_streak = 0
                if self.index > 0:
                    self.index -= 1
                action = "regress"
        self.history.append({"action": action, "ratio": self.ratio, "misses": misses})
        return action


class AnnealPolicy:
    """Scripted and learned control blended with ratio ``rho``.

    Args:
        scripted: the scripted policy.
        learned: a ``LearnedPolicy`` (any object with ``act`` and ``identity``).
        ratio: the learned share rho in [0, 1].
        critical: the safety-floor need level kappa.
    """

    def __init__(
        self, scripted: ScriptedPolicy, learned: Any, ratio: float, critical: float
    ) -> None:
        if not 0.0 <= ratio <= 1.0:
            raise ConfigError(f"anneal ratio: expected [0, 1], got {ratio}")
        self.scripted = scripted
        self.learned = learned
        self.ratio = float(ratio)
        self.critical = float(critical)
        self.overrides_total = 0
        self.learned_rows_total = 0
        self._rng: RandomStream | None = None
        self._cols: npt.NDArray[np.intp] | None = None

    @classmethod
    def from_checkpoint(
        cls, path: str | os.PathLike[str], config: Any = None
    ) -> AnnealPolicy:
        """Scripted policy of ``config`` plus the checkpoint at ``path``.

        Raises:
            ConfigError: the checkpoint's BC gate did not pass.
        """
        from townlet.config import load_config
        from townlet.policy.ppo.policy import LearnedPolicy

        cfg = config if config is not None else load_config(None)
        learned = LearnedPolicy.from_checkpoint(path, cfg)
        gate = learned.meta.get("bc_gate") or {}
        if not gate.get("passed"):
            raise ConfigError(
                f"anneal: checkpoint {path} has no passed BC gate (learning.md 7.2); "
                "train it with townlet train --algo bc",
                key="providers.checkpoint",
            )
        anneal = cfg.policy.anneal
        ratio = anneal.ratios[min(anneal.start_index, len(anneal.ratios) - 1)]
        return cls(
            ScriptedPolicy.from_config(cfg),
            learned,
            ratio,
            cfg.policy.scripted.critical,
        )

    @property
    def provider(self) -> str:
        """Always ``anneal``."""
        return "anneal"

    @property
    def action_mode(self) -> ActionMode:
        """Option mode (the scripted half works only there)."""
        return "option"

    def bind_rng(self, rng: RandomStream) -> None:
        """Draw blend and sampling uniforms from ``rng``."""
        self._rng = rng

    def on_episode_start(self, spec: ObservationSpec, agent_ids: Sequence[str]) -> None:
        """Prepare both policies; find the need and streak columns."""
        self.scripted.on_episode_start(spec, agent_ids)
        self.learned.on_episode_start(spec, agent_ids)
        where = {name: i for i, name in enumerate(spec.features)}
        names = ("hunger", "hygiene", "energy", "faint_countdown")
        self._cols = np.array([where[n] for n in names], dtype=np.intp)

    def decide(self, batch: ObservationBatch) -> npt.NDArray[np.int32]:
        """The blended actions (see the module docstring for the draw order).

        Raises:
            ProviderError: no stream bound, or ``on_episode_start`` not called.
        """
        if self._rng is None or self._cols is None:
            raise ProviderError(
                "anneal policy: call bind_rng and on_episode_start before decide"
            )
        rng = self._rng
        actions = self.scripted.decide(batch)
        n = len(batch.agent_ids)
        b = batch.buffers
        choice = (b.action_mask[:n] != 0).sum(axis=1) >= 2
        rows = np.flatnonzero(b.alive[:n] & choice)
        if rows.size == 0:
            return actions
        draws = np.array([rng.rand_f64() for _ in range(rows.size)])
        wants = rows[draws < self.ratio]
        x = b.features[wants].take(self._cols, axis=1)
        unsafe = (x[:, :3] < self.critical).any(axis=1) | (x[:, 3] > 0)
        self.overrides_total += int(unsafe.sum())
        take = wants[~unsafe]
        if take.size:
            uniforms = np.array([rng.rand_f64() for _ in range(take.size)])
            maps = None if b.map is None else b.map[take]
            actions[take] = self.learned.act(
                b.features[take], maps, b.action_mask[take], uniforms
            )
            self.learned_rows_total += int(take.size)
        return actions

    def on_step_end(self, result: StepResult, rewards: npt.NDArray[np.float64]) -> None:
        """No learning."""

    def on_episode_end(self) -> None:
        """Nothing to release."""

    def identity(self) -> PolicyIdentity:
        """``anneal`` with the ratio in the version and the checkpoint's hash."""
        inner = self.learned.identity()
        return PolicyIdentity(
            name="anneal",
            version=f"anneal_ratio={self.ratio:g}",
            checkpoint_hash=inner.checkpoint_hash,
        )
