"""The Gymnasium wrapper of learning.md 4.3 (needs the ``rl`` extra).

One town; the resident in seat ``focal_seat`` (the ``focal_seat``-th resident of the
town's first population, in uid order) acts through ``gymnasium.Env``, every other
resident through the background policy, resolved by name from the provider
registry (``scripted``, ``random``, ``stub``...). A stochastic background policy
draws from the ``policy`` stream of the episode's master seed, so an episode is a
pure function of its seed and the focal actions. The episode ends with
``terminated`` when the focal resident terminates and ``truncated`` at
``env.max_ticks`` (or when the name pool runs out). Build it with
:func:`townlet.env.single_agent_env`.

>>> import townlet.env
>>> env = townlet.env.single_agent_env(variant="compact", background="random")
>>> obs, info = env.reset(seed=0)
>>> obs["action_mask"].dtype.name, info["uid"]
('int8', 0)
>>> obs, reward, terminated, truncated, info = env.step(0)
>>> terminated, truncated
(False, False)
"""

from __future__ import annotations

from typing import Any, SupportsFloat

import gymnasium
import numpy as np

from townlet.config.root import TownletConfig
from townlet.core.protocols import PolicyBackend, StochasticPolicy
from townlet.core.registry import resolve
from townlet.core.types import ActionMode
from townlet.env.parallel import RENDER_FPS, RENDER_MODES
from townlet.env.render import ansi_frame
from townlet.env.spaces import action_space, observation_space
from townlet.env.town import AgentObs, TownSession
from townlet.errors import ConfigError, ProviderError, SimulationError
from townlet.world.rng import Rng

__all__ = ["POLICY_STREAM", "TownletSingleAgentEnv"]

POLICY_STREAM = "policy"
"""The named stream the background policy draws from (architecture.md 5.4)."""


class TownletSingleAgentEnv(gymnasium.Env[AgentObs, np.int64]):
    """One resident of one town as a ``gymnasium.Env`` (learning.md 4.3).

    Args:
        config: the loaded config.
        variant: observation variant.
        action_mode: ``option`` or ``primitive``.
        focal_seat: which resident of the first population is controlled.
        background: policy provider name for the other residents.
        world: world provider request (``auto``, ``native``, ``python``).
        render_mode: ``None`` or ``ansi``.

    Raises:
        ConfigError: bad seat, render mode or policy name; a background policy
            that cannot act in ``action_mode`` (stubs, always action 0, can).
    """

    metadata = {  # noqa: RUF012 - Gymnasium reads this class attribute
        "render_modes": list(RENDER_MODES),
        "render_fps": RENDER_FPS,
    }

    def __init__(
        self,
        config: TownletConfig,
        variant: str,
        action_mode: ActionMode,
        *,
        focal_seat: int = 0,
        background: str = "scripted",
        world: str = "auto",
        render_mode: str | None = None,
    ) -> None:
        if render_mode is not None and render_mode not in RENDER_MODES:
            raise ConfigError(
                f"render_mode: expected None or 'ansi', got {render_mode!r}",
                key="render_mode",
            )
        target = config.world.lifecycle.population_target
        if not 0 <= focal_seat < target:
            raise ConfigError(
                f"focal_seat: expected 0 <= seat < {target} (the population target), "
                f"got {focal_seat}",
                key="focal_seat",
            )
        self.render_mode = render_mode
        self.focal_seat = focal_seat
        self.session = TownSession(config, variant, action_mode, world)
        self.observation_space = observation_space(self.session.layout)
        self.action_space = action_space(self.session.layout)
        # The policy acts in the env's mode: its factory reads ``actions.mode``.
        actions = config.actions.model_copy(update={"mode": action_mode})
        policy_config = config.model_copy(update={"actions": actions})
        policy, info = resolve("policy", background, policy_config, seed=config.seed)
        if policy.action_mode != action_mode and not info.is_stub:
            raise ConfigError(
                f"background policy {info.name!r} acts in {policy.action_mode!r} mode, "
                f"the env in {action_mode!r}; set actions.mode in the config",
                key="actions.mode",
            )
        self.background: PolicyBackend = policy
        self.background_info = info
        self.focal: str | None = None
        self._ended = True
        self._policy_started = False

    @property
    def max_cycles(self) -> int:
        """Alias of ``env.max_ticks``; a new value applies from the next reset."""
        return self.session.max_cycles

    @max_cycles.setter
    def max_cycles(self, ticks: int) -> None:
        self.session.max_cycles = ticks  # validated by the session

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[AgentObs, dict[str, Any]]:
        """Start a town episode; returns the focal resident's observation and info.

        Raises:
            ConfigError: the episode's town has fewer residents than ``focal_seat``.
        """
        super().reset(seed=seed)
        obs, infos = self.session.reset(seed, options)
        agents = self.session.agents
        if self.focal_seat >= len(agents):
            raise ConfigError(
                f"focal_seat {self.focal_seat}: the town starts with only "
                f"{len(agents)} residents",
                key="focal_seat",
            )
        self.focal = agents[self.focal_seat]
        master = self.session.seeds.current
        assert master is not None
        if self._policy_started:
            self.background.on_episode_end()
        if isinstance(self.background, StochasticPolicy):
            self.background.bind_rng(Rng.for_stream(master, POLICY_STREAM))
        self.background.on_episode_start(self.session.spec, list(agents))
        self._policy_started = True
        self._ended = False
        return obs[self.focal], infos[self.focal]

    def step(
        self, action: Any
    ) -> tuple[AgentObs, SupportsFloat, bool, bool, dict[str, Any]]:
        """One tick: the focal resident takes ``action``, the others the policy's.

        Raises:
            SimulationError: the episode has ended (call ``reset``).
        """
        if self._ended or self.focal is None:
            raise SimulationError("the episode has ended; call reset()")
        batch = self.session.batch()
        decided = np.asarray(self.background.decide(batch))
        if decided.shape != (len(batch.agent_ids),):
            raise ProviderError(
                f"background policy returned actions of shape {decided.shape}, "
                f"expected ({len(batch.agent_ids)},)"
            )
        live = set(self.session.agents)
        actions: dict[str, Any] = {
            a: int(v)
            for a, v in zip(batch.agent_ids, decided.tolist(), strict=True)
            if a in live
        }
        actions[self.focal] = action
        out = self.session.step(actions)
        focal = self.focal
        terminated = out.terminations[focal]
        truncated = out.truncations[focal]
        self._ended = terminated or truncated
        result, breakdown = self.session.last_result, self.session.last_rewards
        if result is not None and breakdown is not None:
            self.background.on_step_end(result, breakdown.total.astype(np.float64))
        return (
            out.observations[focal],
            out.rewards[focal],
            terminated,
            truncated,
            out.infos[focal],
        )

    def render(self) -> str | None:
        """The map as text for ``render_mode="ansi"``; ``None`` otherwise."""
        if self.render_mode != "ansi":
            return None
        return ansi_frame(self.session.view())

    def close(self) -> None:
        """End the background policy's episode (if one started)."""
        if self._policy_started:
            self._policy_started = False
            self.background.on_episode_end()
