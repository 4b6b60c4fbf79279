"""The ``world:`` section: files, time, needs and every world rule's settings.

Keys follow world.md, relative to ``world:`` (world.md 0.5): ``world.time``,
``world.needs``, ``world.agents``, ``world.personalities``, ``world.lifecycle``,
``world.embedding``, ``world.queues``, ``world.economy``, ``world.jobs``,
``world.employment``, ``world.exits``, ``world.relationships`` and
``world.perturbations``. Section models live in their own modules; this one adds
the time and needs sections and the checks that span sections.

``world.agents`` written as an integer is shorthand for
``world.lifecycle.population_target`` (``overrides={"world.agents": 20}``).

>>> WorldConfig.model_validate({"agents": 20}).lifecycle.population_target
20
"""

from __future__ import annotations

from typing import Any

from pydantic import field_validator, model_validator

from townlet.config.agents import (
    AgentDefaults,
    EmbeddingConfig,
    LifecycleConfig,
    PersonalitiesConfig,
)
from townlet.config.base import CrossCheckError, Problem, Section, setting, tuple_of
from townlet.config.economy import EconomyConfig
from townlet.config.employment import (
    EmploymentConfig,
    ExitsConfig,
    JobConfig,
    default_jobs,
)
from townlet.config.perturbations import PerturbationsConfig
from townlet.config.queues import QueuesConfig
from townlet.config.relationships import RelationshipsConfig

__all__ = ["FILE_KEYS", "NeedRates", "NeedsConfig", "TimeConfig", "WorldConfig"]

FILE_KEYS: tuple[tuple[str, ...], ...] = (
    ("world", "map_file"),
    ("world", "manifest_file"),
    ("world", "perturbations_file"),
)
"""Key paths under the root that name files (resolved and hashed by the loader)."""


class TimeConfig(Section):
    """Day length and the clock minute of tick 0 (world.md 1)."""

    ticks_per_day: int = setting(
        1440,
        "Ticks per simulated day (one tick is one minute); a multiple of 60 in "
        "240..10080.",
        ge=240,
        le=10080,
        multiple_of=60,
    )
    start_minute: int = setting(
        360, "Clock minute of tick 0 (06:00); in [0, ticks_per_day).", ge=0
    )


class NeedRates(Section):
    """Decay per tick of each need (world.md 5.1)."""

    hunger: float = setting(
        0.0012, "Hunger lost per awake tick (1.0 -> 0 in 833 ticks).", ge=0, le=1
    )
    hygiene: float = setting(
        0.0005, "Hygiene lost per tick (1.0 -> 0 in 2000 ticks).", ge=0, le=1
    )
    energy: float = setting(
        0.0006, "Energy lost per awake tick (1.0 -> 0 in 1667 ticks).", ge=0, le=1
    )


class NeedsConfig(Section):
    """Need decay (world.md 5.1)."""

    decay: NeedRates = setting(NeedRates, "Decay rates per tick.")
    apply_personality: bool = setting(
        True, "Multiply decay by the agent's profile multipliers."
    )


