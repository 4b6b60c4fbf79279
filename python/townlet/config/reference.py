"""The generated config reference (``docs/config-reference.md``).

:func:`generate_reference` walks the config models and writes one table per
section: every key path with its type, range, default and description. The text
depends only on the models, so ``townlet config doc --check`` (and a test) can tell
when the committed file is stale.

>>> "| `world.time.ticks_per_day` |" in generate_reference()
True
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from townlet.config.base import format_default
from townlet.config.keys import unwrap
from townlet.config.root import TownletConfig

__all__ = ["generate_reference", "reference_is_current", "write_reference"]

INTRO = """\
# Townlet configuration reference

Generated from the models in `python/townlet/config/` by `townlet config doc`; do
not edit by hand (`make test` fails when this file is stale). Every key is
optional; unknown keys are errors that name the closest valid key.

## Layout and loading rules

- **World rules sit under `world:`**, with the key names of `world.md` (whose
  tables give keys relative to `world:`): `world.time`, `world.needs`,
  `world.agents`, `world.personalities`, `world.lifecycle`, `world.embedding`,
  `world.queues`, `world.economy`, `world.jobs`, `world.employment`, `world.exits`,
  `world.relationships`, `world.perturbations`. Learning and operations sections
  sit at the top level: `observations`, `actions`, `controllers`, `rewards`,
  `policy`, `env`, `training`, `providers`, `telemetry`, `console`, `serve`, `snapshot`,
  `log`, plus `seed` and `label`.
- **`world.agents: <int>`** is shorthand for `world.lifecycle.population_target`
  (so `load_config(path, overrides={"world.agents": 20})` works); otherwise
  `world.agents` is the section of initial-agent defaults (names, needs, wallet,
  items). Giving both with different values is an error.
- **Paths.** Relative file paths (`world.map_file`, `world.manifest_file`,
  `world.perturbations_file`, `telemetry.narration.templates`) resolve against the
  directory of the config file that names them; paths given through `overrides` or
  `--set` resolve against the current working directory; model defaults resolve
  against the packaged configs directory (`townlet/data/configs`, found through
  `importlib.resources`). Output paths (`snapshot.root`, `console.audit.path`,
  transport paths) stay relative to the working directory.
- **Layers**, lowest first: model defaults, the YAML file, `overrides`, `--set`
  (the value parsed as YAML). A mapping value merges into a mapping; anything else
  replaces. `world.perturbations_file`, when set, is the base of
  `world.perturbations`, and keys written there merge over it. Built-in
  personality profiles are always present; a profile with a built-in name replaces
  it.
- **Ordered mappings** (items, object types, prices, profiles, distribution,
  perturbation specs) keep file order; that order defines indexes and iteration.
- **Validation.** Values are strict (no string-to-number coercion; integers are
  accepted for floats), floats must be finite, and every problem of a file is
  reported at once, one line per problem sorted by key path:
  `invalid config <file>: <key.path>: <reason> (got <value>) [line <n>]`
  (`[--set]` for values that came from overrides). Checks that span sections
  (start minute against the day length, population target against slots, shifts
  ending before midnight, price spike targets, starting items against the
  manifest, reward guardrails) run once every field is individually valid.
  The checks against the map (job sites and arranged-meet locations name zones,
  the population target fits the beds; world.md 2.6) run only with
  `load_config(..., map_checks=True)`: architecture.md 6 runs 20 agents on the
  10-bed default town, and generated benchmark maps have no zones.
- **The affordance manifest** is validated on load with the error codes of
  world.md 3.7, all problems of the file in document order. Each precondition is
  compiled with the world's expression checker (world.md 3.6; price keys from
  `world.economy.prices`, no `object.*` in item uses); a refused one is a
  `manifest.expression_*` line naming the affordance entry and the column:
  `manifest.expression_name: affordances[2].preconditions[0]: column 1: unknown
  name 'agent.foo' [line 40]`.
- **Identity.** `config_id` is the sha256 of the canonical JSON of the config with
  every named file replaced by the sha256 of its contents, leaving out `seed`,
  `label`, `providers`, `console`, `serve`, `snapshot`, `log` and `telemetry`
  except `telemetry.narration` and `telemetry.kpi` (operations.md S-1, S-2), and
  `training`, which checkpoints record separately (learning.md 6.4). Changing a
  transport, a port or a learning rate never invalidates a snapshot.
