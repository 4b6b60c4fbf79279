"""The config constants the scripted policy reads (learning.md 5.1).

Everything the utilities need that is not in the features: thresholds
(``policy.scripted.*``), decay rates and the ``sleep`` decay multipliers, shift
length, prices, carry and fridge limits, affordance durations and the feature
scales. Built once from a config; plain floats and small numpy vectors, so the hot
loop never touches the config.

>>> c = ScriptedConstants.from_config(None)
>>> c.tpd, c.distance_scale, c.shift_length, c.sleep_duration
(1440, 96.0, 480, 480)
>>> c.seek.tolist()
[0.5, 0.5, 0.3]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from townlet.core.types import NEEDS

if TYPE_CHECKING:
    from townlet.config import TownletConfig

__all__ = ["ScriptedConstants", "map_size"]

Vector = npt.NDArray[np.float64]


def map_size(map_text: str) -> tuple[int, int]:
    """``(width, height)`` from a map file's ``size W H`` line.

    >>> map_size("townlet-map 1\\nsize 48 40\\n")
    (48, 40)
    """
    for line in map_text.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "size":
            return int(parts[1]), int(parts[2])
    raise ValueError("map text has no 'size W H' line")


def _multiplier(multipliers: Mapping[Any, float], need: str) -> float:
    """A profile's decay multiplier for ``need`` (1.0 when unset)."""
    return float(multipliers.get(need, 1.0))


@dataclass(frozen=True)
class ScriptedConstants:
    """Constants of the scripted policy; vectors are in :data:`NEEDS` order.

    Attributes:
        seek: theta, need level below which its option gains utility.
        sated: sigma, hysteresis ceiling of an active need option.
        critical: kappa.
        night: ``(from, to)`` minutes, wrapping midnight when ``from > to``.
        work_buffer: beta, in ticks.
        switch_margin: delta.
        plan_ticks: look-ahead of the top-up.
        tpd: ticks per day.
        distance_scale: D, feature distance scale (steps).
        wallet_scale: Wm, feature wallet scale.
        shift_length: the longest job shift, in ticks.
        raw_food_price: base price of ``raw_food``.
        carry_raw, carry_meal: carry limits (feature denominators).
        fridge_raw, fridge_meal: fridge stock limits (feature denominators).
        rates: per-tick decay of each need (base rate x the largest personality
            multiplier, so projections err on the safe side).
        sleep_multipliers: the ``sleep`` affordance's decay multipliers.
        sleep_duration: ``sleep`` duration.
        eat_ticks: ``eat_meal`` duration.
        cook_ticks: ``take_raw_food`` + ``cook_meal`` durations.
        buy_meal_ticks: ``buy_meal`` duration.
        shower_ticks: ``shower`` duration.
    """

    seek: Vector
    sated: Vector
    critical: float
    night: tuple[int, int]
    work_buffer: float
    switch_margin: float
    plan_ticks: float
    tpd: int
    distance_scale: float
    wallet_scale: float
    shift_length: int
    raw_food_price: float
    carry_raw: float
    carry_meal: float
    fridge_raw: float
    fridge_meal: float
    rates: Vector
    sleep_multipliers: Vector
    sleep_duration: int
    eat_ticks: int
    cook_ticks: int
    buy_meal_ticks: int
    shower_ticks: int

    @classmethod
    def from_config(cls, config: TownletConfig | None) -> ScriptedConstants:
        """Read the constants from a loaded config (``None``: the default config)."""
        from townlet.config import load_config

        cfg = config if config is not None else load_config()
        world = cfg.world
        scripted = cfg.policy.scripted
        manifest = cfg.files.manifest
        width, height = map_size(cfg.files.map_text)
        obs = cfg.observations
        profiles = list(world.personalities.profiles.values())
        rates = [
            float(getattr(world.needs.decay, need))
            * max([1.0, *(_multiplier(p.decay_multipliers, need) for p in profiles)])
            for need in NEEDS
        ]
        sleep = manifest.affordance("sleep")

        def duration(affordance: str) -> int:
            return int(manifest.affordance(affordance).duration)

        def vec(values: object) -> Vector:
            return np.array([float(getattr(values, n)) for n in NEEDS])

        fridge = manifest.object_types["fridge"].stock_limit
        return cls(
            seek=vec(scripted.seek),
            sated=vec(scripted.sated),
            critical=float(scripted.critical),
            night=(int(scripted.night[0]), int(scripted.night[1])),
            work_buffer=float(scripted.work_buffer),
            switch_margin=float(scripted.switch_margin),
            plan_ticks=float(scripted.plan_ticks),
            tpd=int(world.time.ticks_per_day),
            distance_scale=float(
                obs.distance_scale if obs.distance_scale is not None else width + height
            ),
            wallet_scale=float(obs.wallet_scale),
            shift_length=max([0, *(int(job.shift_length) for job in world.jobs)]),
            raw_food_price=float(world.economy.prices["raw_food"]),
            carry_raw=float(manifest.items["raw_food"].carry_limit),
            carry_meal=float(manifest.items["meal"].carry_limit),
            fridge_raw=float(fridge.get("raw_food", 1)),
            fridge_meal=float(fridge.get("meal", 1)),
            rates=np.array(rates),
            sleep_multipliers=np.array(
                [float(sleep.decay_multipliers.get(n, 1.0)) for n in NEEDS]
            ),
            sleep_duration=int(sleep.duration),
            eat_ticks=duration("eat_meal"),
            cook_ticks=duration("take_raw_food") + duration("cook_meal"),
            buy_meal_ticks=duration("buy_meal"),
            shower_ticks=duration("shower"),
        )
