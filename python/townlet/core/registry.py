"""The provider registry: one table of world, policy and telemetry factories.

Implements architecture.md section 3. Every provider, built-in or third-party, is a
``Registration`` keyed by ``(kind, name)``. :func:`resolve` turns a requested name into
an instance plus the :class:`~townlet.core.types.ProviderInfo` that says what was built
and why; consumers read that record (``is_stub_policy``...) instead of testing classes.

Third-party packages add providers through the entry-point group ``townlet.providers``:
each entry point loads a callable that receives this module's :func:`register`.

>>> "file" in known_names("telemetry")
True
"""

from __future__ import annotations

import importlib
import importlib.metadata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from townlet.core.types import ProviderInfo
from townlet.errors import ConfigError, ProviderError

__all__ = [
    "ENTRY_POINT_GROUP",
    "KINDS",
    "ProviderContext",
    "Registration",
    "degraded_notices",
    "is_degraded",
    "is_stub_policy",
    "is_stub_telemetry",
    "known_names",
    "load_entry_points",
    "register",
    "resolve",
]

KINDS: tuple[str, ...] = ("world", "policy", "telemetry")
"""The three provider kinds (architecture.md section 3)."""

ENTRY_POINT_GROUP = "townlet.providers"
"""Entry-point group through which installed packages register providers."""

NATIVE_MODULE = "townlet._native"
NATIVE_MISSING = (
    "native world unavailable: townlet._native is not built; "
    "run 'make build' or pass --world python"
)
WORLD_PYTHON_REASON = (
    "Native core unavailable; using the Python world (slower, same results)."
)

# Stable degraded wording (operations.md section 6); runbooks quote it.
_DEGRADED_MESSAGES = {
    "telemetry_stub": "Telemetry stub active; stream disabled.",
    "policy_stub": "Policy stub active; learned policy disabled (install townlet[ml]).",
    "world_python": WORLD_PYTHON_REASON,
}


@dataclass(frozen=True)
class ProviderContext:
    """Everything a provider factory may read.

    Attributes:
        config: the validated ``TownletConfig`` (or ``None`` for a bare factory call).
        arg: the part after ``:`` in a requested name (``file:PATH`` -> ``PATH``).
        run_id: identifier of this run (names default output paths).
        seed: the master seed of the run.
    """

    config: Any
    arg: str | None = None
    run_id: str = "run"
    seed: int = 0


@dataclass(frozen=True)
class Registration:
    """One registered provider.

    Attributes:
        kind: ``world``, ``policy`` or ``telemetry``.
        name: the name users request.
        factory: builds the instance from a :class:`ProviderContext`.
        requires: modules that must import for the provider to work.
        extra: the pip extra that installs ``requires`` (e.g. ``serve``).
        fallback: provider resolved instead when ``requires`` is missing and the
            caller allows fallbacks (the result is marked ``is_stub``).
        is_stub: true for providers that do nothing useful on purpose.
        reason: one line stored in ``ProviderInfo.reason`` when this is resolved.
        missing_message: the error line when ``requires`` is missing (default names
            the module and the extra).
    """

    kind: str
    name: str
    factory: Callable[[ProviderContext], Any]
    requires: tuple[str, ...] = ()
    extra: str | None = None
    fallback: str | None = None
    is_stub: bool = False
    reason: str = ""
    missing_message: str | None = None


@dataclass
class _Registry:
    """The process-wide table; entry points are loaded once, on first lookup."""

    table: dict[tuple[str, str], Registration] = field(default_factory=dict)
    entry_points_loaded: bool = False


_REGISTRY = _Registry()


