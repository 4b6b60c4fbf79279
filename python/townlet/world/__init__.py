"""The world: the pure-Python rules and the adapter over the Rust core (world.md).

``PythonWorld`` mirrors ``rust/townlet-core`` module by module (``rng``, ``canonical``,
``settings``, ``clock``, ``grid``, ``agents``, ``slots``, ``needs``, ``lifecycle``,
``actions``, ``events``, ``tick``, ``state``, ``observe``); ``NativeWorld`` adapts
``townlet._native``. Both implement ``townlet.core.WorldRuntime`` and must agree bit
for bit (architecture.md 5).

>>> make_world("nowhere", {})
Traceback (most recent call last):
...
townlet.errors.ProviderError: unknown world provider 'nowhere'; known: native, python
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from townlet.core.protocols import WorldRuntime
from townlet.errors import ProviderError
from townlet.world.native import NativeWorld, native_available
from townlet.world.python_world import PythonWorld

__all__ = ["NativeWorld", "PythonWorld", "make_world", "native_available"]


def make_world(provider: str, settings: Mapping[str, Any]) -> WorldRuntime:
    """Build the world ``provider`` (``native`` or ``python``) from ``settings``.

    Raises:
        ProviderError: for an unknown provider, or ``native`` when it is not built.
        ConfigError: for malformed settings or an invalid map.
    """
    if provider == "python":
        return PythonWorld(settings)
    if provider == "native":
        return NativeWorld(settings)
    raise ProviderError(f"unknown world provider '{provider}'; known: native, python")
