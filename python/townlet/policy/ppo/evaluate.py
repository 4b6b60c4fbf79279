"""Evaluation scorecards (learning.md 6.5); no torch needed for ``scripted`` and
``random``.

Town ``i`` is a fresh simulation with master seed ``eval.seed_base + i``, run for
``eval.days`` days with the policy under test; its policy stream (sampling of
``random`` and of learned policies) is seeded from that master seed, so a scorecard
is a pure function of the policy, the config and the eval settings. KPIs are the
section 5.4 ones, measured from tick TPD as in ``townlet run``, plus
``faints_per_agent_day``; ``pooled`` sums the raw counts of every town.

    card = scorecard("scripted", config)
    card["pooled"]["reward_per_agent_tick"]
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from townlet.config import TownletConfig, load_config
from townlet.config.training import EvalConfig
from townlet.policy.kpi import SPEC_KPIS, KpiTracker

__all__ = ["SCORECARD_KEYS", "scorecard", "write_scorecard"]

SCORECARD_KEYS = (*SPEC_KPIS, "faints_per_agent_day")
"""The KPIs a scorecard reports per town and pooled."""

_COUNTS = (
    "ticks",
    "agent_ticks",
    "needs_ok",
    "needs_floor",
    "streaks",
    "faints",
    "evictions",
    "killed",
    "abandonments",
    "reward_sum",
    "scheduled",
    "attended",
    "present_ticks",
    "shift_ticks",
    "started",
    "absent",
    "late",
    "late_ticks",
    "queue_conflicts",
)


def _card(tracker: KpiTracker) -> dict[str, Any]:
    """The scorecard entry of one tracker."""
    raw = tracker.as_dict()
    out = {name: raw[name] for name in SPEC_KPIS}
    live = tracker.agent_ticks
    out["faints_per_agent_day"] = tracker.faints * tracker.tpd / live if live else None
    out["faints"] = tracker.faints
    out["live_agent_ticks"] = live
    return out


def scorecard(
    policy: str,
    config: TownletConfig | str | os.PathLike[str] | None = None,
    eval_config: EvalConfig | None = None,
    *,
    world: str = "auto",
    greedy: bool = False,
) -> dict[str, Any]:
    """Run the evaluation towns with ``policy`` and return the scorecard.

    Args:
        policy: a provider name (``scripted``, ``random``) or ``ppo:PATH`` /
            ``bc:PATH`` / ``anneal:PATH``.
        config: the town config (default: the packaged default).
        eval_config: towns, seeds and days (default: ``config.training.eval``).
        world: world provider.
        greedy: learned policies take the argmax instead of sampling.

    Returns:
        ``{"policy", "towns": [card, ...], "pooled": card, "eval": {...}}``.
    """
    from townlet.core.build import build_simulation

    cfg = config if isinstance(config, TownletConfig) else load_config(config)
    ev = eval_config or cfg.training.eval
    if greedy:
        cfg = cfg.model_copy(
            update={"providers": cfg.providers.model_copy(update={"greedy": True})}
        )
    tpd = int(cfg.world.time.ticks_per_day)
    pooled = KpiTracker.from_config(cfg)
    towns = []
    for i in range(ev.towns):
        loop = build_simulation(
            cfg, world=world, policy=policy, telemetry="null", seed=ev.seed_base + i
        )
        with loop:
            loop.run(ev.days * tpd)
        tracker = loop.kpis
        assert tracker is not None
        towns.append({"seed": ev.seed_base + i, **_card(tracker)})
        for name in _COUNTS:
            setattr(pooled, name, getattr(pooled, name) + getattr(tracker, name))
    return {
        "policy": policy,
        "greedy": greedy,
        "eval": ev.model_dump(),
        "towns": towns,
        "pooled": _card(pooled),
    }


def write_scorecard(card: dict[str, Any], path: str | os.PathLike[str]) -> Path:
    """Write ``card`` as JSON (parents created) and return the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(card, indent=2, sort_keys=True) + "\n")
    return out
