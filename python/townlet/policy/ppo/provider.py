"""Registry factories of the torch providers ``ppo``, ``bc`` and ``anneal``
(learning.md 4.5, 9); importing this module does not import torch.

The checkpoint comes from the name's argument (``ppo:runs/x/checkpoints``), else
from ``providers.checkpoint``. The registry checks ``requires=("torch",)`` before
calling a factory, so without torch the user sees one line naming
``pip install 'townlet[ml]'`` (or, with ``providers.allow_fallback``, the
``scripted`` policy marked as a stub).
"""

from __future__ import annotations

from typing import Any

from townlet.errors import ConfigError

__all__ = ["TORCH_MISSING", "anneal_factory", "learned_factory"]

TORCH_MISSING = (
    "policy provider '{name}' requires PyTorch, which is not installed "
    "(pip install 'townlet[ml]')"
)
"""The one-line error of a torch provider without torch; ``{name}`` is filled in."""


def _checkpoint(context: Any, name: str) -> str:
    """The checkpoint path of a provider context.

    Raises:
        ConfigError: neither ``name:PATH`` nor ``providers.checkpoint`` gives one.
    """
    if context.arg:
        return str(context.arg)
    config = context.config
    path = None if config is None else config.providers.checkpoint
    if not path:
        raise ConfigError(
            f"policy provider '{name}' needs a checkpoint: use --policy "
            f"{name}:PATH or set providers.checkpoint",
            key="providers.checkpoint",
        )
    return str(path)


def learned_factory(algo: str) -> Any:
    """The factory of the ``ppo`` or ``bc`` provider."""

    def build(context: Any) -> Any:
        from townlet.policy.ppo.policy import LearnedPolicy

        return LearnedPolicy.from_checkpoint(_checkpoint(context, algo), context.config)

    return build


def anneal_factory(context: Any) -> Any:
    """The factory of the ``anneal`` provider (scripted + a gated checkpoint)."""
    from townlet.policy.anneal import AnnealPolicy

    return AnnealPolicy.from_checkpoint(_checkpoint(context, "anneal"), context.config)
