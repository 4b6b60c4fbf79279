"""The reward engine (learning.md 3): components, assembly, guardrails, stages.

One implementation, vectorised numpy over the ``StepResult`` arrays plus the tick's
events and the exported state tree, shared by both worlds. See docs/rewards.md.

>>> REWARD_COMPONENTS[0], len(REWARD_COMPONENTS)
('survival', 12)
"""

from __future__ import annotations

from townlet.core.types import REWARD_COMPONENTS
from townlet.rewards.engine import RewardBreakdown, RewardEngine
from townlet.rewards.params import RewardParams

__all__ = ["REWARD_COMPONENTS", "RewardBreakdown", "RewardEngine", "RewardParams"]
