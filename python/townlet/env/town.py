"""One town driven through the env APIs: the rules of learning.md 4.1 and 4.2.

:class:`TownSession` is the engine behind :class:`~townlet.env.parallel.
TownletParallelEnv` and the Gymnasium wrapper; it needs neither PettingZoo nor
Gymnasium. Per step it checks each action against the mask it handed out (outside
the mask or out of range: action 0 and ``invalid_action``), steps the world, runs the
reward engine, observes, and returns one entry per resident that was live before the
step plus the newcomers spawned in it (departing residents carry their final
observation); newcomers of the step that ends the town episode (``env.max_ticks``
or an exhausted name pool) never act and are left out. Observations are fresh
arrays: nothing returned shares memory with the session's buffers.

    session = TownSession(config, "hybrid", "option")
    obs, infos = session.reset(seed=0)
    out = session.step({"agent_0": 1})     # missing live agents take action 0
    out.rewards["agent_0"], session.agents
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from townlet.config.root import TownletConfig
from townlet.core.registry import resolve
from townlet.core.types import (
    REWARD_COMPONENTS,
    ActionMode,
    ObservationBatch,
    ObservationBuffers,
    ObservationSpec,
    ProviderInfo,
    StepResult,
    WorldView,
)
from townlet.env.scenario import episode_config
from townlet.env.seeding import EpisodeSeeds
from townlet.errors import ConfigError, SimulationError
from townlet.rewards import RewardBreakdown, RewardEngine, RewardParams
from townlet.world.layout import OPTION_ACTIONS, ObservationLayout, observation_layout

__all__ = [
    "MAX_TICKS",
    "NAME_POOL_EXHAUSTED",
    "AgentObs",
    "StepOutcome",
    "TownSession",
    "agent_uid",
]

NAME_POOL_EXHAUSTED = "name_pool_exhausted"
"""``truncation_reason`` when a newcomer's uid falls outside the name pool (4.2.2)."""

MAX_TICKS = "max_ticks"
"""``truncation_reason`` at the end of a town episode (4.1 rule 2)."""

AgentObs = dict[str, npt.NDArray[Any]]
"""One resident's observation: ``map`` (not for compact), ``features``,
``action_mask``."""


def agent_uid(agent_id: str) -> int:
    """The uid in a world agent id.

    >>> agent_uid("agent_12")
    12
    """
    return int(agent_id.rpartition("_")[2])


@dataclass
class StepOutcome:
    """What one :meth:`TownSession.step` returns, keyed by agent id.

    Attributes:
        observations: fresh arrays per agent (final ones for departing residents).
        rewards: the reward of the step (0.0 for newcomers).
        terminations: True for residents that terminated in the step.
        truncations: True for residents cut off by the episode end or the pool.
        infos: the deterministic info dict per agent (4.2 rule 7).
    """

    observations: dict[str, AgentObs]
    rewards: dict[str, float]
    terminations: dict[str, bool]
    truncations: dict[str, bool]
    infos: dict[str, dict[str, Any]]


def _action_id(raw: Any, mask: npt.NDArray[np.int8]) -> int | None:
    """The action id of ``raw`` if it is an allowed id under ``mask``, else None."""
    try:
        value = int(raw)
        if isinstance(raw, float | np.floating) and value != raw:
            return None
    except (TypeError, ValueError, OverflowError):
        return None
    if 0 <= value < mask.shape[0] and mask[value] != 0:
        return value
    return None


