"""Loading a config file with overrides: :func:`load_config` (architecture.md 6).

Layers, lowest first: model defaults, the YAML file, ``overrides`` (Python API),
``set_args`` (``--set key=value``, the value parsed as YAML). File paths written in
the file resolve against the file's directory; paths given by overrides and
``--set`` resolve against the current working directory. When
``world.perturbations_file`` is set, that file is the base of
``world.perturbations`` and keys written there are merged over it.

Errors are :class:`~townlet.errors.ConfigError`: a missing file (with a "did you
mean" hint), invalid YAML (with its line), or every validation problem of the
config at once, one line per problem, sorted by key path (operations.md L-1).

>>> cfg = load_config(overrides={"world.agents": 20})
>>> cfg.world.lifecycle.population_target, cfg.label
(20, 'town-default')
"""

from __future__ import annotations

import copy
import difflib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from townlet.config.base import NO_VALUE
from townlet.config.diagnostics import Finding, collect_findings, describe_value
from townlet.config.files import packaged_configs_dir, read_files
from townlet.config.keys import suggest_key
from townlet.config.map_checks import map_findings
from townlet.config.root import TownletConfig
from townlet.config.source import KeyPath, YamlDocument, format_path, parse_yaml
from townlet.config.world import FILE_KEYS, WorldConfig
from townlet.errors import ConfigError

__all__ = ["DEFAULT_CONFIG", "load_config", "parse_set_arg"]

DEFAULT_CONFIG = "default.yaml"
"""Name of the packaged default config inside the packaged configs directory."""

PATH_KEYS: tuple[KeyPath, ...] = (*FILE_KEYS, ("telemetry", "narration", "templates"))
"""Key paths whose string values are file paths to resolve."""


def parse_set_arg(arg: str) -> tuple[str, Any]:
    """Split ``key.path=value`` and parse the value as YAML.

    >>> parse_set_arg("world.time.start_minute=0")
    ('world.time.start_minute', 0)

    Raises:
        ConfigError: no ``=``, an empty key or a value that is not YAML.
    """
    key, sep, text = arg.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ConfigError(
            f"invalid --set {arg!r}: expected key.path=value",
            hint="e.g. --set world.lifecycle.population_target=20",
        )
    try:
        value = yaml.safe_load(text) if text.strip() else None
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid --set {arg!r}: value is not YAML ({exc})") from None
    return key, value


def load_config(
    path: str | os.PathLike[str] | None = None,
    *,
    overrides: Mapping[str, Any] | None = None,
    set_args: Sequence[str] = (),
    map_checks: bool = False,
) -> TownletConfig:
    """Load, merge and validate a config, and read the files it names.

    Args:
        path: the YAML config; None = the packaged ``default.yaml``.
        overrides: dotted key -> value, applied over the file (``world.agents`` given
            an integer sets ``world.lifecycle.population_target``).
        set_args: ``key.path=value`` strings (``--set``), applied last.
        map_checks: also check the config against the map (world.md 2.6: job sites
            and meet locations name zones, ``config.job_site`` and
            ``config.meet_location``; the population target fits the beds,
            ``config.beds``). Off by default: architecture.md 6 runs 20 agents on
            the 10-bed default town, and benchmark maps have no zones.

    Returns:
        The validated, frozen config with its files attached.

    Raises:
        ConfigError: missing file, bad YAML, unknown keys or invalid values.
    """
    source = _locate(path)
    file = os.fspath(path) if path is not None else str(source)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config {file}: {exc}", file=file) from None
    doc = parse_yaml(text, file, code="config.yaml")
    raw = doc.value if doc.value is not None else {}
    if not isinstance(raw, dict):
        raise ConfigError(
            f"invalid config {file}: expected a mapping at the top level",
            file=file,
            code="config.invalid",
        )
    raw = copy.deepcopy(raw)
    names: dict[str, str] = {}
    _resolve_paths(raw, source.parent, names)
    _fill_default_paths(raw)
    overridden: list[KeyPath] = []
    layers = [(str(k), v) for k, v in (overrides or {}).items()]
    layers += [parse_set_arg(arg) for arg in set_args]
    for key, value in layers:
        overridden.append(_apply_override(raw, key, value, names))
    _merge_perturbations_file(raw, file)
    try:
        cfg = TownletConfig.model_validate(raw)
    except ValidationError as exc:
        findings = collect_findings(exc, TownletConfig)
        raise _invalid(file, findings, doc, overridden) from None
    files = read_files(cfg, source=source, names=names)
    findings = _manifest_findings(cfg, files.manifest.items)
    if map_checks:
        findings += map_findings(cfg, files.map_name, files.map_text, files.manifest)
    if findings:
        raise _invalid(file, findings, doc, overridden)
    cfg.attach_files(files)
    return cfg


def _locate(path: str | os.PathLike[str] | None) -> Path:
    if path is None:
        return packaged_configs_dir() / DEFAULT_CONFIG
    source = Path(path).expanduser()
    if source.is_file():
        return source.resolve()
    hint = None
    folder = source.parent if str(source.parent) else Path(".")
    if folder.is_dir():
        siblings = sorted(
            p.name for p in folder.iterdir() if p.suffix in (".yaml", ".yml")
        )
        close = difflib.get_close_matches(source.name, siblings, n=1, cutoff=0.6)
        if not close and siblings and "default.yaml" in siblings:
            close = ["default.yaml"]
        if close:
            shown = close[0] if str(source.parent) == "." else folder / close[0]
            hint = f"did you mean {shown}?"
    raise ConfigError(f"config not found: {path}", file=str(path), hint=hint)