"""


def _escape(text: str, *, html: bool = False) -> str:
    text = text.replace("|", "\\|").replace("\n", " ")
    return text.replace("<", "&lt;") if html else text


def _type_name(annotation: Any) -> str:
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin is Literal:
        return " | ".join(f"`{a}`" for a in args)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in args)
    if annotation is type(None):
        return "null"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "section"
    if origin is dict:
        return f"mapping {_type_name(args[0])} -> {_type_name(args[1])}"
    if origin is list or (origin is tuple and len(args) == 2 and args[1] is Ellipsis):
        return f"list of {_type_name(args[0])}"
    if origin is tuple:
        return "[" + ", ".join(_type_name(a) for a in args) + "]"
    if annotation is typing.Any:
        return "any"
    return getattr(annotation, "__name__", str(annotation))


def _bounds(info: FieldInfo) -> str:
    parts = []
    symbols = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}
    for meta in info.metadata:
        for attr, symbol in symbols.items():
            value = getattr(meta, attr, None)
            if value is not None and not isinstance(meta, annotated_types.Len):
                shown = "2**64" if value == 2**64 else format_default(value)
                parts.append(f"{symbol} {shown}")
        multiple = getattr(meta, "multiple_of", None)
        if multiple is not None:
            parts.append(f"multiple of {multiple}")
        min_length = getattr(meta, "min_length", None)
        if min_length:
            parts.append(f"length >= {min_length}")
    return ", ".join(parts)


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "*required*"
    text = info.description or ""
    if " Default: " in text:
        shown = text.rsplit(" Default: ", 1)[1].removesuffix(".")
        return "—" if shown == "the section defaults" else f"`{shown}`"
    value = info.default
    if value is PydanticUndefined and info.default_factory is not None:
        value = info.default_factory()  # type: ignore[call-arg]
    return f"`{format_default(value)}`"


def _doc(info: FieldInfo) -> str:
    text = info.description or ""
    return text.rsplit(" Default: ", 1)[0]


def _sections(
    model: type[BaseModel], path: str
) -> Iterator[tuple[str, type[BaseModel]]]:
    yield path, model
    for name, info in model.model_fields.items():
        inner = unwrap(info.annotation)
        child = f"{path}.{name}" if path else name
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            yield from _sections(inner, child)
            continue
        origin, args = get_origin(inner), get_args(inner)
        element = None
        if origin is dict and len(args) == 2:
            element, child = unwrap(args[1]), f"{child}.<name>"
        elif origin in (list, tuple) and args:
            element, child = unwrap(args[0]), f"{child}[]"
        if isinstance(element, type) and issubclass(element, BaseModel):
            yield from _sections(element, child)


def _table(model: type[BaseModel], path: str) -> list[str]:
    rows = []
    for name, info in model.model_fields.items():
        inner = unwrap(info.annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            continue
        key = f"{path}.{name}" if path else name
        kind = _type_name(info.annotation)
        bounds = _bounds(info)
        if bounds:
            kind = f"{kind}; {bounds}"
        rows.append(
            f"| `{key}` | {_escape(kind)} | {_escape(_default(info))} "
            f"| {_escape(_doc(info), html=True)} |"
        )
    if not rows:
        return []
    return ["| Key | Type | Default | Description |", "|---|---|---|---|", *rows]


def generate_reference() -> str:
    """Return the Markdown config reference generated from the models."""
    out = [INTRO]
    for path, model in _sections(TownletConfig, ""):
        table = _table(model, path)
        if not table:
            continue
        title = path or "top level"
        summary = (model.__doc__ or "").strip().splitlines()[0]
        out.append(f"## `{title}`\n" if path else f"## {title}\n")
        out.append(f"{summary}\n")
        out.append("\n".join(table) + "\n")
    return "\n".join(out)


def write_reference(path: str | Path) -> None:
    """Write the generated reference to ``path``."""
    Path(path).write_text(generate_reference(), encoding="utf-8")


def reference_is_current(path: str | Path) -> bool:
    """Whether the file at ``path`` equals the generated reference."""
    file = Path(path)
    return file.is_file() and file.read_text(encoding="utf-8") == generate_reference()