def register(
    kind: str,
    name: str,
    factory: Callable[[ProviderContext], Any],
    requires: Sequence[str] = (),
    *,
    extra: str | None = None,
    fallback: str | None = None,
    is_stub: bool = False,
    reason: str = "",
    missing_message: str | None = None,
    aliases: Sequence[str] = (),
) -> Registration:
    """Register (or replace) the provider ``name`` of ``kind``.

    Args:
        kind: one of :data:`KINDS`.
        name: the name users request (lowercase, no ``:`` or ``,``).
        factory: callable taking a :class:`ProviderContext` and returning the provider.
        requires: modules that must import for the provider to work.
        extra: pip extra that installs ``requires``, named in the error message.
        fallback: provider used instead when ``requires`` is missing and fallbacks are
            allowed.
        is_stub: whether the provider is a stub on purpose.
        reason: default ``ProviderInfo.reason``.
        missing_message: error line when ``requires`` is missing.
        aliases: other names that resolve to this provider (``none`` -> ``stub``).

    Returns:
        The stored :class:`Registration`.

    Raises:
        ValueError: for an unknown kind or a malformed name.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown provider kind {kind!r}; expected one of {KINDS}")
    for label in (name, *aliases):
        if not label or any(ch in label for ch in ":, "):
            raise ValueError(f"bad provider name {label!r}")
    entry = Registration(
        kind=kind,
        name=name,
        factory=factory,
        requires=tuple(requires),
        extra=extra,
        fallback=fallback,
        is_stub=is_stub,
        reason=reason,
        missing_message=missing_message,
    )
    for label in (name, *aliases):
        _REGISTRY.table[(kind, label)] = entry
    return entry


def load_entry_points(*, force: bool = False) -> int:
    """Load third-party providers from the ``townlet.providers`` entry-point group.

    Each entry point must load a callable; it is called with :func:`register`.

    Args:
        force: reload even when the group was loaded before.

    Returns:
        The number of entry points loaded.

    Raises:
        ProviderError: when an entry point fails to load, naming it.
    """
    if _REGISTRY.entry_points_loaded and not force:
        return 0
    _REGISTRY.entry_points_loaded = True
    loaded = 0
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            hook = entry_point.load()
            hook(register)
        except Exception as err:
            raise ProviderError(
                f"provider entry point {entry_point.name!r} ({entry_point.value}) "
                f"failed to load: {err}"
            ) from err
        loaded += 1
    return loaded


def _ensure_loaded() -> None:
    """Make sure built-ins and entry points are registered before a lookup."""
    # Importing the module registers the built-in providers (idempotent).
    importlib.import_module("townlet.core.providers")
    load_entry_points()


def known_names(kind: str) -> list[str]:
    """Return the registered provider names of ``kind``, sorted.

    Args:
        kind: one of :data:`KINDS`.
    """
    _ensure_loaded()
    names = sorted(name for (k, name) in _REGISTRY.table if k == kind)
    if kind == "world":
        names = ["auto", *names]
    return names


def _missing_module(requires: Sequence[str]) -> str | None:
    """Return the first module of ``requires`` that fails to import, or ``None``."""
    for module in requires:
        try:
            importlib.import_module(module)
        except ImportError:
            return module
    return None


def _split_request(requested: str) -> tuple[str, str | None]:
    """Split ``name[:arg]`` into the name and its argument."""
    name, sep, arg = requested.partition(":")
    return name.strip().lower(), (arg if sep else None)


def _lookup(kind: str, name: str) -> Registration:
    """Return the registration or raise the ConfigError listing known names."""
    try:
        return _REGISTRY.table[(kind, name)]
    except KeyError:
        known = ", ".join(known_names(kind))
        raise ConfigError(
            f"unknown {kind} provider {name!r}; known: {known}",
            key=f"{kind}.provider",
            code="provider.unknown",
        ) from None


def resolve(
    kind: str,
    requested: str,
    config: Any = None,
    *,
    allow_fallback: bool = False,
    run_id: str = "run",
    seed: int = 0,
) -> tuple[Any, ProviderInfo]:
    """Build the provider ``requested`` of ``kind`` and say what was built and why.

    ``world`` accepts ``auto``: native when ``townlet._native`` imports, else python.
    A name may carry an argument after ``:`` (``file:runs/a.jsonl``).

    Args:
        kind: one of :data:`KINDS`.
        requested: the name asked for, e.g. ``auto``, ``random``, ``file:out.jsonl``.
        config: the validated config handed to the factory.
        allow_fallback: resolve to the documented fallback (``is_stub=True``) instead
            of failing when an optional dependency is missing.
        run_id: identifier of the run, for default output paths.
        seed: the master seed, for providers that need it.

    Returns:
        ``(instance, ProviderInfo)``.

    Raises:
        ConfigError: unknown kind or name (the message lists the known names).
        ProviderError: a required module is missing and no fallback applies; the
            message names the extra to install.
    """
    if kind not in KINDS:
        raise ConfigError(f"unknown provider kind {kind!r}; known: {', '.join(KINDS)}")
    _ensure_loaded()
    name, arg = _split_request(requested)
    context = ProviderContext(config=config, arg=arg, run_id=run_id, seed=seed)
    if kind == "world" and name == "auto":
        return _resolve_auto_world(requested, context)
    entry = _lookup(kind, name)
    missing = _missing_module(entry.requires)
    if missing is None:
        info = ProviderInfo(kind, requested, entry.name, entry.is_stub, entry.reason)
        return entry.factory(context), info
    if allow_fallback and entry.fallback is not None:
        fallback = _lookup(kind, entry.fallback)
        reason = (
            f"{kind} provider {name!r} needs {missing}, which is not installed; "
            f"fell back to {fallback.name!r}"
        )
        info = ProviderInfo(kind, requested, fallback.name, True, reason)
        return fallback.factory(context), info
    raise _missing_error(entry, missing)


def _missing_error(entry: Registration, missing: str) -> ProviderError:
    """The error for a provider whose required module does not import."""
    if entry.missing_message is not None:
        return ProviderError(entry.missing_message)
    extra = f"pip install 'townlet[{entry.extra}]'" if entry.extra else None
    message = f"{entry.kind} provider {entry.name!r} needs {missing}, not installed"
    return ProviderError(message, hint=extra)


def _resolve_auto_world(
    requested: str, context: ProviderContext
) -> tuple[Any, ProviderInfo]:
    """``world: auto``: native when the extension imports, else the Python world."""
    native = _lookup("world", "native")
    if _missing_module(native.requires) is None:
        reason = "auto: townlet._native imported; using the native (Rust) world"
        return native.factory(context), ProviderInfo(
            "world", requested, "native", False, reason
        )
    python = _lookup("world", "python")
    return python.factory(context), ProviderInfo(
        "world", requested, "python", False, WORLD_PYTHON_REASON
    )


class _HasProviders(Protocol):
    """Anything exposing the three ProviderInfo records (the simulation loop)."""

    @property
    def world_provider(self) -> ProviderInfo:
        """How the world was resolved."""
        ...

    @property
    def policy_provider(self) -> ProviderInfo:
        """How the policy was resolved."""
        ...

    @property
    def telemetry_provider(self) -> ProviderInfo:
        """How the telemetry sink was resolved."""
        ...


def is_stub_policy(loop: _HasProviders) -> bool:
    """True when the loop's policy is a stub (explicit or fallback)."""
    return loop.policy_provider.is_stub


