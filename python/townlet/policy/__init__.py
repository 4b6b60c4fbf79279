"""Policy backends (learning.md section 4.5).

This slice ships ``random`` (uniform over allowed primitive actions, the baseline)
and ``stub`` (always action 0). The ``scripted`` default and the torch backends
(``ppo``, ``bc``, ``anneal``) arrive with later issues.
"""

from townlet.policy.random import RandomPolicy
from townlet.policy.stub import StubPolicy

__all__ = ["RandomPolicy", "StubPolicy"]
