"""Reset options that change the town: ``scenario`` and ``population`` (4.2 rule 4).

``scenario`` names a complete config under ``configs/scenarios/`` (``churn`` ->
``configs/scenarios/churn.yaml``), searched in this order: ``scenarios/`` next to
the env's config file, ``configs/scenarios/`` under the working directory, and
``configs/scenarios/`` of the source tree. ``population`` overrides
``world.lifecycle.population_target``. Both apply to that one reset; a reset without
them returns to the env's own config. Other keys are ignored (logged at DEBUG).

>>> scenario_dirs(None)[-1].name
'scenarios'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from townlet.config import load_config
from townlet.config.root import TownletConfig
from townlet.errors import ConfigError
from townlet.telemetry.log_config import ensure_logging, get_logger

__all__ = [
    "RESET_OPTIONS",
    "env_config",
    "episode_config",
    "find_scenario",
    "scenario_dirs",
]

RESET_OPTIONS = ("population", "scenario")
"""The reset option keys the env recognises."""

_SOURCE_TREE = Path(__file__).resolve().parents[3]


def scenario_dirs(config: TownletConfig | None) -> list[Path]:
    """Where scenario files are looked up, in order."""
    dirs: list[Path] = []
    source = None if config is None else config.source_path
    if source is not None:
        dirs.append(source.parent / "scenarios")
    dirs.append(Path.cwd() / "configs" / "scenarios")
    dirs.append(_SOURCE_TREE / "configs" / "scenarios")
    return dirs


def find_scenario(name: str, config: TownletConfig | None) -> Path:
    """The file of scenario ``name``.

    Raises:
        ConfigError: no such scenario (the message lists the known names).
    """
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ConfigError(
            f"reset option scenario: expected a scenario name, got {name!r}",
            key="scenario",
        )
    dirs = scenario_dirs(config)
    for folder in dirs:
        candidate = folder / f"{name}.yaml"
        if candidate.is_file():
            return candidate
    known = sorted({p.stem for d in dirs if d.is_dir() for p in d.glob("*.yaml")})
    raise ConfigError(
        f"reset option scenario: unknown scenario {name!r}; "
        f"known: {', '.join(known) or 'none'}",
        key="scenario",
        code="env.scenario_unknown",
    )


def _with_population(config: TownletConfig, population: object) -> TownletConfig:
    """``config`` with ``world.lifecycle.population_target`` = ``population``."""
    if isinstance(population, bool) or not isinstance(population, int):
        raise ConfigError(
            f"reset option population: expected an int >= 1, got {population!r}",
            key="population",
        )
    seats = config.env.max_population
    if population < 1 or (seats is not None and population > seats):
        limit = "" if seats is None else f" and <= env.max_population ({seats})"
        raise ConfigError(
            f"reset option population: must be >= 1{limit}, got {population}",
            key="population",
        )
    world = config.world
    lifecycle = world.lifecycle.model_copy(update={"population_target": population})
    return config.model_copy(
        update={"world": world.model_copy(update={"lifecycle": lifecycle})}
    )


def env_config(config: Any) -> TownletConfig:
    """A loaded config from a config, a path or ``None`` (the packaged default).

    Raises:
        ConfigError: for anything else, or an invalid file.
    """
    if config is None or isinstance(config, str | os.PathLike | Path):
        return load_config(config)
    if not isinstance(config, TownletConfig):
        raise ConfigError(
            f"config: expected a TownletConfig, a path or None, got "
            f"{type(config).__name__}"
        )
    return config


def episode_config(
    base: TownletConfig, options: Mapping[str, Any] | None
) -> TownletConfig:
    """The config of one episode: ``base`` changed by the reset ``options``.

    Raises:
        ConfigError: an unknown scenario or an invalid population.
    """
    if not options:
        return base
    ignored = sorted(str(k) for k in options if k not in RESET_OPTIONS)
    if ignored:
        ensure_logging()
        get_logger("townlet.env").debug("env.reset.options_ignored", keys=ignored)
    config = base
    scenario = options.get("scenario")
    if scenario is not None:
        config = load_config(find_scenario(str(scenario), base))
    population = options.get("population")
    if population is not None:
        config = _with_population(config, population)
    return config