def is_stub_telemetry(loop: _HasProviders) -> bool:
    """True when the loop's telemetry is a stub (explicit or fallback)."""
    return loop.telemetry_provider.is_stub


def degraded_notices(infos: Sequence[ProviderInfo]) -> list[dict[str, str]]:
    """The ``meta.degraded`` list (``[{code, message}]``) implied by provider records.

    Args:
        infos: ProviderInfo records, any order.

    >>> degraded_notices([ProviderInfo("telemetry", "none", "stub", True)])[0]["code"]
    'telemetry_stub'
    """
    notices: list[dict[str, str]] = []
    for info in infos:
        code = _degraded_code(info)
        if code is not None:
            notices.append({"code": code, "message": _DEGRADED_MESSAGES[code]})
    return notices


def _degraded_code(info: ProviderInfo) -> str | None:
    """Map one ProviderInfo to its degraded code, if it is degraded."""
    if info.kind == "telemetry" and info.is_stub:
        return "telemetry_stub"
    if info.kind == "policy" and info.is_stub:
        return "policy_stub"
    if info.kind == "world" and info.name == "python" and info.requested == "auto":
        return "world_python"
    return None


def is_degraded(loop: _HasProviders) -> list[dict[str, str]]:
    """Return the loop's ``meta.degraded`` notices; empty (falsy) when not degraded.

    Reads ProviderInfo only (operations.md D-1).
    """
    return degraded_notices(
        [loop.world_provider, loop.policy_provider, loop.telemetry_provider]
    )


def _registrations(kind: str) -> Mapping[str, Registration]:
    """Registered providers of ``kind`` by name (for docs and tests)."""
    _ensure_loaded()
    return {name: reg for (k, name), reg in _REGISTRY.table.items() if k == kind}
