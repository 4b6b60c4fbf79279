"""``NativeWorld``: the thin adapter over the Rust core (``townlet._native.World``).

This module and the vector env are the only ones that import ``townlet._native``. The
adapter converts between the protocol's types and the binding's plain dicts and
arrays; every rule runs in Rust. Argument checks that are pure protocol plumbing
(seed, mode, actions shape, observation buffers) are shared with ``PythonWorld`` so
both refuse bad calls with the same messages.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from townlet.core.types import (
    ActionMode,
    CommandResult,
    ObservationBuffers,
    ObservationSpec,
    StepResult,
    WorldView,
)
from townlet.errors import ConfigError, ProviderError
from townlet.world.observe import check_buffers, observation_spec
from townlet.world.python_world import (
    check_actions,
    check_mode,
    check_seed,
    step_result,
    unknown_command_result,
)
from townlet.world.settings import parse_settings

__all__ = ["NATIVE_MISSING", "NativeWorld", "native_available"]

NATIVE_MISSING = (
    "native world unavailable: townlet._native is not built; "
    "run 'make build' (or use --world python)"
)


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
        self._commands: list[CommandResult] = []

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
        return list(self._world.agent_ids())

    def step(self, actions: npt.NDArray[np.int32], mode: ActionMode) -> StepResult:
        """Advance exactly one tick with one primitive id per row of ``agent_ids()``."""
        check_mode(mode)
        rows = len(self._world.agent_ids())
        array = check_actions(actions, rows)
        ids = np.ascontiguousarray(np.clip(array, -1, 1 << 20), dtype=np.int32)
        out = self._world.step(ids, mode)
        results, self._commands = self._commands, []
        agent_ids = list(out["agent_ids"])
        n = len(agent_ids)
        return step_result(
            int(out["tick"]),
            list(out["events"]),
            agent_ids,
            np.asarray(out["needs_before"], dtype=np.float64).reshape(n, 3),
            np.asarray(out["needs_after"], dtype=np.float64).reshape(n, 3),
            results,
        )

    def observation_spec(
        self, variant: str, mode: ActionMode | None = None
    ) -> ObservationSpec:
        """The spec of ``variant`` (``F = 0`` in this slice); mode: the config's."""
        return observation_spec(variant, mode or self._action_mode)

    def observe(self, buffers: ObservationBuffers) -> None:
        """Write masks, ``alive``, ``uid`` and ``ctx_reset`` for every row, in place."""
        check_buffers(buffers, len(self._world.agent_ids()))
        self._world.observe(
            buffers.action_mask,
            buffers.alive,
            buffers.uid,
            buffers.ctx_reset,
            "primitive",
        )

    def apply_command(self, command: Mapping[str, Any]) -> None:
        """Queue a console command; its (refusing) result comes with the next step."""
        self._commands.append(unknown_command_result(command))

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
