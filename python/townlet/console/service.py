"""The console ingress pipeline and the pending queue (operations.md 2.3 to 2.7).

HTTP, the WebSocket and in-process callers all call :meth:`ConsoleService.submit`,
which runs the ten ingress steps in order, each either passing the command on or
returning an error envelope; no input can raise out of it. Immediate commands run at
once under :attr:`ConsoleService.lock` (the tick driver holds the same lock while it
ticks). In-tick commands join a bounded queue that :meth:`attach` drains at phase 1
of the next tick (loop-level commands first, then world commands in acceptance order)
and whose results are collected after the tick.

    service = ConsoleService(ConsoleConfig(), run_id="r1", audit=None)
    service.attach(loop)                 # adds the loop's before/after tick hooks
    service.submit(b'{"name": "status"}', token=None, remote="127.0.0.1:5000")
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from townlet.config.console import ConsoleConfig
from townlet.console.audit import AuditError, AuditLog, redact_args
from townlet.console.auth import FailureGuard, Principal, TokenStore, role_allows
from townlet.console.catalogue import CommandSpec, suggest, validate_args
from townlet.console.envelope import (
    ConsoleError,
    Envelope,
    Result,
    decode_json,
    parse_envelope,
    payload_hash,
)
from townlet.console.handlers.world_cmds import shape_result
from townlet.console.ratelimit import RateLimiter
from townlet.core.types import StepResult, TelemetryEvent
from townlet.telemetry.log_config import get_logger

__all__ = ["IN_PROCESS", "ConsoleService", "Pending"]

IN_PROCESS = "in-process"
SNAPSHOT_CACHE_ENTRIES = 512
RECENT_EVENTS = 500


def utc_now() -> str:
    """UTC RFC 3339 with milliseconds (never deterministic content)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Pending:
    """A queued in-tick command and its (shared) result envelope."""

    spec: CommandSpec
    args: dict[str, Any]
    result: Result
    started: float
    world_id: str = ""


