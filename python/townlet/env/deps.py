"""The optional RL libraries: PettingZoo and Gymnasium (the ``rl`` extra).

``import townlet.env`` works without them; building an env calls
:func:`require_rl`, which fails with :class:`RLUnavailableError` naming the extra.

>>> RL_HINT
"pip install 'townlet[rl]'"
"""

from __future__ import annotations

import importlib

from townlet.errors import ProviderError

__all__ = ["RL_HINT", "RLUnavailableError", "require_rl"]

RL_HINT = "pip install 'townlet[rl]'"
"""The one-line fix shown when PettingZoo or Gymnasium is missing."""


class RLUnavailableError(ProviderError, ImportError):
    """PettingZoo or Gymnasium is not installed (also an ``ImportError``).

    Args:
        feature: what needed the library, e.g. ``townlet.env.parallel_env``.
        module: the module that failed to import.
    """

    def __init__(self, feature: str, module: str) -> None:
        super().__init__(
            f"{feature} requires {module}, which is not installed", hint=RL_HINT
        )
        self.feature = feature
        self.module = module

    def __str__(self) -> str:
        return f"{self.message} ({RL_HINT})"


def require_rl(feature: str, modules: tuple[str, ...] = ("gymnasium",)) -> None:
    """Import ``modules`` or raise :class:`RLUnavailableError` for ``feature``.

    Args:
        feature: the API being built, named in the message.
        modules: the modules it needs (``gymnasium``, ``pettingzoo``).

    >>> require_rl("demo", ("json",))
    """
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError:
            raise RLUnavailableError(feature, module) from None
