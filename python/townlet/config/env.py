"""Environment API settings: episodes, names and seats (learning.md 4).

``env``. ``max_ticks`` ends a town episode (every live resident is truncated);
``name_pool_size`` is the PettingZoo name pool P; ``max_population`` is the seat
count S of the vector API and the padding of ``state()`` (``None``: the
population target); ``log_every_ticks`` is how often the vector API reports KPIs.

>>> EnvConfig().max_ticks
14400
"""

from __future__ import annotations

from townlet.config.base import Section, setting

__all__ = ["EnvConfig"]


class EnvConfig(Section):
    """Episode model and env API sizes (learning.md 4.1 to 4.4)."""

    max_ticks: int = setting(
        14_400,
        "Ticks per town episode (10 days); then every resident is truncated.",
        ge=1,
    )
    name_pool_size: int = setting(
        1_024, "PettingZoo name pool P: possible_agents = agent_0 .. agent_{P-1}.", ge=1
    )
    max_population: int | None = setting(
        None,
        "Seats per town S in the vector API and rows of state(); null: "
        "world.lifecycle.population_target. Must be >= the population target.",
        ge=1,
    )
    log_every_ticks: int = setting(
        128, "Vector API: a kpi dict in infos every this many ticks.", ge=1
    )

    def seats(self, population_target: int) -> int:
        """``max_population`` resolved against the population target.

        >>> EnvConfig().seats(10), EnvConfig(max_population=12).seats(10)
        (10, 12)
        """
        return population_target if self.max_population is None else self.max_population
