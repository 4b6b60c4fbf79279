"""The PettingZoo ``ParallelEnv`` of learning.md 4.2 (needs the ``rl`` extra).

A resident's name is its world agent id ``agent_<uid>``: ``possible_agents`` is the
fixed pool ``agent_0 .. agent_{P-1}`` (``env.name_pool_size``), ``agents`` the live
residents in uid order. Build it with :func:`townlet.env.parallel_env`.

>>> import townlet.env
>>> env = townlet.env.parallel_env(variant="compact")
>>> obs, infos = env.reset(seed=0)
>>> sorted(obs["agent_0"]), infos["agent_0"]["uid"]
(['action_mask', 'features'], 0)
>>> out = env.step({a: 0 for a in env.agents})
>>> len(out), env.agents[:2]
(5, ['agent_0', 'agent_1'])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
from pettingzoo import ParallelEnv

from townlet.config.root import TownletConfig
from townlet.core.types import ActionMode, ProviderInfo
from townlet.env.render import ansi_frame
from townlet.env.spaces import action_space, observation_space, state_space
from townlet.env.town import AgentObs, TownSession
from townlet.errors import ConfigError

__all__ = ["RENDER_FPS", "RENDER_MODES", "TownletParallelEnv"]

RENDER_FPS = 10
"""Frames per second a viewer should show (metadata only; nothing sleeps)."""

RENDER_MODES = ("ansi",)
"""Render modes besides ``None``."""


class TownletParallelEnv(ParallelEnv):  # type: ignore[misc]
    """One town as a PettingZoo ``ParallelEnv`` (learning.md 4.2).

    Args:
        config: the loaded config.
        variant: observation variant.
        action_mode: ``option`` or ``primitive``.
        world: world provider request (``auto``, ``native``, ``python``).
        render_mode: ``None`` or ``ansi``.

    Raises:
        ConfigError: unknown variant, mode or render mode.
    """

    metadata = {  # noqa: RUF012 - PettingZoo reads this class attribute
        "name": "townlet_v1",
        "render_modes": list(RENDER_MODES),
        "render_fps": RENDER_FPS,
        "is_parallelizable": True,
    }

    def __init__(
        self,
        config: TownletConfig,
        variant: str,
        action_mode: ActionMode,
        *,
        world: str = "auto",
        render_mode: str | None = None,
    ) -> None:
        if render_mode is not None and render_mode not in RENDER_MODES:
            raise ConfigError(
                f"render_mode: expected None or 'ansi', got {render_mode!r}",
                key="render_mode",
            )
        self.render_mode = render_mode
        self.session = TownSession(config, variant, action_mode, world)
        pool = self.session.pool_size
        self.possible_agents: list[str] = [f"agent_{uid}" for uid in range(pool)]
        self.agents: list[str] = []
        self._obs_spaces: dict[str, Any] = {}
        self._act_spaces: dict[str, Any] = {}
        self._state_space: Any = None

    # -- PettingZoo faces --------------------------------------------------------

    @property
    def max_num_agents(self) -> int:
        """The name pool size P."""
        return len(self.possible_agents)

    @property
    def num_agents(self) -> int:
        """Live residents now."""
        return len(self.agents)

    @property
    def max_cycles(self) -> int:
        """Alias of ``env.max_ticks``; a new value applies from the next reset."""
        return self.session.max_cycles

    @max_cycles.setter
    def max_cycles(self, ticks: int) -> None:
        self.session.max_cycles = ticks  # validated by the session

    @property
    def world_provider(self) -> ProviderInfo | None:
        """How the world was resolved (``None`` before the first reset)."""
        return self.session.world_info

    def observation_space(self, agent: str) -> Any:
        """The cached ``gymnasium.spaces.Dict`` of ``agent`` (same object per name)."""
        space = self._obs_spaces.get(agent)
        if space is None:
            space = self._obs_spaces[agent] = observation_space(self.session.layout)
        return space

    def action_space(self, agent: str) -> Any:
        """The cached ``Discrete(A)`` of ``agent`` (same object per name)."""
        space = self._act_spaces.get(agent)
        if space is None:
            space = self._act_spaces[agent] = action_space(self.session.layout)
        return space

    @property
    def state_space(self) -> Any:
        """The Box of :meth:`state` (``env.max_population`` rows of features)."""
        if self._state_space is None:
            self._state_space = state_space(self.session.layout, self.session.seats)
        return self._state_space

    def reset(
        self, seed: int | None = None, options: Mapping[str, Any] | None = None
    ) -> tuple[dict[str, AgentObs], dict[str, dict[str, Any]]]:
        """Start a town episode (learning.md 4.1, 4.2 rule 4).

        Args:
            seed: the master seed; ``None`` takes the next SplitMix64 output.
            options: ``population`` (int) and ``scenario`` (a name under
                ``configs/scenarios/``); other keys are ignored.
        """
        obs, infos = self.session.reset(seed, options)
        self.agents = list(self.session.agents)
        return obs, infos

    def step(
        self, actions: Mapping[str, Any]
    ) -> tuple[
        dict[str, AgentObs],
        dict[str, float],
        dict[str, bool],
        dict[str, bool],
        dict[str, dict[str, Any]],
    ]:
        """One tick (learning.md 4.2 rule 5); an ended episode returns empty dicts."""
        if self.session.done and self.session.world is not None:
            return {}, {}, {}, {}, {}
        out = self.session.step(actions)
        self.agents = list(self.session.agents)
        return (
            out.observations,
            out.rewards,
            out.terminations,
            out.truncations,
            out.infos,
        )

    def state(self) -> npt.NDArray[np.float32]:
        """Live residents' features in uid order, zero-padded, flattened (rule 8)."""
        return self.session.state()

    def render(self) -> str | None:
        """The map as text for ``render_mode="ansi"``; ``None`` otherwise."""
        if self.render_mode != "ansi":
            return None
        return ansi_frame(self.session.view())

    def state_hash(self) -> str:
        """The world's ``state_hash()`` (equal for equal seeds and actions)."""
        digest: str = self.session.world.state_hash()
        return digest

    def close(self) -> None:
        """Nothing to release (the world is freed with the env)."""
