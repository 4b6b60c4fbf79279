"""Telemetry pipeline, transports, narration limiter and KPI history (operations.md 1).

``telemetry``. Only ``narration`` and ``kpi`` are simulation-relevant (they shape
the stream's content); the rest is operator-only and left out of ``config_id``
(operations.md S-2). Transports are one flat model with type-specific keys, which
a validator refuses on the wrong type.

>>> TelemetryConfig().narration.max_per_tick
3
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import model_validator

from townlet.config.base import Section, setting

__all__ = [
    "KpiBand",
    "KpiConfig",
    "NarrationConfig",
    "TelemetryConfig",
    "TransportConfig",
]

TransportType = Literal["stdout", "file", "websocket", "prometheus", "tcp", "null"]
Backpressure = Literal["block", "drop_oldest", "drop_newest"]

_TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "file": ("path", "rotate_bytes", "rotate_every_ticks", "keep", "gzip_rotated"),
    "prometheus": ("port",),
    "tcp": ("endpoint", "tls", "ca_file", "cert_file", "key_file", "allow_plaintext"),
}


class TransportConfig(Section):
    """One telemetry transport (operations.md 1.5, 1.6)."""

    type: TransportType = setting(
        ..., "stdout, file, websocket, prometheus, tcp or null; required."
    )
    backpressure: Backpressure | None = setting(
        None,
        "block, drop_oldest or drop_newest; null = block for stdout/file, "
        "drop_oldest otherwise.",
    )
    queue_states: int = setting(64, "Queue bound in tick states.", ge=1)
    queue_bytes: int = setting(64 * 2**20, "Queue bound in bytes (64 MiB).", ge=1)
    block_timeout_s: float = setting(
        2.0, "Seconds the tick may wait for queue space under block.", ge=0
    )
    block_fallback: Literal["drop_oldest", "drop_newest"] = setting(
        "drop_oldest", "Policy applied when a block times out."
    )
    restart_limit: int = setting(3, "Worker restarts before the transport fails.", ge=0)
    max_carried_events: int = setting(
        10000, "Delta items carried over coalesced states before dropping.", ge=0
    )
    transforms: list[dict[str, Any]] = setting(
        [], "Transforms applied to this transport's frames only."
    )
    path: str | None = setting(
        None, "file: output path; null = runs/<run_id>/telemetry.jsonl."
    )
    rotate_bytes: int | None = setting(
        None, "file: rotate after this many bytes; null = 256 MiB.", ge=1
    )
    rotate_every_ticks: int | None = setting(
        None, "file: rotate every N ticks; null = off.", ge=1
    )
    keep: int | None = setting(None, "file: rotated files kept; null = 10.", ge=0)
    gzip_rotated: bool | None = setting(None, "file: gzip rotated files; null = true.")
    port: int | None = setting(
        None,
        "prometheus: standalone exporter port; null = the serve port.",
        ge=0,
        le=65535,
    )
    endpoint: str | None = setting(None, "tcp: host:port, required for tcp.")
    tls: bool | None = setting(None, "tcp: use TLS; null = true.")
    ca_file: str | None = setting(None, "tcp: CA bundle path.")
    cert_file: str | None = setting(None, "tcp: client certificate (with key_file).")
    key_file: str | None = setting(None, "tcp: client key (with cert_file).")
    allow_plaintext: bool | None = setting(
        None, "tcp: allow plaintext to a loopback host; null = false."
    )

    @model_validator(mode="after")
    def _type_specific(self) -> TransportConfig:
        for kind, keys in _TYPE_KEYS.items():
            if kind == self.type:
                continue
            given = [key for key in keys if getattr(self, key) is not None]
            if given:
                raise ValueError(
                    f"{', '.join(given)} apply to {kind} transports, not {self.type}"
                )
        if self.type == "tcp" and not self.endpoint:
            raise ValueError("a tcp transport needs an endpoint host:port")
        if (self.cert_file is None) != (self.key_file is None):
            raise ValueError("cert_file and key_file must come together")
        return self


class NarrationConfig(Section):
    """Narration templates and limiter (operations.md 1.8)."""

    templates: str | None = setting(
        None,
        "Narration template file, resolved like world.map_file; null = the "
        "packaged English templates. Its sha256 is part of config_id.",
    )
    dedupe_window_ticks: int = setting(
        120, "Ticks during which a repeated dedupe key is suppressed.", ge=0
    )
    max_per_tick: int = setting(3, "Narrations accepted per tick.", ge=0)
    global_cooldown_ticks: int = setting(
        30, "Ticks between non-priority narrations.", ge=0
    )
    category_cooldown_ticks: dict[str, int] = setting(
        {}, "Category -> cooldown in ticks; unlisted categories use the global one."
    )
    window_ticks: int = setting(600, "Sliding window length in ticks.", ge=1)
    window_limit: int = setting(10, "Narrations accepted per window.", ge=0)


class KpiBand(Section):
    """Alert thresholds of one KPI (green and amber limits)."""

    green: float = setting(..., "Limit of the green band; required.")
    amber: float = setting(..., "Limit of the amber band; required.")


class KpiConfig(Section):
    """KPI history and alert bands (operations.md 1.9)."""

    history_every_ticks: int = setting(10, "Ticks between KPI history points.", ge=1)
    history_points: int = setting(240, "History points kept.", ge=1)
    bands: dict[str, KpiBand] = setting(
        {}, "KPI name -> band, replacing the defaults of operations.md 1.9."
    )


class TelemetryConfig(Section):
    """Telemetry pipeline settings (operations.md 1, 8)."""

    every_n_ticks: int = setting(1, "Emit a tick state every N ticks.", ge=1)
    world_every_ticks: int = setting(
        60,
        "Ticks between refreshes of the world-derived sections (agents, objects, "
        "economy, rewards, policy); each refresh reads world.export_state() and "
        "costs several ticks of work. Events, narrations and KPIs are never "
        "sampled. townlet serve uses 1.",
        ge=1,
    )
    keyframe_every_ticks: int = setting(
        1440, "Ticks between full snapshots in the stream.", ge=1
    )
    fail_fast: bool = setting(False, "Raise instead of degrading on transport faults.")
    transforms: list[dict[str, Any]] = setting(
        [], "Transforms applied to every transport."
    )
    transports: list[TransportConfig] = setting(
        [], "Transports; empty = the CLI's --telemetry choice."
    )
    shutdown_timeout_s: float = setting(10.0, "Seconds to join workers on close.", ge=0)
    narration: NarrationConfig = setting(NarrationConfig, "Narration limiter.")
    kpi: KpiConfig = setting(KpiConfig, "KPI history and bands.")
