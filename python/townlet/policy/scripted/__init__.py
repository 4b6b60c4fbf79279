"""The scripted default policy (learning.md section 5).

Small modules: :mod:`.constants` (config constants), :mod:`.columns` (feature
lookup), :mod:`.utilities` (the ``(N, 8)`` utility matrix), :mod:`.topup` (the
pre-commitment top-up), :mod:`.selection` (hysteresis) and :mod:`.backend` (the
PolicyBackend). docs/scripted-policy.md explains how it decides.
"""

from townlet.policy.scripted.backend import OPTION_NAMES, ScriptedPolicy
from townlet.policy.scripted.constants import ScriptedConstants

__all__ = ["OPTION_NAMES", "ScriptedConstants", "ScriptedPolicy"]
