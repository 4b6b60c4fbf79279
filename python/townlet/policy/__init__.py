"""Policy backends (learning.md section 4.5).

``scripted`` (the default, :mod:`townlet.policy.scripted`), ``random`` (uniform over
allowed actions, the baseline) and ``stub`` (always action 0); :mod:`.kpi` measures
town-life KPIs. The torch backends (``ppo``, ``bc``: :mod:`.ppo`, :mod:`.bc`;
``anneal``: :mod:`.anneal`) are registered with ``requires=("torch",)`` and load
torch only when resolved (docs/training.md).
"""

from townlet.policy.random import RandomPolicy
from townlet.policy.scripted import ScriptedPolicy
from townlet.policy.stub import StubPolicy

__all__ = ["RandomPolicy", "ScriptedPolicy", "StubPolicy"]
