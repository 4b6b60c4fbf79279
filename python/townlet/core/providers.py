"""The built-in providers, registered when the registry is first used.

| kind | names |
|---|---|
| world | ``native`` (needs ``townlet._native``), ``python``; ``auto`` picks |
| policy | ``scripted`` (default, option mode only), ``random``, ``stub``, |
| | with torch: ``ppo``, ``bc``, ``anneal`` |
| telemetry | ``stdout``, ``file[:PATH]``, ``websocket[:HOST:PORT]`` (``ws``), |
|  | ``prometheus[:PORT]``, ``config``, ``null``, ``stub`` / ``none`` |

World factories turn the config into the settings dict both worlds take
(``townlet.config.world_settings``) and import the world class lazily, so importing
the registry stays cheap and the Python world works without the extension.
"""

from __future__ import annotations

from typing import Any

from townlet.core.registry import (
    NATIVE_MISSING,
    NATIVE_MODULE,
    ProviderContext,
    register,
)
from townlet.core.types import ActionMode
from townlet.policy.ppo.provider import TORCH_MISSING, anneal_factory, learned_factory
from townlet.policy.random import RandomPolicy
from townlet.policy.scripted import ScriptedPolicy
from townlet.policy.stub import StubPolicy
from townlet.telemetry.discard import NullSink, StubSink
from townlet.telemetry.factory import build_pipeline

__all__ = ["DEFAULT_POLICY"]

DEFAULT_POLICY = "scripted"
"""The default policy (learning.md 4.5), also ``providers.policy``'s default."""


def _action_mode(context: ProviderContext) -> ActionMode:
    """The configured ``actions.mode`` (``option`` by default, learning.md 2.1)."""
    config = context.config
    mode: ActionMode = "option" if config is None else config.actions.mode
    return mode


def _world_settings(context: ProviderContext) -> dict[str, Any]:
    """The settings dict of docs/world-state.md section 1 for the context's config."""
    from townlet.config import load_config, world_settings

    config = context.config if context.config is not None else load_config()
    settings: dict[str, Any] = world_settings(config)
    return settings


def _native_world(context: ProviderContext) -> Any:
    """Build the native (Rust) world."""
    from townlet.world.native import NativeWorld

    return NativeWorld(_world_settings(context))


def _python_world(context: ProviderContext) -> Any:
    """Build the pure-Python world."""
    from townlet.world.python_world import PythonWorld

    return PythonWorld(_world_settings(context))


def _pipeline(kind: str) -> Any:
    """A factory building a telemetry pipeline with one ``kind`` transport."""

    def factory(context: ProviderContext) -> Any:
        return build_pipeline(kind, context.arg, context.config, context.run_id)

    return factory


register(
    "world",
    "native",
    _native_world,
    requires=(NATIVE_MODULE,),
    missing_message=NATIVE_MISSING,
    reason="native (Rust) world requested",
)
register("world", "python", _python_world, reason="pure-Python world requested")

register(
    "policy",
    "scripted",
    lambda context: ScriptedPolicy.from_config(context.config, _action_mode(context)),
    reason="scripted utilities over the features (learning.md 5)",
)
register(
    "policy",
    "random",
    lambda context: RandomPolicy(action_mode=_action_mode(context)),
    reason="uniform over allowed actions (learning.md 4.5)",
)
register(
    "policy",
    "stub",
    lambda context: StubPolicy(),
    is_stub=True,
    reason="policy stub: always action 0",
)

for _algo, _reason in (
    ("ppo", "PPO checkpoint (learning.md 6)"),
    ("bc", "behaviour-cloned checkpoint (learning.md 7.2)"),
):
    register(
        "policy",
        _algo,
        learned_factory(_algo),
        requires=("torch",),
        extra="ml",
        fallback="scripted",
        reason=_reason,
        missing_message=TORCH_MISSING.format(name=_algo),
    )
register(
    "policy",
    "anneal",
    anneal_factory,
    requires=("torch",),
    extra="ml",
    fallback="scripted",
    reason="scripted/learned blend (learning.md 7.3)",
    missing_message=TORCH_MISSING.format(name="anneal"),
)

register(
    "telemetry", "stdout", _pipeline("stdout"), reason="JSON-lines frames on stdout"
)
register("telemetry", "file", _pipeline("file"), reason="JSON-lines frames to a file")
register(
    "telemetry",
    "websocket",
    _pipeline("websocket"),
    requires=("starlette", "uvicorn", "websockets"),
    extra="serve",
    fallback="stub",
    reason="frames to WebSocket clients at /ws/telemetry",
    aliases=("ws",),
)
register(
    "telemetry",
    "prometheus",
    _pipeline("prometheus"),
    requires=("prometheus_client",),
    extra="serve",
    fallback="stub",
    reason="Prometheus metrics at /metrics",
)
register(
    "telemetry",
    "config",
    _pipeline("config"),
    reason="the transports listed in telemetry.transports",
)
register("telemetry", "null", lambda context: NullSink(), reason="events discarded")
register(
    "telemetry",
    "stub",
    lambda context: StubSink(),
    is_stub=True,
    reason="Telemetry stub active; stream disabled.",
    aliases=("none",),
)