class ConsoleService:
    """One console for one simulation loop.

    Args:
        config: the ``console`` section.
        run_id: the run id (server-assigned cmd ids are ``srv-<run_id>-<n>``).
        audit: the audit log (``None``: the default path of ``config.audit``).
        environ: where ``TOWNLET_*_TOKEN`` and ``token_env`` are read.
        clock: monotonic seconds (rate limit, auth guard, latency).
        catalogue: the commands (default: every command of operations.md 2.9).
    """

    def __init__(
        self,
        config: ConsoleConfig | None = None,
        *,
        run_id: str = "run",
        audit: AuditLog | None = None,
        environ: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        catalogue: Mapping[str, CommandSpec] | None = None,
    ) -> None:
        import os
        from pathlib import Path

        from townlet.console.handlers import CATALOGUE

        self.config = config or ConsoleConfig()
        self.run_id = run_id
        self.catalogue = dict(catalogue or CATALOGUE)
        self.tokens = TokenStore.from_config(
            self.config.auth, os.environ if environ is None else environ
        )
        cfg_audit = self.config.audit
        self.audit = audit or AuditLog(
            Path(cfg_audit.path), cfg_audit.rotate_bytes, cfg_audit.keep
        )
        self._clock = clock
        self._guard = FailureGuard(clock)
        self._limiter = RateLimiter(
            self.config.rate.per_s, self.config.rate.burst, clock
        )
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.loop: Any = None
        self.snapshots: Any = None
        self.paused = False
        self.tps_target: float | None = None
        self.tps_actual: float | None = None
        self.frame_provider: Callable[[], Mapping[str, Any]] | None = None
        self.degraded: list[dict[str, str]] = []
        self.recent_events: deque[Mapping[str, Any]] = deque(maxlen=RECENT_EVENTS)
        self.input_log: list[dict[str, Any]] = []
        self._queue: list[Pending] = []
        self._applying: list[Pending] = []
        self._cache: OrderedDict[tuple[str, str], tuple[str, Result]] = OrderedDict()
        self._srv_seq = 0
        self._world_seq = 0
        self._log = get_logger("townlet.console")

    # -- wiring ------------------------------------------------------------------

    def attach(self, loop: Any, snapshots: Any = None) -> None:
        """Hook into ``loop`` (phase 1 drain, results after the tick).

        Args:
            loop: a :class:`~townlet.core.loop.SimulationLoop`.
            snapshots: a :class:`~townlet.snapshots.SnapshotManager` for
                ``snapshot_save`` (``None``: it answers ``unavailable``).
        """
        self.loop = loop
        self.snapshots = snapshots
        loop.before_tick_hooks.append(self._before_tick)
        loop.after_tick_hooks.append(self._after_tick)

    def log_bind_notices(self, host: str) -> list[str]:
        """C-3: warn when a non-loopback bind serves anonymous viewers, and note
        that admin commands are unavailable without an admin token.

        Returns:
            The notices logged (for the caller to show).
        """
        notices: list[str] = []
        if host not in ("127.0.0.1", "localhost", "::1"):
            if self.tokens.anonymous_viewer:
                notices.append(
                    f"console: anonymous viewers can read the town on {host}"
                )
                self._log.warning("console.anonymous_viewer_exposed", host=host)
            if not self.tokens.has_admin:
                notices.append("console: admin commands unavailable (no admin token)")
                self._log.info("console.admin_unavailable", host=host)
        return notices

    @property
    def pending_count(self) -> int:
        """Commands accepted and not yet applied."""
        return len(self._queue)

    def catalogue_payload(self) -> list[dict[str, Any]]:
        """``GET /api/console/commands``: every command, sorted by name."""
        return [self.catalogue[n].describe() for n in sorted(self.catalogue)]

    # -- ingress -----------------------------------------------------------------

    def submit(
        self,
        body: bytes | str | Mapping[str, Any],
        *,
        token: str | None = None,
        remote: str = IN_PROCESS,
        principal: Principal | None = None,
    ) -> Result:
        """Run the ingress pipeline on one envelope; never raises.

        Args:
            body: raw bytes/str (HTTP, WebSocket) or a decoded envelope.
            token: a bearer token from the ``Authorization`` header or WS hello;
                a ``token`` in the envelope wins.
            remote: ``IP:port``, or ``in-process``.
            principal: an in-process principal (C-4): skips authentication.

        Returns:
            The result envelope: ``accepted``, ``ok`` or ``error``.
        """
        started = self._clock()
        received = utc_now()
        with self.lock:
            result = Result(cmd_id=None, name=None, received_at=received)
            env: Envelope | None = None
            try:
                env, spec, who = self._authorise(body, token, remote, principal, result)
                return self._admit(env, spec, who, result, started, remote)
            except ConsoleError as err:
                result.status, result.error = "error", err.as_dict()
                result.latency_ms = self._latency(started)
                self._audit_line("rejected", result, env, remote)
                return result
            except Exception as err:  # a bug: never crash the server
                return self._internal(result, err, started, env, remote)

    def submit_local(
        self,
        name: str,
        args: Mapping[str, Any] | None = None,
        *,
        principal: str = "local:api",
        cmd_id: str | None = None,
    ) -> Result:
        """An in-process command as admin under ``principal`` (C-4).

        A missing ``cmd_id`` gets a fresh ``<principal>-<12 hex>``.
        """
        envelope: dict[str, Any] = {"name": name, "args": dict(args or {})}
        envelope["cmd_id"] = cmd_id or f"{principal}-{uuid.uuid4().hex[:12]}"
        return self.submit(envelope, principal=Principal(principal, "admin"))

    def _authorise(
        self,
        body: bytes | str | Mapping[str, Any],
        token: str | None,
        remote: str,
        principal: Principal | None,
        result: Result,
    ) -> tuple[Envelope, CommandSpec, Principal]:
        """Ingress steps 1 to 7."""
        limit = self.config.max_envelope_bytes
        obj = decode_json(body, limit) if isinstance(body, bytes | str) else body
        env = parse_envelope(dict(obj) if isinstance(obj, Mapping) else obj)
        result.cmd_id, result.name, result.issuer = env.cmd_id, env.name, env.issuer
        bearer = env.token if env.token is not None else token
        env = replace(env, token=None)  # removed right after authentication
        if principal is None:
            if self._guard.is_blocked(remote):
                raise ConsoleError("rate_limited", "too many auth failures; wait 60 s")
            principal = self.tokens.resolve(bearer, remote)
            if principal is None:
                self._guard.record_failure(remote)
                raise ConsoleError("unauthenticated", "token missing or invalid")
        result.principal, result.role = principal.name, principal.role
        spec = self.catalogue.get(env.name)
        if spec is None:
            hint = suggest(env.name, list(self.catalogue))
            details = {"suggestion": hint} if hint else {}
            raise ConsoleError(
                "unknown_command", f"unknown command '{env.name[:64]}'", details
            )
        if not role_allows(principal.role, spec.role):
            if bearer in (None, "") and remote != IN_PROCESS:
                self._guard.record_failure(remote)
                raise ConsoleError(
                    "unauthenticated", f"{spec.name} needs an admin token"
                )
            if not self.tokens.has_admin and remote != IN_PROCESS:
                raise ConsoleError("forbidden", "admin unavailable: no admin token set")
            raise ConsoleError("forbidden", f"{spec.name} needs role {spec.role}")
        if spec.role == "admin" and env.cmd_id is None:
            raise ConsoleError(
                "bad_envelope",
                "admin commands need a cmd_id",
                {"reason": "cmd_id_required"},
            )
        args = validate_args(spec, env.args)
        return replace(env, args=args), spec, principal

    def _admit(
        self,
        env: Envelope,
        spec: CommandSpec,
        who: Principal,
        result: Result,
        started: float,
        remote: str,
    ) -> Result:
        """Ingress steps 8 to 10: idempotency, rate limit, queue or run."""
        if env.cmd_id is None:
            self._srv_seq += 1
            result.cmd_id = f"srv-{self.run_id}-{self._srv_seq}"
        key = (who.name, str(result.cmd_id))
        digest = payload_hash(env.name, env.args)
        cached = self._cache.get(key)
        if cached is not None:
            old_digest, old = cached
            if old_digest != digest:
                raise ConsoleError(
                    "conflict",
                    f"cmd_id '{result.cmd_id}' was used for another command",
                    {"reason": "cmd_id_reused"},
                )
            self._cache.move_to_end(key)
            return replace(old, replayed=True)
        if remote != IN_PROCESS and not self._limiter.allow(who.name):
            raise ConsoleError("rate_limited", "over 20 commands/s; slow down")
        tick = self.loop.tick if self.loop is not None else 0
        result.accepted_tick = tick
        if spec.application == "in_tick":
            if self.loop is None:
                raise ConsoleError("unavailable", "no simulation is attached")
            if len(self._queue) >= self.config.queue_capacity:
                raise ConsoleError(
                    "busy",
                    f"pending queue full ({self.config.queue_capacity}); retry later",
                    {"capacity": self.config.queue_capacity},
                )
            result.status, result.apply_tick = "accepted", tick + 1
            self._audit_line("accepted", result, env, remote)
            self._queue.append(Pending(spec, env.args, result, started))
            self._remember(key, digest, result)
            return result
        self._audit_line("accepted", result, env, remote)
        self._run_immediate(spec, env.args, result, started)
        self._remember(key, digest, result)
        self._audit_line("result", result, env, remote)
        return result

    def _run_immediate(
        self, spec: CommandSpec, args: dict[str, Any], result: Result, started: float
    ) -> None:
        """Run an immediate handler and fill ``result`` (C-11 for faults)."""
        assert spec.handler is not None
        try:
            result.result = spec.handler(self, args)
            result.status = "ok"
        except ConsoleError as err:
            result.status, result.error = "error", err.as_dict()
        except Exception as err:
            result.status, result.error = "error", self._fault(spec.name, err)
        result.applied_tick = self.loop.tick if self.loop is not None else None
        result.latency_ms = self._latency(started)

    def _remember(self, key: tuple[str, str], digest: str, result: Result) -> None:
        """Cache a result by ``(principal, cmd_id)`` in the LRU (C-20)."""
        self._cache[key] = (digest, result)
        while len(self._cache) > max(self.config.idempotency_cache, 1):
            self._cache.popitem(last=False)

    def lookup(self, principal: str, cmd_id: str) -> Result | None:
        """The cached or pending result of ``cmd_id`` sent by ``principal``."""
        with self.lock:
            found = self._cache.get((principal, cmd_id))
            return None if found is None else found[1]

    def wait(self, result: Result, timeout_s: float) -> Result:
        """Wait up to ``timeout_s`` for an accepted command's final result."""
        with self.changed:
            self.changed.wait_for(lambda: result.status != "accepted", timeout_s)
            return replace(result)

    # -- faults and audit --------------------------------------------------------

    def _latency(self, started: float) -> float:
        """Milliseconds since ``started``."""
        return round((self._clock() - started) * 1000.0, 3)

    def _fault(self, name: str, err: BaseException) -> dict[str, Any]:
        """An ``internal`` error: log with an error id, mark the run degraded."""
        error_id = uuid.uuid4().hex[:12]
        self._log.error(
            "console.handler_fault",
            command=name,
            error_id=error_id,
            error=f"{type(err).__name__}: {err}",
        )
        notice = {
            "code": "console_handler_fault",
            "message": "A console command failed unexpectedly; "
            f"see error id {error_id}.",
        }
        self.degraded.append(notice)
        del self.degraded[:-20]
        return ConsoleError(
            "internal", f"{name} failed unexpectedly", {"error_id": error_id}
        ).as_dict()

    def _internal(
        self,
        result: Result,
        err: BaseException,
        started: float,
        env: Envelope | None,
        remote: str,
    ) -> Result:
        """Turn an unexpected exception in the pipeline into ``internal``."""
        result.status = "error"
        result.error = self._fault(str(result.name), err)
        result.latency_ms = self._latency(started)
        with contextlib.suppress(ConsoleError):
            self._audit_line("rejected", result, env, remote)
        return result

    def _audit_line(
        self, stage: str, result: Result, env: Envelope | None, remote: str
    ) -> None:
        """Write one audit line (C-30); a failed write makes the command unavailable.

        Raises:
            ConsoleError: ``unavailable`` when the audit log cannot be written (not for
                ``rejected`` lines, which are already refusals).
        """
        line = {
            "ts": utc_now(),
            "run_id": self.run_id,
            "tick": self.loop.tick if self.loop is not None else None,
            "stage": stage,
            "cmd_id": result.cmd_id,
            "name": result.name,
            "args": None if env is None else redact_args(env.args),
            "principal": result.principal,
            "issuer": result.issuer,
            "remote": remote,
            "status": result.status,
            "error.code": (result.error or {}).get("code"),
            "latency_ms": result.latency_ms,
        }
        try:
            self.audit.write(line)
        except AuditError as err:
            self._log.error("console.audit_failed", error=str(err))
            if stage != "rejected":
                raise ConsoleError(
                    "unavailable", "audit log unwritable; commands refused"
                ) from None

    # -- the loop side -----------------------------------------------------------

    def _before_tick(self, loop: Any, tick: int) -> None:
        """Phase 1 of ``tick``: loop-level commands, then world commands (C-10)."""
        with self.lock:
            drained, self._queue = self._queue, []
            ordered = [p for p in drained if p.spec.handler is not None]
            ordered += [p for p in drained if p.spec.handler is None]
            for pending in ordered:
                self.input_log.append(
                    {
                        "applied_tick": tick,
                        "cmd_id": pending.result.cmd_id,
                        "name": pending.spec.name,
                        "args": pending.args,
                        "principal": pending.result.principal,
                    }
                )
                if pending.spec.handler is None:
                    self._world_seq += 1
                    pending.world_id = f"con-{self._world_seq}"
                    loop.world.apply_command(
                        {
                            "cmd_id": pending.world_id,
                            "name": pending.spec.name,
                            "args": pending.args,
                        }
                    )
                self._applying.append(pending)

    def _after_tick(self, loop: Any, step: StepResult) -> None:
        """After tick t: world results, then loop-level commands (snapshot_save)."""
        with self.lock:
            self.recent_events.extend(step.events)
            by_id = {r.cmd_id: r for r in step.command_results}
            applying, self._applying = self._applying, []
            # world results first, so snapshot_save sees them final
            applying.sort(key=lambda p: p.spec.handler is not None)
            for pending in applying:
                result = pending.result
                result.applied_tick = step.tick
                if pending.spec.handler is None:
                    found = by_id.get(pending.world_id)
                    if found is None:
                        result.status = "error"
                        result.error = self._fault(
                            pending.spec.name, RuntimeError("no world result")
                        )
                    elif found.ok:
                        result.status = "ok"
                        result.result = shape_result(
                            pending.spec.name,
                            pending.args,
                            {"message": found.message, **dict(found.data)},
                            loop.world,
                        )
                    else:
                        code = found.code or "invalid_args"
                        code = code if code in _WORLD_CODES else "invalid_args"
                        result.status = "error"
                        result.error = ConsoleError(code, found.message).as_dict()
                else:
                    self._run_immediate(pending.spec, pending.args, result, 0.0)
                result.latency_ms = self._latency(pending.started)
                self._finish(result, pending)
            self.changed.notify_all()

    def _finish(self, result: Result, pending: Pending) -> None:
        """Audit the final result and emit ``console.result``."""
        env = Envelope(result.cmd_id, pending.spec.name, pending.args, result.issuer)
        with contextlib.suppress(ConsoleError):  # it ran; the failure is logged
            self._audit_line("result", result, env, IN_PROCESS)
        if self.loop is not None:
            self.loop.telemetry.emit(
                TelemetryEvent(
                    "console.result", int(result.applied_tick or 0), result.as_dict()
                )
            )

    # -- snapshot state (operations.md 3.1, loop section) ------------------------

    def export_state(self) -> dict[str, Any]:
        """Pending commands, the input log and the last 512 cached results."""
        with self.lock:
            cached = list(self._cache.items())[-SNAPSHOT_CACHE_ENTRIES:]
            return {
                "pending": [
                    {
                        "name": p.spec.name,
                        "args": p.args,
                        "envelope": p.result.as_dict(),
                    }
                    for p in self._queue
                ],
                "input_log": list(self.input_log),
                "idempotency": [
                    {
                        "principal": k[0],
                        "cmd_id": k[1],
                        "hash": d,
                        "result": r.as_dict(),
                    }
                    for k, (d, r) in cached
                ],
                "world_seq": self._world_seq,
                "srv_seq": self._srv_seq,
                "paused": self.paused,
            }

    def trim_input_log(self, entries: int) -> None:
        """Drop the first ``entries`` of the console input log (they are in a
        snapshot now; operations.md 3.1 keeps the log since the last snapshot)."""
        with self.lock:
            del self.input_log[:entries]

    def import_state(self, node: Mapping[str, Any]) -> None:
        """Restore :meth:`export_state` (pending commands re-queued in order)."""
        with self.lock:
            queue: list[Pending] = []
            for item in node.get("pending", []):
                spec = self.catalogue[item["name"]]
                queue.append(
                    Pending(
                        spec,
                        dict(item["args"]),
                        Result(**item["envelope"]),
                        self._clock(),
                    )
                )
            cache: OrderedDict[tuple[str, str], tuple[str, Result]] = OrderedDict()
            for item in node.get("idempotency", []):
                cache[(item["principal"], item["cmd_id"])] = (
                    item["hash"],
                    Result(**item["result"]),
                )
            for pending in queue:
                key = (str(pending.result.principal), str(pending.result.cmd_id))
                if key in cache:
                    cache[key] = (cache[key][0], pending.result)
            self._queue, self._cache = queue, cache
            self.input_log = list(node.get("input_log", []))
            self._world_seq = int(node.get("world_seq", 0))
            self._srv_seq = int(node.get("srv_seq", 0))


_WORLD_CODES = frozenset(
    {
        "invalid_args",
        "not_found",
        "out_of_bounds",
        "not_walkable",
        "capacity",
        "conflict",
        "precondition_failed",
        "unavailable",
    }
)