class TownSession:
    """One town, one episode at a time, with the env API's rules.

    Args:
        config: the loaded config (its ``env`` section sizes names and episodes).
        variant: observation variant (``full``, ``hybrid``, ``compact``).
        action_mode: ``option`` or ``primitive``.
        world: world provider request (``auto``, ``native``, ``python``).

    Raises:
        ConfigError: unknown variant or mode, or an invalid config.
    """

    def __init__(
        self,
        config: TownletConfig,
        variant: str,
        action_mode: ActionMode,
        world: str = "auto",
    ) -> None:
        self.config = config
        self.variant = variant
        self.action_mode: ActionMode = action_mode
        self.world_request = world
        try:
            self.layout: ObservationLayout = observation_layout(
                config, variant, action_mode
            )
        except Exception as err:  # ProviderError for an unknown variant or mode
            raise ConfigError(str(err), key="observations.variant") from err
        self.pool_size = config.env.name_pool_size
        self.seats = config.env.seats(config.world.lifecycle.population_target)
        self._max_cycles = config.env.max_ticks
        self.max_ticks = config.env.max_ticks
        self.seeds = EpisodeSeeds(config.seed)
        self.agents: list[str] = []
        self.world: Any = None
        self.world_info: ProviderInfo | None = None
        self.episode_config: TownletConfig = config
        self.last_rewards: RewardBreakdown | None = None
        self.last_result: StepResult | None = None
        self._world_config: TownletConfig | None = None
        self._engine: RewardEngine | None = None
        self._spec: ObservationSpec | None = None
        self._buffers: ObservationBuffers | None = None
        self._rows: list[str] = []
        self._tree_agents: list[Mapping[str, Any]] = []
        self._done = True

    # -- reset -----------------------------------------------------------------

    @property
    def max_cycles(self) -> int:
        """``env.max_ticks`` for the next reset (PettingZoo's ``max_cycles``)."""
        return self._max_cycles

    @max_cycles.setter
    def max_cycles(self, ticks: int) -> None:
        if isinstance(ticks, bool) or not isinstance(ticks, int) or ticks < 1:
            raise ConfigError(
                f"max_cycles: expected an int >= 1, got {ticks!r}", key="env.max_ticks"
            )
        self._max_cycles = ticks

    def reset(
        self, seed: int | None = None, options: Mapping[str, Any] | None = None
    ) -> tuple[dict[str, AgentObs], dict[str, dict[str, Any]]]:
        """Start a town episode: the first observation and info of every resident.

        Raises:
            ConfigError: an unknown scenario, a bad population or a scenario whose
                observation layout differs from the env's spaces.
            ProviderError: a seed outside ``[0, 2**64)`` or a missing world provider.
        """
        master = self.seeds.next(seed)
        config = episode_config(self.config, options)
        self._check_episode_config(config)
        if config is not self._world_config:
            self.world, self.world_info = resolve(
                "world", self.world_request, config, seed=master
            )
            self._world_config = config
            self._spec = self.world.observation_spec(self.variant, self.action_mode)
        self.episode_config = config
        self.max_ticks = self.max_cycles
        self.world.reset(master)
        tree = self.world.export_state()
        self._engine = RewardEngine(RewardParams.from_config(config))
        self.last_rewards = None
        self.last_result = None
        self._observe(tree)
        self.agents = [a for a in self._rows if a in self._alive_ids()]
        self._done = not self.agents
        zeros = np.zeros(len(REWARD_COMPONENTS), dtype=np.float32)
        obs = {
            a: self._obs_row(i) for i, a in enumerate(self._rows) if a in self.agents
        }
        infos = {
            a: self._info(i, False, zeros, None, None)
            for i, a in enumerate(self._rows)
            if a in self.agents
        }
        return obs, infos

    def _check_episode_config(self, config: TownletConfig) -> None:
        """Refuse an episode config that the env's names or spaces cannot describe."""
        target = config.world.lifecycle.population_target
        if target > self.pool_size:
            raise ConfigError(
                f"env.name_pool_size ({self.pool_size}) is smaller than the "
                f"population target ({target}): the first residents need names",
                key="env.name_pool_size",
            )
        if config is self.config:
            return
        layout = observation_layout(config, self.variant, self.action_mode)
        if layout.fingerprint != self.layout.fingerprint:
            raise ConfigError(
                "reset options: the scenario's observation layout differs from the "
                "env's (observations.* must match)",
                key="observations",
            )
        if target > self.seats:
            raise ConfigError(
                f"reset options: population target {target} exceeds the env's "
                f"{self.seats} state rows (set env.max_population)",
                key="env.max_population",
            )

    # -- step ------------------------------------------------------------------

    def step(self, actions: Mapping[str, Any]) -> StepOutcome:
        """Advance one tick with ``actions`` (agent id -> action id).

        Missing live agents take action 0; keys of non-live agents are ignored; an
        action outside the mask or range runs as 0 and sets ``invalid_action``.

        Raises:
            SimulationError: the episode has ended (call ``reset``) or the world's
                rows disagree with the env's agents.
        """
        if self.world is None or self._buffers is None:
            raise SimulationError("env.step() before reset(); call reset() first")
        if self._done:
            raise SimulationError("the town episode has ended; call reset()")
        live = set(self.agents)
        rows = self._rows
        masks = self._buffers.action_mask
        chosen = np.zeros(len(rows), dtype=np.int32)
        invalid: set[str] = set()
        for i, agent_id in enumerate(rows):
            if agent_id not in live or agent_id not in actions:
                continue
            action = _action_id(actions[agent_id], masks[i])
            if action is None:
                invalid.add(agent_id)
            else:
                chosen[i] = action
        result: StepResult = self.world.step(chosen, self.action_mode)
        tree = self.world.export_state()
        assert self._engine is not None
        breakdown = self._engine.step(result, tree)
        self.last_rewards = breakdown
        self.last_result = result
        self._observe(tree)
        return self._outcome(result, breakdown, live, invalid)

    def _outcome(
        self,
        result: StepResult,
        breakdown: RewardBreakdown,
        live: set[str],
        invalid: set[str],
    ) -> StepOutcome:
        """Build the per-agent dicts and the next ``agents`` list."""
        reasons = dict(result.terminated)
        spawned = set(result.spawned)
        exhausted = any(agent_uid(a) >= self.pool_size for a in spawned)
        episode_end = self.world.tick >= self.max_ticks
        out = StepOutcome({}, {}, {}, {}, {})
        returned = set()
        ending = exhausted or episode_end
        for i, agent_id in enumerate(self._rows):
            newcomer = agent_id in spawned
            # A newcomer of the step that ends the town episode never acts: it is
            # left out rather than born truncated (decision D17-envs).
            if agent_id not in live and not (newcomer and not ending):
                continue
            returned.add(agent_id)
            reason = reasons.get(agent_id)
            terminated = reason is not None
            cut = None
            if not terminated and exhausted:
                cut = NAME_POOL_EXHAUSTED
            elif not terminated and episode_end:
                cut = MAX_TICKS
            comps = breakdown.components[i]
            reward = 0.0 if newcomer else float(breakdown.total[i])
            if newcomer:
                comps = np.zeros_like(comps)
            out.observations[agent_id] = self._obs_row(i)
            out.rewards[agent_id] = reward
            out.terminations[agent_id] = terminated
            out.truncations[agent_id] = cut is not None
            out.infos[agent_id] = self._info(i, agent_id in invalid, comps, reason, cut)
        missing = live - returned
        if missing:
            raise SimulationError(
                f"env: live agents {sorted(missing)} are not rows of the world"
            )
        self.agents = [
            a
            for a in self._rows
            if a in returned and not out.terminations[a] and not out.truncations[a]
        ]
        self._done = not self.agents
        return out

    # -- observations and infos ------------------------------------------------

    def _observe(self, tree: Mapping[str, Any]) -> None:
        """Observe every world row into the session's buffers (regrow as needed)."""
        assert self._spec is not None
        self._rows = self.world.agent_ids()
        if self._buffers is None or self._buffers.rows < len(self._rows):
            rows = max(len(self._rows), 2 * self.seats)
            self._buffers = ObservationBuffers.allocate(self._spec, rows=rows)
        self.world.observe(self._buffers)
        self._tree_agents = list(tree["agents"])
        if [str(a["id"]) for a in self._tree_agents] != self._rows:
            raise SimulationError("env: state tree agents differ from world rows")

    def _alive_ids(self) -> set[str]:
        """Ids of the rows whose ``alive`` flag is set."""
        assert self._buffers is not None
        alive = self._buffers.alive[: len(self._rows)]
        return {a for a, flag in zip(self._rows, alive.tolist(), strict=True) if flag}

    def _obs_row(self, i: int) -> AgentObs:
        """Fresh copies of row ``i`` (never views of the buffers)."""
        buffers = self._buffers
        assert buffers is not None
        obs: AgentObs = {}
        if buffers.map is not None:
            obs["map"] = buffers.map[i].copy()
        obs["features"] = buffers.features[i].copy()
        obs["action_mask"] = buffers.action_mask[i].copy()
        return obs

    def _info(
        self,
        i: int,
        invalid: bool,
        components: npt.NDArray[np.float32],
        termination: str | None,
        truncation: str | None,
    ) -> dict[str, Any]:
        """The deterministic info of row ``i`` (learning.md 4.2 rule 7)."""
        node = self._tree_agents[i]
        active = int(node.get("option", {}).get("active", -1))
        option = OPTION_ACTIONS[active] if 0 <= active < len(OPTION_ACTIONS) else None
        slot = node.get("slot")
        return {
            "uid": int(node["uid"]),
            "tick": int(self.world.tick),
            "option": option if self.action_mode == "option" else None,
            "invalid_action": invalid,
            "reward_components": dict(
                zip(REWARD_COMPONENTS, components.tolist(), strict=True)
            ),
            "termination_reason": termination,
            "truncation_reason": truncation,
            "embedding_slot": None if slot is None else int(slot),
        }

    # -- whole-town faces ------------------------------------------------------

    def batch(self) -> ObservationBatch:
        """The session's current observation as a batch for a policy (views)."""
        assert self._buffers is not None
        assert self._spec is not None
        return ObservationBatch(
            tick=int(self.world.tick),
            agent_ids=list(self._rows),
            buffers=self._buffers,
            spec=self._spec,
        )

    @property
    def spec(self) -> ObservationSpec:
        """The world's observation spec (after the first reset)."""
        if self._spec is None:
            raise SimulationError("env: no world yet; call reset() first")
        return self._spec

    @property
    def done(self) -> bool:
        """True when no resident is live (the town episode has ended)."""
        return self._done

    def state(self) -> npt.NDArray[np.float32]:
        """Live residents' features in uid order, zero-padded to ``seats`` rows.

        Rows beyond ``seats`` (never produced while the population target fits
        the seats) are left out.
        """
        width = len(self.layout.features)
        out = np.zeros((self.seats, width), dtype=np.float32)
        if self._buffers is not None:
            live = set(self.agents)
            rows = [i for i, a in enumerate(self._rows) if a in live][: self.seats]
            out[: len(rows)] = self._buffers.features[rows]
        return out.reshape(-1)

    def view(self) -> WorldView:
        """The world's read-only view.

        Raises:
            SimulationError: before the first reset.
        """
        if self.world is None:
            raise SimulationError("env: no world yet; call reset() first")
        view: WorldView = self.world.view()
        return view
