"""Roles, tokens and the auth-failure guard (operations.md 2.2, ingress step 4).

Tokens come from ``console.auth.tokens[]`` (``token_env`` preferred, or a literal
``token``, which logs ``console.auth.literal_token``) and from the environment variables
``TOWNLET_ADMIN_TOKEN`` / ``TOWNLET_VIEWER_TOKEN`` (labels ``env-admin`` and
``env-viewer``). Only SHA-256 digests are kept, compared with ``hmac.compare_digest``.
A token's value never appears in a message, log line or error.

>>> store = TokenStore.from_config(AuthConfig(), environ={})
>>> store.resolve(None, remote="1.2.3.4:5").role
'viewer'
"""

from __future__ import annotations

import hashlib
import hmac
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from townlet.config.console import AuthConfig
from townlet.errors import ConfigError
from townlet.telemetry.log_config import get_logger

__all__ = ["ROLE_RANK", "FailureGuard", "Principal", "TokenStore", "role_allows"]

ROLE_RANK = {"viewer": 0, "admin": 1}
MIN_TOKEN_CHARS = 16
ENV_TOKENS = (
    ("TOWNLET_ADMIN_TOKEN", "env-admin", "admin"),
    ("TOWNLET_VIEWER_TOKEN", "env-viewer", "viewer"),
)


def role_allows(role: str, needed: str) -> bool:
    """True when ``role`` is at least ``needed`` (viewer < admin).

    >>> role_allows("viewer", "admin")
    False
    """
    return ROLE_RANK.get(role, -1) >= ROLE_RANK[needed]


@dataclass(frozen=True)
class Principal:
    """Who sent a command.

    Attributes:
        name: a token label, ``anonymous``, or an in-process identity such as
            ``system:demo`` (operations.md C-4).
        role: ``viewer`` or ``admin``.
    """

    name: str
    role: str


def _digest(token: str) -> bytes:
    """SHA-256 of a token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


class TokenStore:
    """Token digests by label; resolves a bearer token to a :class:`Principal`.

    Args:
        entries: ``(label, role, digest)`` triples.
        anonymous_viewer: tokenless requests act as ``anonymous`` viewer.
    """

    def __init__(
        self, entries: list[tuple[str, str, bytes]], anonymous_viewer: bool = True
    ) -> None:
        self._entries = list(entries)
        self.anonymous_viewer = anonymous_viewer

    @classmethod
    def from_config(cls, auth: AuthConfig, environ: Mapping[str, str]) -> TokenStore:
        """Read the configured and environment tokens (C-2).

        Raises:
            ConfigError: a token under 16 characters, a duplicate token or label, or
                a referenced variable that is unset or empty (named, never its value).
        """
        raw: list[tuple[str, str, str]] = []
        log = get_logger("townlet.console")
        for entry in auth.tokens:
            if entry.token_env is not None:
                value = environ.get(entry.token_env, "")
                if not value:
                    raise ConfigError(
                        f"console.auth.tokens: variable {entry.token_env} "
                        f"(token '{entry.label}') is unset or empty",
                        hint=f"export {entry.token_env}=<token of 16+ characters>",
                    )
            else:
                assert entry.token is not None
                value = entry.token
                log.warning("console.auth.literal_token", label=entry.label)
            raw.append((entry.label, entry.role, value))
        for var, label, role in ENV_TOKENS:
            value = environ.get(var, "")
            if value:
                raw.append((label, role, value))
        labels = [label for label, _, _ in raw]
        for label, _, value in raw:
            if len(value) < MIN_TOKEN_CHARS:
                raise ConfigError(
                    f"console token '{label}' is shorter than {MIN_TOKEN_CHARS} "
                    "characters"
                )
            if labels.count(label) > 1:
                raise ConfigError(f"console token label '{label}' is used twice")
        digests = [_digest(value) for _, _, value in raw]
        if len(set(digests)) != len(digests):
            raise ConfigError("console tokens: the same token is configured twice")
        entries = [(lb, role, d) for (lb, role, _), d in zip(raw, digests, strict=True)]
        return cls(entries, auth.anonymous_viewer)

    @property
    def has_admin(self) -> bool:
        """Whether any admin token is configured."""
        return any(role == "admin" for _, role, _ in self._entries)

    def resolve(self, token: str | None, remote: str) -> Principal | None:
        """The principal of ``token``; ``None`` when it matches nothing.

        No token gives the ``anonymous`` viewer when anonymous viewing is on.
        """
        if token is None or token == "":
            return Principal("anonymous", "viewer") if self.anonymous_viewer else None
        digest = _digest(token)
        found: Principal | None = None
        for label, role, known in self._entries:
            if hmac.compare_digest(digest, known):  # no early exit: constant work
                found = Principal(label, role)
        return found


class FailureGuard:
    """Blocks an address for 60 s after 10 auth failures within 60 s (step 4).

    Args:
        clock: monotonic seconds (injected for tests).
        limit: failures allowed within ``window_s``.
        window_s: the failure window and the block duration.
    """

    def __init__(
        self, clock: Callable[[], float], limit: int = 10, window_s: float = 60.0
    ) -> None:
        self._clock = clock
        self._limit = limit
        self._window = window_s
        self._failures: dict[str, deque[float]] = {}
        self._blocked_until: dict[str, float] = {}

    @staticmethod
    def _host(remote: str) -> str:
        """The address part of ``IP:port``."""
        return remote.rsplit(":", 1)[0] if remote.count(":") == 1 else remote

    def is_blocked(self, remote: str) -> bool:
        """Whether ``remote``'s address is blocked now."""
        until = self._blocked_until.get(self._host(remote))
        return until is not None and self._clock() < until

    def record_failure(self, remote: str) -> None:
        """Count one failure; block the address at the limit."""
        host, now = self._host(remote), self._clock()
        times = self._failures.setdefault(host, deque())
        times.append(now)
        while times and now - times[0] > self._window:
            times.popleft()
        if len(times) >= self._limit:
            self._blocked_until[host] = now + self._window
            times.clear()
        if len(self._failures) > 10_000:  # bounded memory under address floods
            self._failures.clear()
