"""Loading a snapshot: the checked sequence of operations.md 3.4.

:func:`read_snapshot` runs steps 1 to 6 (path, size, parse, version and migrations,
shape, checksum) and returns the document. :func:`resume_simulation` adds steps 7 to 9
(config identity, policy identity, import into a *fresh* loop with the state hash
checked); the running simulation, if any, is never touched, so a refused or broken
snapshot can't replace good state. Every refusal is a :class:`SnapshotError`.

    doc = read_snapshot("snapshots/r-1/t000001440-auto.json.gz", roots=["snapshots"])
    resumed = resume_simulation(doc)              # a started loop at the saved tick
    resumed.loop.run(100)
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from townlet.errors import SnapshotError
from townlet.snapshots.capture import restore_state
from townlet.snapshots.format import HEADER_KEYS, SECTIONS, content_sha256, decode
from townlet.snapshots.migrations import MIGRATIONS, MigrationRegistry
from townlet.snapshots.paths import confine
from townlet.telemetry.log_config import get_logger

__all__ = [
    "ResumedRun",
    "config_from_document",
    "differing_keys",
    "read_snapshot",
    "resume_simulation",
]

_TYPES: dict[str, type | tuple[type, ...]] = {
    "schema_version": int,
    "tick": int,
    "seed": int,
    "config_id": str,
    "state_hash": str,
    "content_sha256": str,
    "kind": str,
    "config": dict,
    "state": dict,
    "migrations_applied": list,
}


def _check_shape(doc: dict[str, Any]) -> None:
    """Step 5: the header keys and the five state sections."""
    missing = [k for k in HEADER_KEYS if k not in doc and k != "consistent"]
    if "state" not in doc:
        missing.append("state")
    if missing:
        raise SnapshotError(f"snapshot is missing header keys: {', '.join(missing)}")
    for key, kind in _TYPES.items():
        if not isinstance(doc[key], kind) or isinstance(doc[key], bool):
            raise SnapshotError(f"snapshot header {key}: wrong type")
    absent = [s for s in SECTIONS if s not in doc["state"]]
    if absent:
        raise SnapshotError(f"snapshot state is missing sections: {', '.join(absent)}")


def read_snapshot(
    path: str | os.PathLike[str],
    roots: Sequence[str | Path] | None = None,
    *,
    no_migrate: bool = False,
    ignore_checksum: bool = False,
    allow_inconsistent: bool = False,
    registry: MigrationRegistry = MIGRATIONS,
) -> dict[str, Any]:
    """Steps 1 to 6 of the load sequence.

    Args:
        path: the snapshot file.
        roots: allowed roots (S-10); ``None`` skips confinement (the CLI's
            ``inspect``/``diff`` of a file the user names explicitly).
        no_migrate: refuse older files instead of migrating them in memory.
        ignore_checksum: load even when ``content_sha256`` does not match (ERROR log).
        allow_inconsistent: load a ``failure`` snapshot (``consistent: false``).
        registry: the migrations registry.

    Raises:
        SnapshotError: any refusal.
    """
    resolved = confine(path, roots) if roots is not None else Path(path)
    try:
        data = resolved.read_bytes()
    except OSError as err:
        raise SnapshotError(f"cannot read snapshot {path}: {err}") from None
    doc = decode(data)
    version = doc.get("schema_version")
    if no_migrate and version != registry.current:
        raise SnapshotError(
            f"snapshot schema {version} is not {registry.current} and --no-migrate "
            "is set"
        )
    doc, steps = registry.migrate(doc)
    doc["migrations_applied"] = [*doc.get("migrations_applied", []), *steps]
    _check_shape(doc)
    if content_sha256(doc["state"]) != doc["content_sha256"]:
        if not ignore_checksum:
            raise SnapshotError(
                f"snapshot {path} is corrupt: content_sha256 does not match",
                hint="--ignore-checksum loads it anyway (not recommended)",
            )
        get_logger("townlet.snapshots").error(
            "snapshot.checksum_ignored", path=str(path)
        )
    if doc.get("consistent") is False and not allow_inconsistent:
        raise SnapshotError(
            f"snapshot {path} was taken after a failure (consistent: false)",
            hint="--allow-inconsistent loads it for debugging",
        )
    return doc


def config_from_document(doc: dict[str, Any]) -> Any:
    """The embedded config, loaded like a file (its named files are re-read)."""
    from townlet.config import load_config

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "embedded.yaml"
        # key order matters (e.g. profile distributions are sampled in order)
        path.write_text(yaml.safe_dump(doc["config"], sort_keys=False))
        return load_config(path)


def differing_keys(a: Any, b: Any, prefix: str = "", limit: int = 20) -> list[str]:
    """Dotted keys whose values differ between two JSON trees (at most ``limit``).

    >>> differing_keys({"a": {"b": 1, "c": 2}}, {"a": {"b": 1, "c": 3}})
    ['a.c']
    """
    out: list[str] = []
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if len(out) >= limit:
                break
            sub = f"{prefix}.{key}" if prefix else str(key)
            if key not in a or key not in b:
                out.append(sub)
            else:
                out += differing_keys(a[key], b[key], sub, limit - len(out))
    elif a != b:
        out.append(prefix or "<root>")
    return out[:limit]


@dataclass
class ResumedRun:
    """A loop restored from a snapshot, with its console and the document header."""

    loop: Any
    console: Any
    config: Any
    header: dict[str, Any]


def resume_simulation(
    doc: dict[str, Any],
    *,
    config: Any = None,
    allow_config_mismatch: bool = False,
    strict_policy: bool = False,
    world: str | None = None,
    policy: str | None = None,
    telemetry: str | None = None,
    run_id: str | None = None,
    console: Any = None,
) -> ResumedRun:
    """Steps 7 to 9: build a fresh loop from ``doc`` and start it at the saved tick.

    Args:
        doc: a document from :func:`read_snapshot`.
        config: a config to resume under (default: the embedded one).
        allow_config_mismatch: accept a config whose ``config_id`` differs.
        strict_policy: refuse a different policy identity instead of warning.
        world: world provider (default: the config's); may differ from the saver's.
        policy: policy provider (default: the config's).
        telemetry: telemetry spec (default ``null``).
        run_id: the new run's id (default: a fresh one).
        console: a console service to attach and restore (default: a new one with
            the config's console settings).

    Raises:
        SnapshotError: a refusal; nothing running was touched.
    """
    from townlet.config import config_id as compute_id
    from townlet.console.service import ConsoleService
    from townlet.core.build import build_simulation, new_run_id

    log = get_logger("townlet.snapshots")
    header = {k: v for k, v in doc.items() if k != "state"}
    if config is None:
        config = config_from_document(doc)
    elif compute_id(config) != doc["config_id"]:
        keys = differing_keys(doc["config"], config.model_dump(mode="json"))
        if not allow_config_mismatch:
            raise SnapshotError(
                "snapshot config differs from the given config: " + ", ".join(keys),
                hint="--allow-config-mismatch resumes anyway (not deterministic)",
            )
        log.warning("snapshot.config_mismatch", keys=keys)
        header["config_mismatch_from"] = doc["config_id"]
    loop = build_simulation(
        config,
        world=world,
        policy=policy,
        telemetry=telemetry or "null",
        seed=int(doc["seed"]),
        run_id=run_id or new_run_id(),
    )
    saved_policy = doc["state"]["policy"] or {}
    from townlet.snapshots.capture import policy_identity

    if policy_identity(loop) != saved_policy:
        if strict_policy:
            raise SnapshotError(
                f"snapshot policy {saved_policy} differs from {policy_identity(loop)}"
            )
        log.warning("snapshot.policy_mismatch", saved=saved_policy)
    service = console or ConsoleService(config.console, run_id=loop.run_id)
    loop.start()
    try:
        service.attach(loop)
        restore_state(loop, doc["state"], service)
        if loop.world.state_hash() != doc["state_hash"]:
            raise SnapshotError(
                "snapshot state_hash does not match after import (a serialization bug)"
            )
    except Exception:
        loop.stop()
        raise
    return ResumedRun(loop, service, config, header)
