"""Stability monitor and promotion (learning.md section 8). Pure Python and numpy.

:class:`StabilityMonitor` judges windows of ``stability.window_ticks`` ticks with
the seven analyzers of learning.md 8.1; :class:`PromotionManager` turns window
results into promotions and rollbacks (8.2); :class:`LoopFeed` feeds a monitor from
the simulation loop. See docs/stability.md.

>>> StabilityMonitor().telemetry()["alerts"]
[]
"""

from townlet.stability.analyzers import Alert, Baselines, evaluate, gini
from townlet.stability.feed import LoopFeed, tree_rivalry
from townlet.stability.identity import RATIO_KPIS, ReleaseIdentity, scorecard_failures
from townlet.stability.monitor import RivalryLookup, StabilityMonitor
from townlet.stability.promotion import (
    PromotionError,
    PromotionManager,
    PromotionState,
)
from townlet.stability.report import WindowReport
from townlet.stability.window import WindowCounts

__all__ = [
    "RATIO_KPIS",
    "Alert",
    "Baselines",
    "LoopFeed",
    "PromotionError",
    "PromotionManager",
    "PromotionState",
    "ReleaseIdentity",
    "RivalryLookup",
    "StabilityMonitor",
    "WindowCounts",
    "WindowReport",
    "evaluate",
    "gini",
    "scorecard_failures",
    "tree_rivalry",
]
