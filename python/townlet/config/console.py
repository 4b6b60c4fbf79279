"""Console authentication, audit log and ingress limits (operations.md 2).

``console``. Operator-only: never part of ``config_id``. Tokens are referenced by
environment variable (``token_env``, preferred) or given literally; their values
are checked at startup, not here.

>>> ConsoleConfig().rate.burst
40
"""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator, model_validator

from townlet.config.base import Section, setting

__all__ = ["AuditConfig", "AuthConfig", "ConsoleConfig", "RateConfig", "TokenConfig"]


class TokenConfig(Section):
    """One console token (operations.md C-2)."""

    label: str = setting(..., "Token label, unique; required.", min_length=1)
    role: Literal["viewer", "admin"] = setting(..., "viewer or admin; required.")
    token_env: str | None = setting(
        None, "Environment variable holding the token (preferred)."
    )
    token: str | None = setting(
        None, "Literal token (>= 16 characters; logs a warning).", min_length=16
    )

    @model_validator(mode="after")
    def _one_source(self) -> TokenConfig:
        if (self.token_env is None) == (self.token is None):
            raise ValueError("give exactly one of token_env and token")
        return self


class AuthConfig(Section):
    """Who may use the console (operations.md 2.2)."""

    anonymous_viewer: bool = setting(True, "Tokenless requests act as viewer.")
    tokens: list[TokenConfig] = setting([], "Configured tokens.")

    @field_validator("tokens")
    @classmethod
    def _unique(cls, tokens: list[TokenConfig]) -> list[TokenConfig]:
        labels = [t.label for t in tokens]
        literals = [t.token for t in tokens if t.token is not None]
        if len(set(labels)) != len(labels):
            raise ValueError("duplicate token label")
        if len(set(literals)) != len(literals):
            raise ValueError("duplicate token")
        return tokens


class AuditConfig(Section):
    """The console audit log (operations.md 2.7)."""

    path: str = setting("logs/console/audit.jsonl", "Audit log path (CWD-relative).")
    rotate_bytes: int = setting(64 * 2**20, "Rotate after this many bytes.", ge=1)
    keep: int = setting(10, "Rotated files kept.", ge=0)


class RateConfig(Section):
    """Per-principal token bucket."""

    per_s: float = setting(20.0, "Commands per second sustained.", gt=0)
    burst: int = setting(40, "Bucket size.", ge=1)


class ConsoleConfig(Section):
    """Console settings (operations.md 2, 8)."""

    auth: AuthConfig = setting(AuthConfig, "Authentication.")
    audit: AuditConfig = setting(AuditConfig, "Audit log.")
    queue_capacity: int = setting(256, "Commands queued between ticks.", ge=1)
    rate: RateConfig = setting(RateConfig, "Rate limit.")
    max_envelope_bytes: int = setting(
        65536, "Largest accepted command envelope in bytes.", ge=1024
    )
    idempotency_cache: int = setting(4096, "cmd_id results remembered.", ge=0)