class WorldConfig(Section):
    """Everything the world reads: files, time, agents and the rules' settings."""

    map_file: str = setting(
        "towns/default.map",
        "Town map file (world.md 2.1). Relative paths resolve against the directory "
        "of the config file that names them (the packaged configs directory for "
        "model defaults); its sha256 is part of config_id.",
    )
    manifest_file: str = setting(
        "affordances/default.yaml",
        "Affordance manifest (world.md 3), resolved like map_file; its sha256 is "
        "part of config_id.",
    )
    perturbations_file: str | None = setting(
        None,
        "Optional YAML file holding the perturbations section; keys written under "
        "world.perturbations are merged over it. Resolved like map_file.",
    )
    time: TimeConfig = setting(TimeConfig, "Day length and start (world.md 1).")
    needs: NeedsConfig = setting(NeedsConfig, "Need decay (world.md 5).")
    agents: AgentDefaults = setting(
        AgentDefaults,
        "Names and starting state of initial agents (world.md 4.5); an integer here "
        "is shorthand for lifecycle.population_target.",
    )
    personalities: PersonalitiesConfig = setting(
        PersonalitiesConfig, "Profiles and their spawn weights (world.md 4.3)."
    )
    lifecycle: LifecycleConfig = setting(
        LifecycleConfig, "Faint, mortality, population and newcomers (world.md 11)."
    )
    embedding: EmbeddingConfig = setting(
        EmbeddingConfig, "Embedding slots (world.md 11.4)."
    )
    queues: QueuesConfig = setting(QueuesConfig, "Queues and handovers (world.md 7).")
    economy: EconomyConfig = setting(EconomyConfig, "Prices and rent (world.md 8).")
    jobs: tuple_of(JobConfig) = setting(  # type: ignore[valid-type]
        default_jobs(),
        "Ordered list of jobs (job index = position); ids unique (world.md 9.1).",
        shown="clerk (office, 6, 480), grocer (grocer, 2, 540), barista "
        "(cafe, 2, 660); each 480 ticks at 0.01 per tick",
    )
    employment: EmploymentConfig = setting(
        EmploymentConfig, "Shift punctuality rules (world.md 9.4)."
    )
    exits: ExitsConfig = setting(ExitsConfig, "Exit reviews (world.md 9.6).")
    relationships: RelationshipsConfig = setting(
        RelationshipsConfig, "Ties and chat (world.md 10)."
    )
    perturbations: PerturbationsConfig = setting(
        PerturbationsConfig, "Town events (world.md 12)."
    )

    @model_validator(mode="before")
    @classmethod
    def _agents_shorthand(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        agents = data.get("agents")
        if isinstance(agents, int) and not isinstance(agents, bool):
            data = dict(data)
            lifecycle = data.get("lifecycle")
            lifecycle = dict(lifecycle) if isinstance(lifecycle, dict) else {}
            given = lifecycle.get("population_target")
            if given is not None and given != agents:
                raise CrossCheckError(
                    [
                        Problem(
                            "agents",
                            "conflicts with lifecycle.population_target "
                            f"{given}; give only one",
                            agents,
                        )
                    ]
                )
            lifecycle["population_target"] = agents
            data["lifecycle"] = lifecycle
            del data["agents"]
        return data

    @field_validator("jobs")
    @classmethod
    def _job_ids_unique(cls, jobs: tuple[JobConfig, ...]) -> tuple[JobConfig, ...]:
        seen: set[str] = set()
        for job in jobs:
            if job.id in seen:
                raise ValueError(f"duplicate job id '{job.id}'")
            seen.add(job.id)
        return jobs

    @model_validator(mode="after")
    def _cross_checks(self) -> WorldConfig:
        problems = list(self.cross_problems())
        if problems:
            raise CrossCheckError(problems)
        return self

    def cross_problems(self) -> list[Problem]:
        """Return the checks that span sections, as problems with relative paths."""
        tpd = self.time.ticks_per_day
        out: list[Problem] = []

        def minute(path: str, value: int) -> None:
            if value >= tpd:
                out.append(Problem(path, f"must be < ticks_per_day {tpd}", value))

        minute("time.start_minute", self.time.start_minute)
        minute("economy.rent_minute", self.economy.rent_minute)
        minute("economy.restock_minute", self.economy.restock_minute)
        for i, job in enumerate(self.jobs):
            minute(f"jobs[{i}].shift_start", job.shift_start)
            if job.shift_start + job.shift_length >= tpd:
                out.append(
                    Problem(
                        f"jobs[{i}].shift_length",
                        f"shift must end before midnight: shift_start + "
                        f"shift_length must be < ticks_per_day {tpd}",
                        job.shift_length,
                    )
                )
            if self.employment.absent_after_ticks >= job.shift_length:
                out.append(
                    Problem(
                        "employment.absent_after_ticks",
                        f"must be < shift_length {job.shift_length} of job '{job.id}'",
                        self.employment.absent_after_ticks,
                    )
                )
        target = self.lifecycle.population_target
        if target > self.embedding.max_slots:
            out.append(
                Problem(
                    "lifecycle.population_target",
                    f"must be <= embedding.max_slots {self.embedding.max_slots}",
                    target,
                )
            )
        targets = self.economy.price_targets
        for name, spec in self.perturbations.specs.items():
            path = f"perturbations.specs.{name}"
            if spec.active_hours is not None:
                start, end = spec.active_hours
                if not (0 <= start < end <= tpd and end - start >= 60):
                    out.append(
                        Problem(
                            f"{path}.active_hours",
                            f"must satisfy 0 <= from < to <= {tpd} and to - from >= 60",
                            list(spec.active_hours),
                        )
                    )
            for target_name in spec.targets or ():
                if target_name not in targets:
                    out.append(
                        Problem(
                            f"{path}.targets",
                            f"unknown price key or group '{target_name}' "
                            f"(known: {', '.join(targets)})",
                            target_name,
                        )
                    )
        return out
