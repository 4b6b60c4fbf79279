"""Behaviour cloning (learning.md 7): capture scripted decisions, train the PPO
network on them, gate it on held-out towns.

``capture`` and ``dataset`` need no torch; ``train`` does and is imported lazily
by ``townlet train --algo bc``.
"""
