"""Config identity: :func:`config_id` (operations.md S-1 to S-3).

The id is the lowercase hex sha256 of the canonical JSON (sorted keys, no spaces,
shortest round-trip floats) of the simulation-relevant config: every file path is
replaced by the sha256 of the file's contents, and ``seed``, ``label`` and the
operator-only sections (``telemetry`` except ``narration`` and ``kpi``,
``console``, ``serve``, ``snapshot``, ``log``, ``providers``, ``stability``) and
``training`` (recorded separately by checkpoints, learning.md 6.4) are left out. The id
is therefore the same on every machine and from every working directory.

>>> from townlet.config.loader import load_config
>>> len(config_id(load_config()))
64
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from townlet.config.files import resolve
from townlet.config.root import TownletConfig

__all__ = ["OPERATOR_SECTIONS", "canonical_config", "config_id"]

OPERATOR_SECTIONS: tuple[str, ...] = (
    "seed",
    "label",
    "training",
    "providers",
    "console",
    "serve",
    "snapshot",
    "log",
    "stability",
)
"""Top-level keys excluded from identity (telemetry is trimmed separately)."""


def canonical_config(cfg: TownletConfig) -> dict[str, Any]:
    """Return the identity tree of ``cfg``: paths replaced by content hashes.

    The map and manifest hashes come from the files read at load; the other named
    files (perturbations, narration templates) are hashed from disk.
    """
    tree = cfg.model_dump(mode="json")
    for key in OPERATOR_SECTIONS:
        tree.pop(key, None)
    telemetry = tree.pop("telemetry")
    tree["telemetry"] = {"narration": telemetry["narration"], "kpi": telemetry["kpi"]}
    files = cfg.files
    world = tree["world"]
    world["map_file"] = {"sha256": files.map_sha256}
    world["manifest_file"] = {"sha256": files.manifest.sha256}
    if cfg.world.perturbations_file is not None:
        path = str(resolve(cfg.world.perturbations_file))
        world["perturbations_file"] = {"sha256": files.extra_sha256[path]}
    templates = cfg.telemetry.narration.templates
    if templates is not None:
        path = str(resolve(templates))
        tree["telemetry"]["narration"]["templates"] = {
            "sha256": files.extra_sha256[path]
        }
    return tree


def config_id(cfg: TownletConfig) -> str:
    """Return the identity of ``cfg``: hex sha256 of its canonical JSON.

    Args:
        cfg: a config (its named files are read if it was not loaded from disk).

    Returns:
        64 lowercase hex digits; UIs show the first 12.
    """
    text = json.dumps(
        canonical_config(cfg),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
