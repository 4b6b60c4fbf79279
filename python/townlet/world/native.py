"""``NativeWorld``: the thin adapter over the Rust core (``townlet._native.World``).

This module and the vector env are the only ones that import ``townlet._native``. The
adapter converts between the protocol's types and the binding's plain dicts and
arrays; every rule runs in Rust. Argument checks that are pure protocol plumbing
(seed, mode, actions shape, observation buffers) are shared with ``PythonWorld`` so
both refuse bad calls with the same messages.

``step`` and ``observe`` are the hot path (docs/performance.md): a well-formed call
goes straight to the binding, which checks what it needs in Rust; the shared Python
checks run only to word the error of a call the binding refused, or to convert
actions that are not already an ``(N,)`` int32 array. What a step produced stays in
Rust until read: ``StepResult.events`` is built on its first read, and ``agent_ids``,
the needs arrays and ``wages`` together on the first read of one of them.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from typing import Any, Generic, TypeVar, overload

import numpy as np
import numpy.typing as npt

from townlet.core.types import (
    ActionMode,
    CommandResult,
    ObservationBuffers,
    ObservationSpec,
    RowFlags,
    StepResult,
    WorldView,
)
from townlet.errors import ConfigError, ProviderError
from townlet.world.console import plain
from townlet.world.obs_context import ObsSettings
from townlet.world.observe import check_buffers, observation_spec
from townlet.world.python_world import (
    check_actions,
    check_mode,
    check_seed,
)
from townlet.world.settings import parse_settings

__all__ = ["NATIVE_MISSING", "NativeWorld", "native_available"]

_T = TypeVar("_T")
_NDARRAY = np.ndarray
_INT32 = np.dtype(np.int32)
_new_object = object.__new__
_set_attribute = object.__setattr__

NATIVE_MISSING = (
    "native world unavailable: townlet._native is not built; "
    "run 'make build' (or use --world python)"
)


def _option_columns(mask: object) -> bool:
    """Whether ``mask`` is an ``(R, 8)`` array: the option mask (learning.md 2.2)."""
    return isinstance(mask, np.ndarray) and mask.ndim == 2 and mask.shape[1] == 8


def _native_module() -> Any:
    try:
        return importlib.import_module("townlet._native")
    except ImportError as exc:
        raise ProviderError(NATIVE_MISSING) from exc


def _settings_json(settings: Mapping[str, Any]) -> str:
    """The settings as strict JSON; a tree JSON cannot hold is refused like the core
    refuses a malformed one (``settings.invalid``), naming the key where possible."""
    try:
        return json.dumps(settings, allow_nan=False)
    except (TypeError, ValueError) as exc:
        parse_settings(settings)  # raises the ConfigError that names the bad key
        raise ConfigError(
            f"invalid world settings: settings: not JSON-able ({exc})",
            key="settings",
            code="settings.invalid",
        ) from exc


def native_available() -> bool:
    """Whether the ``townlet._native`` extension imports."""
    try:
        _native_module()
    except ProviderError:
        return False
    return True


class _Converted(Generic[_T]):
    """A ``StepResult`` field converted from the binding's ``StepRows`` on first read
    and then kept in the instance (a non-data descriptor: the instance dict wins from
    then on). ``events`` converts alone; the row fields convert together, in one call.
    ``functools.cached_property`` would do, but costs 2.5x more per first read on
    Python 3.11 (it takes a lock)."""

    __slots__ = ("name",)

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> _Converted[_T]: ...

    @overload
    def __get__(self, obj: object, objtype: type | None = None) -> _T: ...

    def __get__(
        self, obj: object | None, objtype: type | None = None
    ) -> _T | _Converted[_T]:
        if obj is None:
            return self
        attrs = obj.__dict__
        if self.name == "events":
            attrs["events"] = attrs["_rows"].events()
        else:
            (
                attrs["agent_ids"],
                attrs["needs_before"],
                attrs["needs_after"],
                attrs["wages"],
                flags,
            ) = attrs["_rows"].rows()
            attrs["flags"] = RowFlags(*flags)
        value: _T = attrs[self.name]
        return value


class _NativeStepResult(StepResult):
    """A ``StepResult`` over the binding's ``StepRows``: ``events``, and the row
    fields ``agent_ids``, ``needs_before``, ``needs_after``, ``wages`` and ``flags``,
    are built on their first read, then kept, so a tick whose outputs nobody reads
    converts nothing.
    Pickled (and copied) as the plain ``StepResult`` with the same fields."""

    events = _Converted[list[dict[str, Any]]]()
    agent_ids = _Converted[list[str]]()
    needs_before = _Converted[npt.NDArray[np.float64]]()
    needs_after = _Converted[npt.NDArray[np.float64]]()
    wages = _Converted[npt.NDArray[np.float64]]()
    flags = _Converted[RowFlags]()

    def __reduce__(self) -> tuple[Any, ...]:
        fields = {name: getattr(self, name) for name in StepResult.__dataclass_fields__}
        return (_plain_step_result, (fields,))


def _plain_step_result(fields: dict[str, Any]) -> StepResult:
    """Unpickle a ``_NativeStepResult`` as the plain ``StepResult``."""
    return StepResult(**fields)


class NativeWorld:
    """The Rust world (provider ``"native"``).

    Args:
        settings: the world settings dict (docs/world-state.md section 1).

    Raises:
        ProviderError: when ``townlet._native`` is not built (with the fix).
        ConfigError: for malformed settings or an invalid map (raised by the core).
    """

    provider = "native"

    def __init__(self, settings: Mapping[str, Any]) -> None:
        native = _native_module()
        self._action_mode: str = str(settings.get("actions", {}).get("mode", "option"))
        self._world = native.World(_settings_json(settings))
        # The core checked the section; this parse only reads the layout back.
        self._obs = ObsSettings.parse(settings.get("observations"))
        self._features = 98 + (
            (self._obs.layout.top_friends + self._obs.layout.top_rivals)
            * (self._obs.layout.embed_dim + 3)
            + 4
        )
        # Bound once: these run every tick.
        self._native_step = self._world.step
        self._native_observe = self._world.observe

    @property
    def tick(self) -> int:
        """Current tick (0 after ``reset``)."""
        return int(self._world.tick)

    @property
    def day(self) -> int:
        """Zero-based day of the current tick."""
        return int(self._world.day)

    @property
    def minute(self) -> int:
        """Minute of day of the current tick."""
        return int(self._world.minute)

    def reset(self, seed: int) -> None:
        """Build the initial town at tick 0 from the settings and ``seed``."""
        self._world.reset(check_seed(seed))

    def agent_ids(self) -> list[str]:
        """Agents in uid order: alive ones plus those terminated in the last tick."""
        ids: list[str] = self._world.agent_ids()
        return ids

    def step(self, actions: npt.NDArray[np.int32], mode: ActionMode) -> StepResult:
        """Advance exactly one tick with one action id (option or primitive, per
        ``mode``) per row of ``agent_ids()``."""
        if mode != "primitive":
            check_mode(mode)
        if (
            actions.__class__ is not _NDARRAY
            or actions.dtype is not _INT32
            or actions.ndim != 1
        ):
            actions = self._int32_actions(actions)
        fields = self._native_step(actions, mode)
        fields["command_results"] = [
            CommandResult(
                cmd_id=cmd_id,
                name=name,
                ok=ok,
                code=code,
                message=message,
                data={} if agent_id is None else {"agent_id": agent_id},
            )
            for cmd_id, name, ok, code, message, agent_id in fields.pop(
                "_command_results"
            )
        ]
        # The binding's dict becomes the result's attributes as is (no copy, no
        # frozen-dataclass __init__); the row fields are read through ``_rows``.
        result = _new_object(_NativeStepResult)
        _set_attribute(result, "__dict__", fields)
        return result

    def _int32_actions(self, actions: object) -> npt.NDArray[np.int32]:
        """Check ``actions`` like ``PythonWorld`` does and convert them to int32
        (ids outside int32 are clipped; any id outside ``[0, A)`` acts as 0)."""
        array = check_actions(actions, self._world.agent_count)
        return np.ascontiguousarray(np.clip(array, -1, 1 << 20), dtype=np.int32)

    def observation_spec(
        self, variant: str, mode: ActionMode | None = None
    ) -> ObservationSpec:
        """The spec of ``variant`` (learning.md 1.9); mode: the config's."""
        return observation_spec(variant, mode or self._action_mode, self._obs.layout)

    def observe(self, buffers: ObservationBuffers) -> None:
        """Write every buffer of learning.md 1.8 in place (the core drops the GIL)."""
        try:
            self._native_observe(
                buffers.action_mask,
                buffers.features,
                buffers.map,
                buffers.alive,
                buffers.uid,
                buffers.ctx_reset,
                "option" if _option_columns(buffers.action_mask) else "primitive",
            )
        except ProviderError:
            # Word the refusal like PythonWorld; the binding's own check is stricter
            # (e.g. equal row counts, writeable), so its error stands otherwise.
            check_buffers(
                buffers,
                self._world.agent_count,
                self._features,
                self._obs.layout.window,
            )
            raise

    def apply_command(self, command: Mapping[str, Any]) -> None:
        """Queue a console command; step 3 of the next step applies it (world.md 16).

        The command travels to the core as the JSON text of its plain tree
        (``townlet.world.console.plain``), the same tree ``PythonWorld`` validates.
        """
        self._world.apply_command(json.dumps(plain(command)))

    def manifest_tables(self) -> dict[str, Any]:
        """The manifest tables by name (docs/world-state.md 1; same as python)."""
        tables: dict[str, Any] = self._world.manifest_tables()
        return tables

    def export_state(self) -> dict[str, Any]:
        """The canonical state tree (docs/world-state.md section 3)."""
        state: dict[str, Any] = self._world.export_state()
        return state

    def import_state(self, state: Mapping[str, Any]) -> None:
        """Replace the state by ``state``; ``SnapshotError`` changes nothing."""
        self._world.import_state(dict(state))

    def state_hash(self) -> str:
        """Hex sha256 of the canonical encoding of ``export_state()``."""
        return str(self._world.state_hash())

    def view(self) -> WorldView:
        """A read-only view for telemetry and UIs."""
        v = self._world.view()
        return WorldView(
            tick=int(v["tick"]),
            day=int(v["day"]),
            minute=int(v["minute"]),
            width=int(v["width"]),
            height=int(v["height"]),
            rows=tuple(v["rows"]),
            agents=tuple(v["agents"]),
            objects=tuple(v["objects"]),
            events=tuple(v["events"]),
        )
