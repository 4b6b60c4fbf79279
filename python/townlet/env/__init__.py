"""Environment APIs (learning.md 4): PettingZoo, Gymnasium and the vector API.

``parallel_env`` builds the PettingZoo ``ParallelEnv`` (4.2), ``single_agent_env``
the Gymnasium wrapper (4.3). Both need the ``rl`` extra (``pip install
'townlet[rl]'``); importing this package does not, and never imports torch.
``VectorTownlet`` (4.4) steps many towns in one native call and needs neither.

>>> import townlet.env
>>> env = townlet.env.parallel_env(variant="compact")
>>> obs, infos = env.reset(seed=1)
>>> env.agents[0], env.max_num_agents
('agent_0', 1024)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from townlet.core.types import ActionMode
from townlet.env.deps import RL_HINT, RLUnavailableError, require_rl
from townlet.env.scenario import env_config
from townlet.env.vector import VectorTownlet

if TYPE_CHECKING:
    from townlet.config.root import TownletConfig
    from townlet.env.parallel import TownletParallelEnv
    from townlet.env.single import TownletSingleAgentEnv

__all__ = [
    "RL_HINT",
    "RLUnavailableError",
    "VectorTownlet",
    "parallel_env",
    "single_agent_env",
]


def _mode(config: TownletConfig, action_mode: str | None) -> ActionMode:
    """The action mode: the argument, else the config's ``actions.mode``."""
    from townlet.errors import ConfigError

    mode = config.actions.mode if action_mode is None else action_mode
    if mode == "option":
        return "option"
    if mode == "primitive":
        return "primitive"
    raise ConfigError(
        f"action_mode: expected 'option' or 'primitive', got {mode!r}",
        key="actions.mode",
    )


def parallel_env(
    config: Any = None,
    variant: str | None = None,
    action_mode: str | None = None,
    *,
    world: str | None = None,
    render_mode: str | None = None,
) -> TownletParallelEnv:
    """The PettingZoo ``ParallelEnv`` of one town (learning.md 4.2).

    Args:
        config: a ``TownletConfig``, a YAML path, or ``None`` for the default town.
        variant: ``full``, ``hybrid`` or ``compact`` (default: the config's).
        action_mode: ``option`` or ``primitive`` (default: the config's).
        world: ``auto``, ``native`` or ``python`` (default: the config's
            ``providers.world``).
        render_mode: ``None`` or ``ansi``.

    Raises:
        RLUnavailableError: PettingZoo or Gymnasium is not installed.
        ConfigError: an invalid config, variant, mode or render mode.
    """
    require_rl("townlet.env.parallel_env", ("gymnasium", "pettingzoo"))
    from townlet.env.parallel import TownletParallelEnv

    cfg = env_config(config)
    return TownletParallelEnv(
        cfg,
        variant or cfg.observations.variant,
        _mode(cfg, action_mode),
        world=world or cfg.providers.world,
        render_mode=render_mode,
    )


def single_agent_env(
    config: Any = None,
    focal_seat: int = 0,
    background: str = "scripted",
    *,
    variant: str | None = None,
    action_mode: str | None = None,
    world: str | None = None,
    render_mode: str | None = None,
) -> TownletSingleAgentEnv:
    """The Gymnasium wrapper: one resident learns, the town runs ``background``.

    Args:
        config: a ``TownletConfig``, a YAML path, or ``None`` for the default town.
        focal_seat: which resident of the first population is controlled.
        background: the policy provider of every other resident.
        variant: observation variant (default: the config's).
        action_mode: ``option`` or ``primitive`` (default: the config's).
        world: ``auto``, ``native`` or ``python`` (default: the config's).
        render_mode: ``None`` or ``ansi``.

    Raises:
        RLUnavailableError: Gymnasium is not installed.
        ConfigError: an invalid config, seat, policy name or render mode.
    """
    require_rl("townlet.env.single_agent_env", ("gymnasium",))
    from townlet.env.single import TownletSingleAgentEnv

    cfg = env_config(config)
    return TownletSingleAgentEnv(
        cfg,
        variant or cfg.observations.variant,
        _mode(cfg, action_mode),
        focal_seat=focal_seat,
        background=background,
        world=world or cfg.providers.world,
        render_mode=render_mode,
    )
