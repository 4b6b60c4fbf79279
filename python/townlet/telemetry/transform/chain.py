"""The transform chain: global transforms, then the transport's own (§1.2).

- ``sections`` (``include`` or ``exclude``): keep or drop whole state sections;
  ``meta`` and ``map`` always stay.
- ``redact`` (``paths``, dotted, ``*`` = any map key): delete fields.
- ``round`` (``decimals``, 4): round floats in state sections.
- ``sample`` (``every_n_ticks``): pass only ticks where ``tick % n == 0``; the
  delta items of skipped ticks carry into the next state that passes.
- ``validate`` (``mode``: off, warn, drop, raise): validate each encoded frame
  (applied by the transport, see :mod:`townlet.telemetry.schema.validate`).

An unknown id or option is a :class:`ConfigError` listing the valid ones. Transforms
never mutate their input: they build new section objects.

>>> chain = build_chain([{"id": "sections", "exclude": ["rewards"]}])
>>> sorted(chain.apply(TickState(1, {}, {"meta": {}, "rewards": {}})).sections)
['meta']
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from townlet.errors import ConfigError
from townlet.telemetry.frames import TickState

__all__ = ["DEFAULT_REDACT", "TRANSFORM_IDS", "TransformChain", "build_chain"]

TRANSFORM_IDS = ("sections", "redact", "round", "sample", "validate")
VALIDATE_MODES = ("off", "warn", "drop", "raise")
DEFAULT_REDACT = ("meta.config_path", "policy.identity.checkpoint_path")
"""Default ``redact`` paths of the ``websocket`` and ``tcp`` transports."""

_KEPT = ("meta", "map")
Step = Callable[[TickState], TickState | None]


def _sections(options: Mapping[str, Any]) -> Step:
    """Keep (``include``) or drop (``exclude``) whole sections."""
    include, exclude = options.get("include"), options.get("exclude")
    if (include is None) == (exclude is None):
        raise ConfigError(
            "transform 'sections' needs exactly one of include or exclude",
            key="telemetry.transforms",
        )

    def keep(key: str) -> bool:
        if key in _KEPT:
            return True
        return key in include if include is not None else key not in (exclude or ())

    def step(state: TickState) -> TickState:
        return replace(
            state, sections={k: v for k, v in state.sections.items() if keep(k)}
        )

    return step


def _delete_path(node: Any, parts: Sequence[str]) -> Any:
    """A copy of ``node`` without the dotted path ``parts`` (``*`` = any key)."""
    if not isinstance(node, Mapping) or not parts:
        return node
    head, rest = parts[0], parts[1:]
    keys = list(node) if head == "*" else [head] if head in node else []
    if not keys:
        return node
    out = dict(node)
    for key in keys:
        if rest:
            out[key] = _delete_path(node[key], rest)
        else:
            del out[key]
    return out


def _redact(options: Mapping[str, Any]) -> Step:
    """Delete the dotted ``paths``."""
    paths = [str(path).split(".") for path in options.get("paths", DEFAULT_REDACT)]

    def step(state: TickState) -> TickState:
        sections: Mapping[str, Any] = state.sections
        for parts in paths:
            sections = _delete_path(sections, parts)
        return replace(state, sections=sections)

    return step


def _round_floats(node: Any, decimals: int) -> Any:
    """Round every float in a JSON tree."""
    if isinstance(node, float):
        return round(node, decimals)
    if isinstance(node, Mapping):
        return {k: _round_floats(v, decimals) for k, v in node.items()}
    if isinstance(node, list | tuple):
        return [_round_floats(v, decimals) for v in node]
    return node


def _round(options: Mapping[str, Any]) -> Step:
    """Round floats in state sections to ``decimals`` (4)."""
    decimals = int(options.get("decimals", 4))
    cache: dict[int, tuple[Any, Any]] = {}

    def step(state: TickState) -> TickState:
        sections = {}
        for key, value in state.sections.items():
            hit = cache.get(id(value))
            if hit is None or hit[0] is not value:
                hit = (value, _round_floats(value, decimals))
                cache[id(value)] = hit
            sections[key] = hit[1]
        if len(cache) > 64:
            cache.clear()
        return replace(state, sections=sections)

    return step


class _Sample:
    """Pass ticks where ``tick % n == 0``; carry the deltas of the others."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.every = int(options.get("every_n_ticks", 1))
        if self.every < 1:
            raise ConfigError(
                f"transform 'sample': every_n_ticks must be >= 1, got {self.every}",
                key="telemetry.transforms",
            )
        self.carry: TickState | None = None

    def __call__(self, state: TickState) -> TickState | None:
        """Withhold off-cadence states, keeping their delta items."""
        if self.carry is not None:
            state, self.carry = state.with_earlier(self.carry), None
        if state.tick % self.every:
            self.carry = state
            return None
        return state


class TransformChain:
    """An ordered list of steps plus the frame validation mode.

    Args:
        steps: state -> state (or ``None`` to skip the state).
        validate_mode: ``off``, ``warn``, ``drop`` or ``raise``.
    """

    def __init__(self, steps: Sequence[Step], validate_mode: str = "off") -> None:
        self.steps = tuple(steps)
        self.validate_mode = validate_mode

    def take_carry(self) -> TickState | None:
        """A state withheld by ``sample`` (delivered at close so nothing is lost)."""
        for step in self.steps:
            if isinstance(step, _Sample) and step.carry is not None:
                state, step.carry = step.carry, None
                return state
        return None

    def apply(self, state: TickState) -> TickState | None:
        """Run the chain; ``None`` when a step withheld the state."""
        out: TickState | None = state
        for step in self.steps:
            if out is None:
                return None
            out = step(out)
        return out


_BUILDERS: dict[str, Callable[[Mapping[str, Any]], Step]] = {
    "sections": _sections,
    "redact": _redact,
    "round": _round,
    "sample": _Sample,
}


def build_chain(
    specs: Sequence[Mapping[str, Any]], *, defaults: Sequence[Mapping[str, Any]] = ()
) -> TransformChain:
    """Build a chain from ``[{id, ...options}]`` (defaults first).

    The validate mode comes from a ``validate`` transform, else from the environment
    variable ``TOWNLET_TELEMETRY_VALIDATE`` (the test suite sets ``raise``), else
    ``off``.

    Raises:
        ConfigError: an unknown transform id or validate mode.
    """
    steps: list[Step] = []
    mode = os.environ.get("TOWNLET_TELEMETRY_VALIDATE", "off")
    for spec in (*defaults, *specs):
        kind = spec.get("id")
        if kind == "validate":
            mode = str(spec.get("mode", "off"))
            continue
        builder = _BUILDERS.get(str(kind))
        if builder is None:
            raise ConfigError(
                f"unknown telemetry transform {kind!r}; valid ids: "
                f"{', '.join(TRANSFORM_IDS)}",
                key="telemetry.transforms",
            )
        steps.append(builder(spec))
    if mode not in VALIDATE_MODES:
        raise ConfigError(
            f"unknown validate mode {mode!r}; valid modes: {', '.join(VALIDATE_MODES)}",
            key="telemetry.transforms",
        )
    return TransformChain(steps, mode)
