"""Checkpoint metadata, identity hash and atomic writes (learning.md 6.4).

A checkpoint is ``ckpt_<update:06d>.pt`` (torch tensors and plain containers only,
so ``torch.load(weights_only=True)`` reads it) plus a JSON sidecar with the same
metadata, ``ckpt_<update:06d>.json``; ``latest.pt`` / ``latest.json`` are copies of
the newest. Everything here works without torch: :func:`read_metadata` reads the
sidecar, :func:`check_layout` refuses a checkpoint built for another observation
layout, and :func:`policy_hash` hashes numpy arrays (the torch side hands it
``tensor.numpy()``).

>>> policy_hash({"w": np.zeros(2, np.float32)})[:12]
'16e0c9e0d350'
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from townlet.errors import ConfigError
from townlet.world.layout import ObservationLayout

__all__ = [
    "ACTION_SCHEMA_VERSION",
    "FORMAT",
    "FORMAT_VERSION",
    "check_layout",
    "checkpoint_path",
    "layout_fields",
    "policy_hash",
    "read_metadata",
    "sidecar_path",
    "versions",
    "write_bytes_atomic",
    "write_json_atomic",
]

FORMAT = "townlet.policy"
FORMAT_VERSION = 1
ACTION_SCHEMA_VERSION = 1
"""learning.md 2.1: option ids never change within this version."""


def checkpoint_path(path: str | os.PathLike[str]) -> Path:
    """The ``.pt`` file meant by ``path``: a directory means its ``latest.pt``, a
    sidecar means its ``.pt``.

    >>> checkpoint_path("runs/a/checkpoints").name, checkpoint_path("x/c.json").name
    ('latest.pt', 'c.pt')
    """
    p = Path(path)
    if p.is_dir() or p.suffix == "":
        return p / "latest.pt"
    return p.with_suffix(".pt")


def sidecar_path(path: str | os.PathLike[str]) -> Path:
    """The JSON sidecar of the checkpoint meant by ``path``.

    >>> sidecar_path("runs/a/ckpt_000003.pt").name
    'ckpt_000003.json'
    """
    return checkpoint_path(path).with_suffix(".json")


def read_metadata(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The sidecar metadata of a checkpoint (no torch needed).

    Args:
        path: the ``.pt``, its ``.json`` sidecar, or a checkpoint directory.

    Raises:
        ConfigError: missing or unreadable sidecar, or not a Townlet checkpoint.
    """
    side = sidecar_path(path)
    if not side.is_file():
        raise ConfigError(
            f"checkpoint: no metadata file {side} (expected the .json sidecar "
            "written next to every .pt)",
            file=str(side),
        )
    try:
        meta = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ConfigError(
            f"checkpoint: cannot read {side}: {err}", file=str(side)
        ) from err
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        found = meta.get("format") if isinstance(meta, dict) else type(meta).__name__
        raise ConfigError(
            f"checkpoint: {side} is not a Townlet policy checkpoint "
            f"(format: expected {FORMAT!r}, got {found!r})",
            file=str(side),
        )
    if meta.get("format_version") != FORMAT_VERSION:
        raise ConfigError(
            f"checkpoint: {side} has format_version {meta.get('format_version')!r}; "
            f"this townlet reads {FORMAT_VERSION}",
            file=str(side),
        )
    return meta


def layout_fields(layout: ObservationLayout) -> dict[str, Any]:
    """The layout identity stored in checkpoints and BC manifests (1.9 rule 5)."""
    return {
        "obs_schema_version": layout.schema_version,
        "obs_fingerprint": layout.fingerprint,
        "variant": layout.variant,
        "action_mode": layout.action_mode,
        "action_schema_version": ACTION_SCHEMA_VERSION,
        "action_names": list(layout.action_names),
        "features": len(layout.features),
        "map_shape": list(layout.map_shape) if layout.map_shape else None,
    }


def check_layout(meta: Mapping[str, Any], layout: ObservationLayout) -> None:
    """Refuse metadata written for another observation layout or action set.

    Raises:
        ConfigError: ``observation layout mismatch: checkpoint <fp12> (<variant>,
            F=<f>) vs env <fp12> (<variant>, F=<f>)``, or an action-name mismatch.
    """
    if meta.get("obs_fingerprint") != layout.fingerprint:
        ours = f"{layout.fingerprint[:12]} ({layout.variant}, F={len(layout.features)})"
        theirs = (
            f"{str(meta.get('obs_fingerprint'))[:12]} "
            f"({meta.get('variant')}, F={meta.get('features')})"
        )
        raise ConfigError(
            f"observation layout mismatch: checkpoint {theirs} vs env {ours}",
            key="observations",
        )
    if list(meta.get("action_names") or ()) != list(layout.action_names):
        raise ConfigError(
            f"action names mismatch: checkpoint {meta.get('action_names')} vs env "
            f"{list(layout.action_names)}",
            key="actions.mode",
        )


def policy_hash(state: Mapping[str, npt.NDArray[Any]]) -> str:
    """sha256 over a state dict: per key in sorted order, the key, the dtype, the
    shape and the little-endian contiguous bytes (learning.md 6.4).

    >>> a = policy_hash({"b": np.ones(1, np.float32), "a": np.zeros(1, np.float32)})
    >>> a == policy_hash({"a": np.zeros(1, np.float32), "b": np.ones(1, np.float32)})
    True
    """
    digest = hashlib.sha256()
    for key in sorted(state):
        array = np.asarray(state[key])
        little = np.ascontiguousarray(array.astype(array.dtype.newbyteorder("<")))
        digest.update(key.encode("utf-8"))
        digest.update(str(array.dtype.name).encode("ascii"))
        digest.update(repr(tuple(array.shape)).encode("ascii"))
        digest.update(little.tobytes())
    return digest.hexdigest()


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, fsync and rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, payload: Mapping[str, Any]) -> None:
    """Write ``payload`` as indented JSON, atomically."""
    text = json.dumps(payload, indent=2, sort_keys=True, allow_nan=False) + "\n"
    write_bytes_atomic(path, text.encode("utf-8"))


def versions(torch_version: str | None = None) -> dict[str, str | None]:
    """The ``versions`` field: townlet, torch (if given) and python."""
    from townlet import __version__

    return {
        "townlet": __version__,
        "torch": torch_version,
        "python": platform.python_version(),
    }
