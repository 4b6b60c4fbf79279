"""Random and manual town events: price spikes, outages, arranged meets (world.md 12).

``world.perturbations``. The packaged default config loads them from
``world.perturbations_file`` (``perturbations/default.yaml``); keys written under
``world.perturbations`` are merged over that file's contents, so
``--set world.perturbations.enabled=false`` works with any file. Checks that need
the day length or the price namespace run in ``WorldConfig``.

>>> list(PerturbationsConfig().specs)
['price_spike', 'blackout', 'water_outage', 'arranged_meet']
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import field_validator, model_validator

from townlet.config.base import Identifier, Section, setting, tuple_of

__all__ = ["PerturbationSpec", "PerturbationsConfig", "default_specs"]

PerturbationKind = Literal["price_spike", "blackout", "water_outage", "arranged_meet"]


def _as_tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


class PerturbationSpec(Section):
    """One perturbation spec (world.md 12.1)."""

    kind: PerturbationKind = setting(
        ..., "price_spike, blackout, water_outage or arranged_meet; required."
    )
    prob_per_day: float = setting(
        0.0, "Expected activations per day before gates, in [0, 24].", ge=0, le=24
    )
    duration: tuple[int, int] = setting(
        (60, 120), "Inclusive [min, max] duration in ticks; 1 <= min <= max <= 1440."
    )
    cooldown_ticks: int = setting(
        0, "Ticks after an event of this spec ends before the next may start.", ge=0
    )
    active_hours: tuple[int, int] | None = setting(
        None,
        "Window [from, to) in minute of day where random activation is allowed; "
        "from < to, at least 60 minutes, within the day; null = the whole day.",
    )
    magnitude: tuple[float, float] | None = setting(
        None,
        "price_spike only, required there: [min, max] price factor, "
        "1.0 <= min <= max <= 5.0.",
    )
    targets: tuple_of(str) | None = setting(  # type: ignore[valid-type]
        None,
        "price_spike only, required there: non-empty list of price keys or group "
        "names (world.economy).",
    )
    location: Identifier | None = setting(
        None, "arranged_meet only: meeting zone; null means cafe."
    )
    pairing: Literal["top_rivals", "random"] | None = setting(
        None, "arranged_meet only: top_rivals or random; null means top_rivals."
    )

    @field_validator("duration", "active_hours", "magnitude", mode="before")
    @classmethod
    def _pairs_as_tuples(cls, value: Any) -> Any:
        return _as_tuple(value)

    @field_validator("duration")
    @classmethod
    def _duration_valid(cls, value: tuple[int, int]) -> tuple[int, int]:
        low, high = value
        if not 1 <= low <= high <= 1440:
            raise ValueError("must satisfy 1 <= min <= max <= 1440")
        return value

    @field_validator("magnitude")
    @classmethod
    def _magnitude_valid(
        cls, value: tuple[float, float] | None
    ) -> tuple[float, float] | None:
        if value is not None:
            low, high = value
            if not 1.0 <= low <= high <= 5.0:
                raise ValueError("must satisfy 1.0 <= min <= max <= 5.0")
        return value

    @model_validator(mode="after")
    def _kind_fields(self) -> PerturbationSpec:
        spike = self.kind == "price_spike"
        meet = self.kind == "arranged_meet"
        if spike and (self.magnitude is None or not self.targets):
            raise ValueError("a price_spike needs magnitude and non-empty targets")
        if not spike and (self.magnitude is not None or self.targets is not None):
            raise ValueError(
                f"magnitude and targets apply to price_spike only, not {self.kind}"
            )
        if not meet and (self.location is not None or self.pairing is not None):
            raise ValueError(
                f"location and pairing apply to arranged_meet only, not {self.kind}"
            )
        return self

    @property
    def meet_location(self) -> str:
        """The meeting zone of an arranged meet (``cafe`` unless set)."""
        return self.location or "cafe"


def default_specs() -> dict[str, PerturbationSpec]:
    """Return the four specs of world.md 12.1, in order."""
    return {
        "price_spike": PerturbationSpec(
            kind="price_spike",
            prob_per_day=0.30,
            duration=(60, 120),
            cooldown_ticks=480,
            magnitude=(1.2, 1.8),
            targets=("grocer", "cafe"),
        ),
        "blackout": PerturbationSpec(
            kind="blackout", prob_per_day=0.15, duration=(20, 60), cooldown_ticks=720
        ),
        "water_outage": PerturbationSpec(
            kind="water_outage",
            prob_per_day=0.10,
            duration=(20, 60),
            cooldown_ticks=720,
        ),
        "arranged_meet": PerturbationSpec(
            kind="arranged_meet",
            prob_per_day=0.25,
            duration=(30, 45),
            cooldown_ticks=600,
            active_hours=(1140, 1260),
            location="cafe",
            pairing="top_rivals",
        ),
    }


class PerturbationsConfig(Section):
    """Scheduler gates and the ordered specs (world.md 12.1)."""

    enabled: bool = setting(
        True, "Random scheduling on/off; manual (console) events always work."
    )
    max_concurrent: int = setting(2, "Active events at once.", ge=1)
    global_cooldown_ticks: int = setting(
        240, "Minimum ticks between two activations.", ge=0
    )
    per_agent_cooldown_ticks: int = setting(
        360,
        "Ticks after an arranged meet ends during which its participants are not "
        "eligible again.",
        ge=0,
    )
    window_ticks: int = setting(
        1440, "Length of the per-spec activation window; 0 = unlimited.", ge=0
    )
    max_events_per_window: int = setting(
        2, "Activations of one spec per window; 0 = unlimited.", ge=0
    )
    specs: dict[Identifier, PerturbationSpec] = setting(
        default_specs(),
        "Ordered mapping spec name -> spec, considered in this order. Giving "
        "specs replaces the whole mapping.",
        shown="price_spike, blackout, water_outage, arranged_meet as in world.md 12.1",
    )
