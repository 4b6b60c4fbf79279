"""The files a config names: where they are, their contents and their hashes.

A config names its town map, affordance manifest and optional perturbation and
narration files. :class:`ConfigFiles` holds what was read from them: the map text,
the parsed manifest and the sha256 of every file, which config identity uses
instead of paths (operations.md S-1). Relative paths not resolved by a loader
(model defaults, hand-built configs) resolve against the packaged configs
directory, found through ``importlib.resources`` so it works after ``pip install``.

>>> (packaged_configs_dir() / "default.yaml").is_file()
True
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from townlet.config.manifest import Manifest, load_manifest
from townlet.errors import ConfigError

if TYPE_CHECKING:
    from townlet.config.root import TownletConfig

__all__ = [
    "ConfigFiles",
    "file_sha256",
    "packaged_configs_dir",
    "read_files",
    "resolve",
]


def packaged_configs_dir() -> Path:
    """Return the directory of the packaged default configs."""
    return Path(str(resources.files("townlet") / "data" / "configs"))


def resolve(path: str, base: Path | None = None) -> Path:
    """Resolve a config path: absolute as is, relative against ``base``.

    Args:
        path: the path as written.
        base: the directory it is relative to; None = the packaged configs dir.
    """
    candidate = Path(path).expanduser()
    if candidate.is_absolute():
        return candidate
    return (base or packaged_configs_dir()) / candidate


def file_sha256(path: Path, key: str) -> str:
    """Return the hex sha256 of a named file's bytes.

    Raises:
        ConfigError: the file cannot be read, naming ``key``.
    """
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise ConfigError(
            f"{key}: cannot read {path}: {exc.strerror or exc}", file=str(path), key=key
        ) from None


@dataclass(frozen=True)
class ConfigFiles:
    """What a loaded config read from the files it names.

    Attributes:
        source: the config file, or None for a config built in code.
        map_name: the map path as written in the config (used in messages).
        map_path: the resolved map path.
        map_text: the map file's text.
        map_sha256: hex sha256 of the map bytes.
        manifest_path: the resolved manifest path.
        manifest: the validated manifest (its ``sha256`` covers the file bytes).
        extra_sha256: resolved path -> sha256 of the other named files
            (perturbations, narration templates).
    """

    source: Path | None
    map_name: str
    map_path: Path
    map_text: str
    map_sha256: str
    manifest_path: Path
    manifest: Manifest
    extra_sha256: dict[str, str]

    def matches(self, cfg: TownletConfig) -> bool:
        """Whether these files are still the ones ``cfg`` names."""
        return (
            str(self.map_path) == str(resolve(cfg.world.map_file))
            and str(self.manifest_path) == str(resolve(cfg.world.manifest_file))
            and set(self.extra_sha256) == {str(p) for p in _extra_paths(cfg)}
        )


def _extra_paths(cfg: TownletConfig) -> list[Path]:
    paths = []
    if cfg.world.perturbations_file is not None:
        paths.append(resolve(cfg.world.perturbations_file))
    if cfg.telemetry.narration.templates is not None:
        paths.append(resolve(cfg.telemetry.narration.templates))
    return paths


def read_files(
    cfg: TownletConfig,
    *,
    source: Path | None = None,
    names: dict[str, str] | None = None,
) -> ConfigFiles:
    """Read and hash every file ``cfg`` names; validate the manifest.

    Args:
        cfg: a validated config whose paths are absolute or packaged-relative.
        source: the config file it came from, if any.
        names: key -> path as written, for messages (``world.map_file``, ...).

    Raises:
        ConfigError: a file is missing or the manifest is invalid.
    """
    names = names or {}
    map_path = resolve(cfg.world.map_file)
    map_name = names.get("world.map_file", cfg.world.map_file)
    try:
        raw = map_path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"map not found: {map_name} ({exc.strerror or exc})",
            file=map_name,
            key="world.map_file",
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(
            f"invalid map {map_name}: not ASCII text",
            file=map_name,
            key="world.map_file",
            code="map.header",
        ) from None
    manifest_path = resolve(cfg.world.manifest_file)
    manifest = load_manifest(
        manifest_path,
        price_keys=cfg.world.economy.prices,
        name=names.get("world.manifest_file", cfg.world.manifest_file),
    )
    extra = {str(p): file_sha256(p, "file") for p in _extra_paths(cfg)}
    return ConfigFiles(
        source=source,
        map_name=map_name,
        map_path=map_path,
        map_text=text,
        map_sha256=hashlib.sha256(raw).hexdigest(),
        manifest_path=manifest_path,
        manifest=manifest,
        extra_sha256=extra,
    )
