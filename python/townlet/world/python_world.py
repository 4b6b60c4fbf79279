"""``PythonWorld``: the pure-Python ``WorldRuntime`` (architecture.md 2.1 and 5).

It mirrors the Rust core rule for rule, so that for the same settings, seed and
actions both produce the same ``state_hash()`` and events every tick. The class only
adapts the protocol (argument checks, numpy in and out); the rules live in the
modules named after them (``lifecycle``, ``actions``, ``needs``, ``tick``, ...).

``apply_command`` queues a console command; step 3 of the next ``step`` applies the
queue in arrival order (``townlet.world.console``) and the step's result carries one
``CommandResult`` per command.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

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
from townlet.errors import ProviderError
from townlet.world import lifecycle
from townlet.world.agents import Agent
from townlet.world.canonical import canonical_hash
from townlet.world.console import plain
from townlet.world.manifest import ManifestTables
from townlet.world.mapfile import load_map
from townlet.world.obs_context import ObsContext
from townlet.world.observe import observation_spec, write_observations
from townlet.world.settings import parse_settings
from townlet.world.state import WorldState, export_state, import_state, stock_tree
from townlet.world.tick import step as step_tick

__all__ = [
    "PythonWorld",
    "check_actions",
    "check_mode",
    "check_seed",
    "step_result",
    "view_agent",
]

_SEED_LIMIT = 1 << 64
NO_TOWN_YET = "the world has no town yet: call reset(seed) first"


def check_seed(seed: object) -> int:
    """Return ``seed`` if it is an int in ``[0, 2**64)``.

    Raises:
        ProviderError: otherwise.
    """
    if type(seed) is not int or not 0 <= seed < _SEED_LIMIT:
        raise ProviderError(f"seed: expected an int in [0, 2**64), got {seed!r}")
    return seed


def check_mode(mode: str) -> None:
    """Refuse an unknown action mode.

    Raises:
        ProviderError: for a mode other than ``option`` and ``primitive``.
    """
    if mode in ("primitive", "option"):
        return
    raise ProviderError(f"mode: expected 'option' or 'primitive', got {mode!r}")


def check_actions(actions: object, rows: int) -> npt.NDArray[np.int64]:
    """Return ``actions`` as an ``(N,)`` int64 array (Decision D6).

    Raises:
        ProviderError: for another shape or a non-integer dtype.
    """
    array = np.asarray(actions)
    if array.ndim != 1 or array.shape[0] != rows:
        raise ProviderError(
            f"actions: expected shape ({rows},), got {tuple(array.shape)}"
        )
    if array.dtype.kind not in "iu":
        raise ProviderError(
            f"actions: expected an integer array, got {array.dtype.name}"
        )
    return array.astype(np.int64, copy=False)


def row_flags(agents: Sequence[Agent], tick: int) -> RowFlags:
    """The :class:`RowFlags` of ``agents`` after the step of ``tick``."""
    return RowFlags(
        hunger_low_ticks=np.array([a.hunger_low_ticks for a in agents], dtype=np.int32),
        exit_pending=np.array([a.exit_pending for a in agents], dtype=np.bool_),
        shift_start=np.array([a.shift_start_mark for a in agents], dtype=np.int8),
        shift_absent=np.array([a.shift_absent_mark for a in agents], dtype=np.bool_),
        terminal=np.array([a.term_mark for a in agents], dtype=np.int8),
        spawned=np.array([a.spawned_tick == tick for a in agents], dtype=np.bool_),
    )


def step_result(
    tick: int,
    events: list[dict[str, Any]],
    agents: Sequence[Agent],
    command_results: list[CommandResult],
) -> StepResult:
    """Assemble a ``StepResult`` from the agents after the step; ``terminated`` and
    ``spawned`` come from events."""
    n = len(agents)
    return StepResult(
        tick=tick,
        events=events,
        terminated=[
            (e["agent_id"], e["reason"])
            for e in events
            if e["name"] == "agent_terminated"
        ],
        spawned=[e["agent_id"] for e in events if e["name"] == "agent_spawned"],
        command_results=command_results,
        agent_ids=[a.id for a in agents],
        needs_before=np.array(
            [a.needs_before for a in agents], dtype=np.float64
        ).reshape(n, 3),
        needs_after=np.array([a.needs for a in agents], dtype=np.float64).reshape(n, 3),
        wages=np.array([a.wage_paid for a in agents], dtype=np.float64),
        flags=row_flags(agents, tick),
    )


class PythonWorld:
    """The pure-Python world (provider ``"python"``).

    Args:
        settings: the world settings dict (docs/world-state.md section 1).

    Raises:
        ConfigError: for malformed settings (``settings.invalid``) or an invalid map.

    >>> import townlet.world  # doctest: +SKIP
    >>> world = PythonWorld(settings); world.reset(0); world.tick  # doctest: +SKIP
    0
    """

    provider = "python"

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self._settings = parse_settings(settings)
        s = self._settings
        self._manifest = ManifestTables.build(s)
        self._grid = load_map(s.map_name, s.map_text, s.object_types)
        self._state = WorldState(s, self._grid, 0)
        self._obs = ObsContext(s, self._grid)
        self._commands: list[Any] = []
        self._last_events: list[dict[str, Any]] = []
        self._is_reset = False

    def manifest_tables(self) -> dict[str, Any]:
        """The manifest tables by name (docs/world-state.md 1; same as native)."""
        return self._manifest.to_tree(self._settings)

    @property
    def tick(self) -> int:
        """Current tick (0 after ``reset``)."""
        return self._state.tick

    @property
    def day(self) -> int:
        """Zero-based day of the current tick."""
        return self._state.day()

    @property
    def minute(self) -> int:
        """Minute of day of the current tick."""
        return self._state.minute()

    def reset(self, seed: int) -> None:
        """Build the initial town at tick 0 from the settings and ``seed``."""
        state = WorldState(self._settings, self._grid, check_seed(seed))
        state.events.begin(0)
        lifecycle.spawn_initial(state)
        self._state = state
        self._last_events = state.events.events
        self._is_reset = True

    def agent_ids(self) -> list[str]:
        """Agents in uid order: alive ones plus those terminated in the last tick."""
        return [a.id for a in self._state.agents]

    def step(self, actions: npt.NDArray[np.int32], mode: ActionMode) -> StepResult:
        """Advance exactly one tick with one action id (option or primitive, per
        ``mode``) per row of ``agent_ids()``."""
        check_mode(mode)
        if not self._is_reset:
            raise ProviderError(NO_TOWN_YET)
        ids = check_actions(actions, len(self._state.agents)).tolist()
        state = self._state
        commands, self._commands = self._commands, []
        fields = self._obs.targets if mode == "option" else None
        results = step_tick(state, ids, commands, fields)
        self._last_events = state.events.events
        return step_result(state.tick, list(state.events.events), state.agents, results)

    def observation_spec(
        self, variant: str, mode: ActionMode | None = None
    ) -> ObservationSpec:
        """The spec of ``variant`` (learning.md 1.9); mode: the config's."""
        params = self._obs.settings.layout
        return observation_spec(variant, mode or self._settings.action_mode, params)

    def observe(self, buffers: ObservationBuffers) -> None:
        """Write masks, ``alive``, ``uid`` and ``ctx_reset`` for every row, in place."""
        write_observations(self._state, self._obs, buffers)

    def apply_command(self, command: Mapping[str, Any]) -> None:
        """Queue a console command; step 3 of the next step applies it (world.md 16)."""
        self._commands.append(plain(command))

    def export_state(self) -> dict[str, Any]:
        """The canonical state tree (docs/world-state.md section 3)."""
        return export_state(self._state)

    def import_state(self, state: Mapping[str, Any]) -> None:
        """Replace the state by ``state``; ``SnapshotError`` changes nothing."""
        import_state(self._state, state)
        self._last_events = []
        self._is_reset = True

    def state_hash(self) -> str:
        """Hex sha256 of the canonical encoding of ``export_state()``."""
        return canonical_hash(export_state(self._state))

    def view(self) -> WorldView:
        """A read-only view for telemetry and UIs."""
        state, grid = self._state, self._grid
        return WorldView(
            tick=state.tick,
            day=state.day(),
            minute=state.minute(),
            width=grid.width,
            height=grid.height,
            rows=grid.rows,
            agents=tuple(view_agent(state, a) for a in state.agents),
            objects=tuple(
                {
                    "id": o.id,
                    "type": o.type_name,
                    "position": [o.x, o.y],
                    "owner": None if owner is None else f"agent_{owner}",
                    "stock": stock_tree(state, stock),
                }
                for o, owner, stock in zip(
                    grid.objects, state.owners, state.stock, strict=True
                )
            ),
            events=tuple(self._last_events),
        )


def view_agent(state: WorldState, agent: Agent) -> dict[str, Any]:
    """The view record of one agent (the same keys as the native world's view)."""
    items = state.settings.items
    return {
        "id": agent.id,
        "uid": agent.uid,
        "name": agent.name,
        "position": [agent.x, agent.y],
        "alive": agent.alive,
        "needs": {
            "hunger": agent.hunger,
            "hygiene": agent.hygiene,
            "energy": agent.energy,
        },
        "wallet": agent.wallet,
        "items": {item.name: agent.items[k] for k, item in enumerate(items)},
        "profile": agent.profile,
        "home": agent.home,
        "slot": agent.slot,
    }
