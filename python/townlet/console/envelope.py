"""Command and result envelopes, and the fixed error codes (operations.md 2.1, 2.6).

Ingress steps 1 to 3 live here: read at most ``max_bytes`` (``too_large``), decode
strict JSON (``bad_json`` with line and column; NaN and infinities are refused), and
check the envelope's shape (``bad_envelope`` with the field errors). Every refusal is
a :class:`ConsoleError`, which the pipeline turns into an error envelope.

>>> parse_envelope(b'{"name": "status"}').name
'status'
>>> HTTP_STATUS["busy"]
503
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CMD_ID_PATTERN",
    "ERROR_CODES",
    "HTTP_STATUS",
    "ConsoleError",
    "Envelope",
    "Result",
    "decode_json",
    "parse_envelope",
    "payload_hash",
]

HTTP_STATUS: dict[str, int] = {
    "bad_json": 400,
    "bad_envelope": 400,
    "too_large": 413,
    "unauthenticated": 401,
    "forbidden": 403,
    "unknown_command": 404,
    "not_found": 404,
    "invalid_args": 422,
    "out_of_bounds": 422,
    "not_walkable": 422,
    "capacity": 409,
    "conflict": 409,
    "precondition_failed": 409,
    "rate_limited": 429,
    "busy": 503,
    "unavailable": 503,
    "internal": 500,
}
"""Every error code of operations.md 2.6 and its HTTP status."""

ERROR_CODES = tuple(HTTP_STATUS)
CMD_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,64}")
MAX_ARGS_DEPTH = 4
_FIELDS = ("cmd_id", "name", "args", "issuer", "token")


class ConsoleError(Exception):
    """A console refusal: ``code`` (from :data:`ERROR_CODES`), message, details.

    >>> ConsoleError("busy", "queue full").code
    'busy'
    """

    def __init__(
        self, code: str, message: str, details: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(f"{code}: {message}")
        assert code in HTTP_STATUS, code
        self.code = code
        self.message = message
        self.details = dict(details or {})

    def as_dict(self) -> dict[str, Any]:
        """``{code, message, details?}`` as in the result envelope."""
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            out["details"] = self.details
        return out


@dataclass(frozen=True)
class Envelope:
    """A command envelope that passed the shape check (the token is kept apart).

    Attributes:
        cmd_id: the idempotency key, or ``None`` when the client sent none.
        name: the command name (not yet looked up).
        args: named arguments.
        issuer: the client's free-form label.
        token: the bearer token from the body, removed after authentication.
    """

    cmd_id: str | None
    name: str
    args: dict[str, Any]
    issuer: str | None = None
    token: str | None = field(default=None, repr=False)


@dataclass
class Result:
    """The result envelope of operations.md 2.6 (mutable while the command runs)."""

    cmd_id: str | None
    name: str | None
    status: str = "error"
    principal: str | None = None
    issuer: str | None = None
    role: str | None = None
    received_at: str = ""
    accepted_tick: int | None = None
    apply_tick: int | None = None
    applied_tick: int | None = None
    latency_ms: float | None = None
    replayed: bool = False
    result: Any = None
    error: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The envelope as JSON-able dict (``result``/``error`` only when set)."""
        out: dict[str, Any] = {
            "cmd_id": self.cmd_id,
            "name": self.name,
            "status": self.status,
            "principal": self.principal,
            "issuer": self.issuer,
            "role": self.role,
            "received_at": self.received_at,
            "accepted_tick": self.accepted_tick,
            "apply_tick": self.apply_tick,
            "applied_tick": self.applied_tick,
            "latency_ms": self.latency_ms,
            "replayed": self.replayed,
        }
        if self.result is not None:
            out["result"] = self.result
        if self.error is not None:
            out["error"] = self.error
        return out

    @property
    def http_status(self) -> int:
        """202 for accepted, 200 for ok, else the error code's status."""
        if self.status == "accepted":
            return 202
        if self.status == "ok":
            return 200
        code = (self.error or {}).get("code", "internal")
        return HTTP_STATUS.get(str(code), 500)


