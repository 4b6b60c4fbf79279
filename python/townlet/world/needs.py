"""Needs decay and the faint counter (world.md 5.1-5.3; tick step 9).

For every alive agent in uid order and every need in the order hunger, hygiene,
energy: ``d = (rate * m_personality) * m_activity``, ``v = v - d``, clamped below at
+0.0. The faint counter then counts consecutive ticks with ``hunger <= threshold``.
``m_activity`` is the progressed affordance's multiplier (world.md 5.2), else 1.0;
the product is always written out so the arithmetic matches the Rust core.

>>> from townlet.world.agents import Agent
>>> a = Agent(0, "Alice", 0, "initial", 0, (0, 0), (0.001, 0.5, 0.5), 0.0, ())
>>> decay_needs([a], (0.0012, 0.0005, 0.0006), True, 0.05); a.hunger, a.hunger_low_ticks
(0.0, 1)
"""

from __future__ import annotations

from collections.abc import Sequence

from townlet.world.agents import Agent

__all__ = ["decay_needs"]

_NO_MULTIPLIERS = (1.0, 1.0, 1.0)


def decay_needs(
    agents: Sequence[Agent],
    decay: tuple[float, float, float],
    apply_personality: bool,
    faint_threshold: float,
    activity: Sequence[tuple[float, float, float]] = (),
) -> None:
    """Decay the needs of alive agents and update their faint counters, in place.

    Args:
        agents: all agents in uid order (non-alive ones are skipped).
        decay: per-tick rates for hunger, hygiene, energy (``needs.decay``).
        apply_personality: whether profile multipliers apply.
        faint_threshold: hunger at or below which the counter grows.
        activity: per affordance its ``decay_multipliers`` (world.md 5.2), read for
            an agent whose ``progressed`` names the affordance that progressed in
            this tick's step 8; empty (or ``progressed < 0``): ``m_activity = 1``.
    """
    rate_h, rate_y, rate_e = decay
    for agent in agents:
        if not agent.alive:
            continue
        m_h, m_y, m_e = agent.multipliers if apply_personality else _NO_MULTIPLIERS
        a_h, a_y, a_e = (
            activity[agent.progressed]
            if 0 <= agent.progressed < len(activity)
            else _NO_MULTIPLIERS
        )
        v = agent.hunger - (rate_h * m_h) * a_h
        agent.hunger = v if v >= 0.0 else 0.0
        v = agent.hygiene - (rate_y * m_y) * a_y
        agent.hygiene = v if v >= 0.0 else 0.0
        v = agent.energy - (rate_e * m_e) * a_e
        agent.energy = v if v >= 0.0 else 0.0
        if agent.hunger <= faint_threshold:
            agent.hunger_low_ticks += 1
        else:
            agent.hunger_low_ticks = 0
