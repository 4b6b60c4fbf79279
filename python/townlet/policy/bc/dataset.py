"""The BC dataset format and its loader (learning.md 7.1); numpy only.

A dataset is a directory with ``manifest.json`` (``format`` ``"townlet.bc"``,
``format_version`` 1, the observation layout identity, ``config_id``, ``seed``,
``towns``, ``ticks``, ``gamma``, ``split``: town index -> ``train``/``val``/
``heldout``, and ``shards``: name, rows, sha256) and ``shard_<nnnnn>.npz`` files of
at most 262,144 rows each. Shard arrays: ``features`` (R, F) f32, ``map`` (R, C, H,
W) f32 (absent for compact), ``mask`` (R, A) int8, ``action`` (R,) int16,
``reward`` (R,) f32, ``terminated``, ``truncated``, ``forced`` (R,) bool,
``value_target`` (R,) f32, ``value_valid`` (R,) bool, ``town`` (R,) int32,
``seat`` (R,) int16, ``uid`` (R,) int64, ``tick`` (R,) int64.

>>> split_towns(8)
('train', 'train', 'train', 'train', 'train', 'train', 'val', 'heldout')
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from townlet.errors import ConfigError
from townlet.policy.checkpoint import check_layout
from townlet.world.layout import ObservationLayout

__all__ = ["FORMAT", "FORMAT_VERSION", "SHARD_ROWS", "Dataset", "load", "split_towns"]

FORMAT = "townlet.bc"
FORMAT_VERSION = 1
SHARD_ROWS = 262_144
"""Most rows per shard."""


def split_towns(towns: int) -> tuple[str, ...]:
    """The split of each town: the last 20 % (at least one) ``heldout``, the last
    remaining town ``val``, the rest ``train``.

    Raises:
        ConfigError: fewer than 3 towns (every split needs one).
    """
    if towns < 3:
        raise ConfigError(
            f"capture --towns: expected at least 3 towns (train, val and heldout "
            f"each need one), got {towns}",
            key="towns",
        )
    heldout = max(1, towns // 5)
    train = towns - heldout - 1
    return ("train",) * train + ("val",) + ("heldout",) * heldout


@dataclass(frozen=True)
class Dataset:
    """A loaded dataset: the manifest and every array, shards concatenated."""

    manifest: dict[str, Any]
    arrays: dict[str, npt.NDArray[Any]]

    @property
    def rows(self) -> int:
        """Number of rows."""
        return len(self.arrays["action"])

    def split_mask(self, name: str) -> npt.NDArray[np.bool_]:
        """Rows whose town belongs to split ``name`` (``train``/``val``/``heldout``)."""
        towns = [int(t) for t, s in self.manifest["split"].items() if s == name]
        return np.isin(self.arrays["town"], np.array(towns, dtype=np.int32))


def load(
    path: str | os.PathLike[str], layout: ObservationLayout | None = None
) -> Dataset:
    """Read a dataset, checking the format, every shard's sha256 and (when
    ``layout`` is given) the observation fingerprint.

    Raises:
        ConfigError: missing or corrupt files, or another layout.
    """
    root = Path(path)
    manifest_path = root / "manifest.json"
    if not manifest_path.is_file():
        raise ConfigError(f"bc dataset: no manifest.json in {root}", file=str(root))
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT or manifest.get("format_version") != (
        FORMAT_VERSION
    ):
        raise ConfigError(
            f"bc dataset: {manifest_path} is not a {FORMAT} v{FORMAT_VERSION} "
            f"manifest (format {manifest.get('format')!r}, version "
            f"{manifest.get('format_version')!r})",
            file=str(manifest_path),
        )
    if layout is not None:
        check_layout(manifest, layout)
    parts: dict[str, list[npt.NDArray[Any]]] = {}
    for shard in manifest["shards"]:
        file = root / shard["name"]
        if not file.is_file():
            raise ConfigError(f"bc dataset: shard {file} is missing", file=str(file))
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        if digest != shard["sha256"]:
            raise ConfigError(
                f"bc dataset: shard {file} is corrupt (sha256 {digest[:12]}, "
                f"manifest says {shard['sha256'][:12]})",
                file=str(file),
            )
        with np.load(file) as npz:
            for key in npz.files:
                parts.setdefault(key, []).append(npz[key])
    arrays = {k: np.concatenate(v) for k, v in parts.items()}
    return Dataset(manifest, arrays)