def _get(tree: Mapping[str, Any], path: KeyPath) -> Any:
    node: Any = tree
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _resolve_paths(tree: dict[str, Any], base: Path, names: dict[str, str]) -> None:
    """Make the file paths present in ``tree`` absolute against ``base``."""
    for key in PATH_KEYS:
        value = _get(tree, key)
        if isinstance(value, str) and value:
            parent = _get(tree, key[:-1])
            names[".".join(map(str, key))] = value
            candidate = Path(value).expanduser()
            parent[key[-1]] = str(
                candidate if candidate.is_absolute() else base / candidate
            )


def _fill_default_paths(raw: dict[str, Any]) -> None:
    """Write absolute packaged paths for file keys the file leaves at their default."""
    world = raw.get("world")
    if world is None:
        world = raw["world"] = {}
    if not isinstance(world, dict):
        return
    for name in ("map_file", "manifest_file"):
        if name not in world:
            default = WorldConfig.model_fields[name].default
            world[name] = str(packaged_configs_dir() / default)


def _apply_override(
    raw: dict[str, Any], key: str, value: Any, names: dict[str, str]
) -> KeyPath:
    parts = tuple(key.split("."))
    if any(not part for part in parts):
        raise ConfigError(f"invalid override key {key!r}", key=key)
    if (
        parts == ("world", "agents")
        and isinstance(value, int)
        and not isinstance(value, bool)
    ):
        parts, value = ("world", "lifecycle", "population_target"), value
    fragment: dict[str, Any] = {}
    node = fragment
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = copy.deepcopy(value)
    _resolve_paths(fragment, Path.cwd(), names)
    _merge(raw, fragment, ())
    return parts


def _merge(base: dict[str, Any], over: Mapping[str, Any], path: KeyPath) -> None:
    for key, value in over.items():
        here = (*path, key)
        current = base.get(key)
        if isinstance(value, Mapping) and isinstance(current, dict):
            _merge(current, value, here)
        elif isinstance(value, Mapping) and key in base and current is not None:
            raise ConfigError(
                f"cannot set {format_path(here)}.{next(iter(value), '')}: "
                f"{format_path(here)} is not a mapping (got {describe_value(current)})",
                key=format_path(here),
            )
        else:
            base[key] = copy.deepcopy(value) if isinstance(value, Mapping) else value


def _merge_perturbations_file(raw: dict[str, Any], file: str) -> None:
    world = raw.get("world")
    if not isinstance(world, dict):
        return
    target = world.get("perturbations_file")
    if not isinstance(target, str):
        return
    path = Path(target)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"invalid config {file}: world.perturbations_file: cannot read "
            f"{target} ({exc.strerror or exc})",
            file=file,
            key="world.perturbations_file",
        ) from None
    base = parse_yaml(text, target, code="config.yaml").value or {}
    if not isinstance(base, dict):
        raise ConfigError(
            f"invalid perturbations file {target}: expected a mapping",
            file=target,
            key="world.perturbations_file",
        )
    inline = world.get("perturbations")
    if isinstance(inline, dict):
        _merge(base, inline, ("world", "perturbations"))
    elif inline is not None:
        return  # a non-mapping value is reported by validation
    world["perturbations"] = base


def _manifest_findings(cfg: TownletConfig, items: Mapping[str, Any]) -> list[Finding]:
    """Check starting inventories against the manifest's items and carry limits."""
    findings = []
    sections = (
        (("world", "agents", "items"), cfg.world.agents.items),
        (
            ("world", "lifecycle", "newcomer", "items"),
            cfg.world.lifecycle.newcomer.items,
        ),
    )
    for path, inventory in sections:
        for name, count in inventory.items():
            spec = items.get(name)
            if spec is None:
                known = ", ".join(items)
                findings.append(
                    Finding((*path, name), f"unknown item (manifest items: {known})")
                )
            elif count > spec.carry_limit:
                findings.append(
                    Finding(
                        (*path, name),
                        f"must be <= carry_limit {spec.carry_limit}",
                        count,
                    )
                )
    return findings


def _invalid(
    file: str, findings: list[Finding], doc: YamlDocument, overridden: list[KeyPath]
) -> ConfigError:
    lines = []
    for finding in sorted(findings, key=lambda f: f.dotted):
        text = f"invalid config {file}: {finding.dotted}: {finding.reason}"
        if finding.value is not NO_VALUE:
            text += f" (got {describe_value(finding.value)})"
        text += _where(finding.path, doc, overridden)
        lines.append(text)
    first = min(findings, key=lambda f: f.dotted)
    hint = None
    if first.reason.startswith("unknown key"):
        suggestion = suggest_key(TownletConfig, first.path)
        hint = f"did you mean {suggestion}?" if suggestion else None
    return ConfigError(
        "\n".join(lines),
        file=file,
        key=first.dotted,
        code=first.code,
        errors=lines,
        hint=hint,
    )


def _where(path: KeyPath, doc: YamlDocument, overridden: list[KeyPath]) -> str:
    for set_path in overridden:
        if path[: len(set_path)] == set_path or set_path[: len(path)] == path:
            return " [--set]"
    line = doc.lines.get(path) or doc.lines.get(path[:-1])
    return f" [line {line}]" if line else ""
