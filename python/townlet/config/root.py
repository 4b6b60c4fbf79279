"""The root config model, :class:`TownletConfig`.

World rules sit under ``world:`` (world.md); learning and operations sections sit
at the top level (``observations``, ``actions``, ``controllers``, ``rewards``,
``policy``, ``env``, ``training``, ``providers``, ``telemetry``, ``console``, ``serve``,
``snapshot``, ``log``, ``stability``), with ``seed`` and ``label``. A loaded config also
carries the files it names (map text, manifest, hashes) as
:attr:`TownletConfig.files`.

>>> TownletConfig().world.time.ticks_per_day
1440
"""

from __future__ import annotations

from pathlib import Path

from pydantic import PrivateAttr, model_validator

from townlet.config.actions import ActionsConfig, ControllersConfig
from townlet.config.base import CrossCheckError, Problem, Section, setting
from townlet.config.console import ConsoleConfig
from townlet.config.env import EnvConfig
from townlet.config.files import ConfigFiles, read_files
from townlet.config.log import LogConfig
from townlet.config.manifest import Manifest
from townlet.config.observations import ObservationsConfig
from townlet.config.policy import PolicyConfig, ProvidersConfig
from townlet.config.rewards import NEED_WEIGHTS, RewardsConfig
from townlet.config.serve import ServeConfig
from townlet.config.snapshots import SnapshotConfig
from townlet.config.stability import StabilityConfig
from townlet.config.telemetry import TelemetryConfig
from townlet.config.training import TrainingConfig
from townlet.config.world import WorldConfig

__all__ = ["TownletConfig"]


class TownletConfig(Section):
    """A complete, validated Townlet configuration (see docs/config-reference.md)."""

    seed: int = setting(
        0,
        "Master seed of the named random streams; 0 <= seed < 2**64. Not part of "
        "config_id.",
        ge=0,
        lt=2**64,
    )
    label: str | None = setting(
        None, "Optional human name shown with config_id; not part of it."
    )
    world: WorldConfig = setting(WorldConfig, "World rules (world.md).")
    observations: ObservationsConfig = setting(
        ObservationsConfig, "Observations (learning.md 1)."
    )
    actions: ActionsConfig = setting(ActionsConfig, "Action mode (learning.md 2).")
    controllers: ControllersConfig = setting(
        ControllersConfig, "Option controllers (learning.md 2.4)."
    )
    rewards: RewardsConfig = setting(RewardsConfig, "Rewards (learning.md 3).")
    policy: PolicyConfig = setting(PolicyConfig, "Policy settings (learning.md 5).")
    env: EnvConfig = setting(
        EnvConfig, "Env APIs: episodes, names, seats (learning.md 4)."
    )
    training: TrainingConfig = setting(
        TrainingConfig, "Training (learning.md 6); not part of config_id."
    )
    providers: ProvidersConfig = setting(
        ProvidersConfig, "Default providers (architecture.md 3); operator-only."
    )
    telemetry: TelemetryConfig = setting(
        TelemetryConfig,
        "Telemetry (operations.md 1); operator-only except narration and kpi.",
    )
    console: ConsoleConfig = setting(
        ConsoleConfig, "Console (operations.md 2); operator-only."
    )
    serve: ServeConfig = setting(
        ServeConfig, "Server (operations.md 4); operator-only."
    )
    snapshot: SnapshotConfig = setting(
        SnapshotConfig, "Snapshots (operations.md 3); operator-only."
    )
    log: LogConfig = setting(LogConfig, "Logging (operations.md 1.11); operator-only.")
    stability: StabilityConfig = setting(
        StabilityConfig,
        "Stability monitor and promotion (learning.md 8); operator-only.",
    )

    _files: ConfigFiles | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _reward_guardrails(self) -> TownletConfig:
        wages = [job.wage_per_tick for job in self.world.jobs]
        highest = max(wages, default=0.0)
        coeff = self.rewards.resolved_wage_coeff(highest)
        bound = 0.25 * self.rewards.needs_scale * NEED_WEIGHTS["hunger"]
        problems = []
        if coeff * highest > bound:
            problems.append(
                Problem(
                    "rewards.wage_coeff",
                    f"wage_coeff x highest wage ({coeff * highest:g}) must be <= "
                    f"0.25 x needs_scale x w_hunger = {bound:g}",
                    self.rewards.wage_coeff,
                )
            )
        gamma = self.training.ppo.gamma
        if self.rewards.shaping and self.rewards.shaping_gamma != gamma:
            problems.append(
                Problem(
                    "rewards.shaping_gamma",
                    f"must equal training.ppo.gamma {gamma} while shaping is on",
                    self.rewards.shaping_gamma,
                )
            )
        if problems:
            raise CrossCheckError(problems)
        return self

    @model_validator(mode="after")
    def _seats_fit(self) -> TownletConfig:
        target = self.world.lifecycle.population_target
        seats = self.env.max_population
        if seats is not None and seats < target:
            raise CrossCheckError(
                [
                    Problem(
                        "env.max_population",
                        f"must be >= world.lifecycle.population_target ({target})",
                        seats,
                    )
                ]
            )
        return self

    @property
    def files(self) -> ConfigFiles:
        """The named files, read on first use when the config was built in code.

        Raises:
            ConfigError: a named file is missing or the manifest is invalid.
        """
        if self._files is None or not self._files.matches(self):
            self._files = read_files(self)
        return self._files

    def attach_files(self, files: ConfigFiles) -> None:
        """Record the files read by the loader (used by ``load_config``)."""
        self._files = files

    @property
    def source_path(self) -> Path | None:
        """The config file this was loaded from, or None."""
        return self.files.source

    @property
    def map_text(self) -> str:
        """The town map's text."""
        return self.files.map_text

    @property
    def map_sha256(self) -> str:
        """Hex sha256 of the town map's bytes."""
        return self.files.map_sha256

    @property
    def manifest(self) -> Manifest:
        """The validated affordance manifest."""
        return self.files.manifest

    @property
    def manifest_sha256(self) -> str:
        """Hex sha256 of the manifest file's bytes."""
        return self.files.manifest.sha256
