"""The one torch probe (learning.md section 9).

Torch lives in the ``[ml]`` extra only. Everything that needs it asks this module
first, so a missing torch is one clear error (``TorchUnavailableError``, a
``ProviderError`` and an ``ImportError``) naming ``pip install 'townlet[ml]'`` and
never a stray ``ModuleNotFoundError``. The probe uses ``importlib.util.find_spec``,
so asking does not import torch.

>>> isinstance(torch_available(), bool)
True
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from townlet.errors import ProviderError

__all__ = ["TORCH_HINT", "TorchUnavailableError", "require_torch", "torch_available"]

TORCH_HINT = "pip install 'townlet[ml]'"
"""The fix printed under every missing-torch error."""

TORCH_SKIP_REASON = "torch not installed (install townlet[ml])"
"""The reason torch tests are skipped with (learning.md 9 rule 5)."""


class TorchUnavailableError(ProviderError, ImportError):
    """A torch feature was asked for without torch installed.

    >>> str(TorchUnavailableError("ppo training"))
    'ppo training requires PyTorch, which is not installed'
    """

    def __init__(self, feature: str) -> None:
        super().__init__(
            f"{feature} requires PyTorch, which is not installed", hint=TORCH_HINT
        )
        self.feature = feature


def torch_available() -> bool:
    """Whether ``import torch`` would find a module (does not import it)."""
    try:
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):
        return False


def require_torch(feature: str) -> Any:
    """Import and return the ``torch`` module, or raise for ``feature``.

    Args:
        feature: what needs torch, for the message (``ppo training``).

    Raises:
        TorchUnavailableError: torch is not installed (or fails to import).
    """
    if not torch_available():
        raise TorchUnavailableError(feature)
    try:
        return importlib.import_module("torch")
    except ImportError as err:
        raise TorchUnavailableError(feature) from err