def _no_constant(name: str) -> Any:
    """Refuse NaN and infinities (operations.md 0.3)."""
    raise ValueError(f"{name} is not valid JSON")


def decode_json(body: bytes | str, max_bytes: int) -> Any:
    """Ingress steps 1 and 2: size, then strict JSON.

    Raises:
        ConsoleError: ``too_large`` (the body is not parsed) or ``bad_json``.

    >>> decode_json(b"[1]", 10)
    [1]
    """
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    if len(raw) > max_bytes:
        raise ConsoleError(
            "too_large",
            f"envelope is over {max_bytes} bytes",
            {"max_bytes": max_bytes},
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ConsoleError(
            "bad_json", f"body is not UTF-8 (byte {err.start})", {"pos": err.start}
        ) from None
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as err:
        raise ConsoleError(
            "bad_json",
            f"invalid JSON: {err.msg} at line {err.lineno} column {err.colno}",
            {"line": err.lineno, "column": err.colno},
        ) from None
    except (ValueError, RecursionError) as err:
        raise ConsoleError("bad_json", f"invalid JSON: {err}") from None


def _depth(value: Any, level: int = 1) -> int:
    """Nesting depth of dicts and lists (a scalar is 0, ``{}`` is 1)."""
    if isinstance(value, dict):
        return max([level, *(_depth(v, level + 1) for v in value.values())])
    if isinstance(value, list):
        return max([level, *(_depth(v, level + 1) for v in value)])
    return level - 1


def parse_envelope(obj: Any) -> Envelope:
    """Ingress step 3: check the envelope shape.

    Accepts bytes/str (decoded with a 64 KiB limit) or an already decoded object.

    Raises:
        ConsoleError: ``bad_envelope`` with ``details.errors[{field, reason}]``.
    """
    if isinstance(obj, bytes | str):
        obj = decode_json(obj, 65536)
    if not isinstance(obj, dict):
        raise ConsoleError(
            "bad_envelope",
            f"expected a JSON object, got {type(obj).__name__}",
            {"errors": [{"field": "", "reason": "not an object"}]},
        )
    errors: list[dict[str, str]] = []
    for key in sorted(k for k in obj if k not in _FIELDS):
        errors.append({"field": str(key)[:64], "reason": "unknown field"})
    cmd_id = obj.get("cmd_id")
    if cmd_id is not None and not (
        isinstance(cmd_id, str) and CMD_ID_PATTERN.fullmatch(cmd_id)
    ):
        errors.append({"field": "cmd_id", "reason": "1-64 chars of [A-Za-z0-9._:-]"})
    name = obj.get("name")
    if not isinstance(name, str) or not name:
        errors.append({"field": "name", "reason": "required non-empty string"})
    args = obj.get("args", {})
    if not isinstance(args, dict):
        errors.append({"field": "args", "reason": "must be an object"})
    elif _depth(args) > MAX_ARGS_DEPTH:
        errors.append({"field": "args", "reason": f"nested over {MAX_ARGS_DEPTH}"})
    issuer = obj.get("issuer")
    if issuer is not None and not (isinstance(issuer, str) and len(issuer) <= 64):
        errors.append({"field": "issuer", "reason": "string of at most 64 chars"})
    token = obj.get("token")
    if token is not None and not isinstance(token, str):
        errors.append({"field": "token", "reason": "must be a string"})
    if errors:
        fields = ", ".join(e["field"] for e in errors)
        raise ConsoleError(
            "bad_envelope", f"invalid envelope: {fields}", {"errors": errors}
        )
    assert isinstance(name, str)
    assert isinstance(args, dict)
    return Envelope(cmd_id, name, args, issuer, token)


def payload_hash(name: str, args: Mapping[str, Any]) -> str:
    """sha256 of the canonical ``{name, args}`` (idempotency, C-21).

    >>> payload_hash("kill", {"a": 1}) == payload_hash("kill", {"a": 1})
    True
    """
    text = json.dumps(
        {"name": name, "args": args},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
