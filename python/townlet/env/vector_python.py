"""The vector API's pure-Python backend (learning.md 4.4, ``backend="python"``).

:class:`PythonVector` has the calls of ``townlet._native.Vector`` (``bind``, ``reset``,
``step``, ``events``, ``ticks``, ``state_hash``) and loops over pure-Python worlds
with the same seat rules, seeds and row layout, so both backends write bit-identical
buffers. Each town observes into its own small buffers, whose rows are then copied to
the town's seats.

>>> town_seed_state(5, 2) == 5 ^ fnv1a64(b"town:2")
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from townlet.core.types import ActionMode, ObservationBuffers, ObservationSpec
from townlet.errors import ProviderError
from townlet.world.python_world import PythonWorld
from townlet.world.rng import SplitMix64, fnv1a64

__all__ = ["PythonVector", "town_seed_state"]


def town_seed_state(master_seed: int, index: int) -> int:
    """The SplitMix64 seed of town ``index``: ``master XOR fnv1a64("town:<i>")``."""
    return (master_seed ^ fnv1a64(f"town:{index}".encode("ascii"))) & ((1 << 64) - 1)


def _uid(agent_id: str) -> int:
    """``agent_17`` -> 17."""
    return int(agent_id[6:])


class _Seats:
    """The uid in each seat (None = vacant); newcomers take the lowest free seat."""

    __slots__ = ("uids",)

    def __init__(self, count: int) -> None:
        self.uids: list[int | None] = [None] * count

    def seat_of(self, uid: int) -> int | None:
        """The seat of ``uid``, or None."""
        try:
            return self.uids.index(uid)
        except ValueError:
            return None

    def free(self, uid: int) -> None:
        """Vacate the seat of ``uid`` (if any)."""
        seat = self.seat_of(uid)
        if seat is not None:
            self.uids[seat] = None

    def take(self, uid: int) -> int:
        """Seat ``uid`` in the lowest free seat.

        Raises:
            ProviderError: every seat is taken.
        """
        try:
            seat = self.uids.index(None)
        except ValueError:
            raise ProviderError(
                f"vector seats: no free seat for agent_{uid}: all {len(self.uids)} "
                "seats are taken (raise env.max_population)"
            ) from None
        self.uids[seat] = uid
        return seat


class _Town:
    """One town: a Python world, its seats, seeds and observation scratch."""

    def __init__(
        self, index: int, settings: Mapping[str, Any], seats: int, spec: ObservationSpec
    ) -> None:
        self.index = index
        self.world = PythonWorld(settings)
        self.seats = _Seats(seats)
        self.seeds = SplitMix64(0)
        self.spec = spec
        self.scratch = ObservationBuffers.allocate(spec, rows=2 * seats + 2)
        self.events: list[dict[str, Any]] = []

    def reset(self, master_seed: int) -> None:
        """Restart the seed stream and build the first episode."""
        self.seeds = SplitMix64(town_seed_state(master_seed, self.index))
        self.events = []
        self.new_episode()

    def new_episode(self) -> None:
        """Build the town from the next seed and seat its residents in uid order."""
        self.world.reset(self.seeds.next_u64())
        self.seats = _Seats(len(self.seats.uids))
        for agent_id in self.world.agent_ids():
            self.seats.take(_uid(agent_id))

    def observe_scratch(self) -> ObservationBuffers:
        """Observe every agent row into the scratch buffers (grown when needed)."""
        rows = len(self.world.agent_ids())
        if rows > self.scratch.rows:
            self.scratch = ObservationBuffers.allocate(self.spec, rows=2 * rows)
        self.world.observe(self.scratch)
        return self.scratch


class PythonVector:
    """``townlet._native.Vector`` over pure-Python worlds.

    Args:
        settings: the world settings dict.
        towns: T; seats: S; max_ticks: ``env.max_ticks``; mode: the action mode;
        spec: the observation spec of the variant.
    """

    def __init__(
        self,
        settings: Mapping[str, Any],
        towns: int,
        seats: int,
        max_ticks: int,
        mode: ActionMode,
        spec: ObservationSpec,
    ) -> None:
        self._towns = [_Town(i, settings, seats, spec) for i in range(towns)]
        self._seats = seats
        self._max_ticks = max_ticks
        self._mode: ActionMode = mode
        self._b: dict[str, npt.NDArray[Any]] = {}
        self._is_reset = False

    def bind(self, buffers: Mapping[str, npt.NDArray[Any]]) -> None:
        """Keep the (already checked) buffers."""
        self._b = dict(buffers)

    def reset(self, seed: int) -> None:
        """Build every town from ``seed`` and write the first observations."""
        self._is_reset = True
        self._clear_inputs(slice(None))
        for i, town in enumerate(self._towns):
            town.reset(seed)
            self._observe(i, town)
        self._b["town_reset"].fill(True)

    def step(self, keep_events: bool) -> None:
        """One step of every town with the ``actions`` buffer."""
        if not self._is_reset:
            raise ProviderError("the vector has no towns yet: call reset(seed) first")
        actions = self._b["actions"].copy()
        for i, town in enumerate(self._towns):
            self._b["town_reset"][i] = self._step_town(
                i, town, actions[i * self._seats : (i + 1) * self._seats], keep_events
            )

    def events(self, index: int) -> list[dict[str, Any]]:
        """Town ``index``'s events of the last step (empty unless kept)."""
        return list(self._towns[index].events)

    def ticks(self) -> list[int]:
        """Each town's current tick."""
        return [town.world.tick for town in self._towns]

    def export_state(self, index: int) -> dict[str, Any]:
        """Town ``index``'s canonical state tree."""
        return self._towns[index].world.export_state()

    def state_hash(self, index: int) -> str:
        """Hex sha256 of town ``index``'s state tree."""
        return self._towns[index].world.state_hash()

    def _clear_inputs(self, rows: slice) -> None:
        """Rows as seats that held nobody before the step."""
        b = self._b
        for name in ("terminated", "truncated", "exit_pending", "shift_absent"):
            b[name][rows] = False
        for name in ("needs_before", "needs_after", "wages"):
            b[name][rows] = 0.0
        for name in ("hunger_low_ticks", "shift_start", "terminal"):
            b[name][rows] = 0
        b["spawned"][rows] = True

    def _step_town(
        self, i: int, town: _Town, actions: npt.NDArray[np.int32], keep: bool
    ) -> bool:
        """Step town ``i``; returns whether it rolled over."""
        b, s = self._b, self._seats
        base = i * s
        seats = town.seats
        by_agent = np.array(
            [
                actions[seat] if (seat := seats.seat_of(_uid(a))) is not None else 0
                for a in town.world.agent_ids()
            ],
            dtype=np.int32,
        )
        result = town.world.step(by_agent, self._mode)
        town.events = list(result.events) if keep else []
        rollover = result.tick >= self._max_ticks
        self._clear_inputs(slice(base, base + s))
        ended = {agent_id for agent_id, _ in result.terminated}
        flags = result.flags
        scratch = town.observe_scratch()
        finals: list[tuple[int, int]] = []
        for k, agent_id in enumerate(result.agent_ids):
            seat = seats.seat_of(_uid(agent_id))
            if seat is None:
                continue
            row = base + seat
            dead = agent_id in ended
            b["needs_before"][row] = result.needs_before[k]
            b["needs_after"][row] = result.needs_after[k]
            b["wages"][row] = result.wages[k]
            b["spawned"][row] = False
            b["terminated"][row] = dead
            b["truncated"][row] = rollover and not dead
            b["hunger_low_ticks"][row] = flags.hunger_low_ticks[k]
            b["exit_pending"][row] = flags.exit_pending[k]
            b["shift_start"][row] = flags.shift_start[k]
            b["shift_absent"][row] = flags.shift_absent[k]
            b["terminal"][row] = flags.terminal[k]
            if dead or rollover:
                finals.append((k, row))
        for k, row in finals:
            b["final_features"][row] = scratch.features[k]
            if scratch.map is not None:
                b["final_map"][row] = scratch.map[k]
        if rollover:
            town.new_episode()
        else:
            for agent_id in ended:
                seats.free(_uid(agent_id))
            for agent_id in result.agent_ids:
                uid = _uid(agent_id)
                if agent_id not in ended and seats.seat_of(uid) is None:
                    seats.take(uid)
        self._observe(i, town)
        return rollover

    def _observe(self, i: int, town: _Town) -> None:
        """Write town ``i``'s seats: residents' rows, vacant rows zeroed."""
        b, s = self._b, self._seats
        base = i * s
        scratch = town.observe_scratch()
        rows = slice(base, base + s)
        b["features"][rows] = 0.0
        if b.get("map") is not None:
            b["map"][rows] = 0.0
        b["action_mask"][rows] = 0
        b["action_mask"][rows, 0] = 1
        b["alive"][rows] = False
        b["uid"][rows] = -1
        b["ctx_reset"][rows] = False
        for k, agent_id in enumerate(town.world.agent_ids()):
            seat = town.seats.seat_of(_uid(agent_id))
            if seat is None:
                continue
            row = base + seat
            b["features"][row] = scratch.features[k]
            if scratch.map is not None:
                b["map"][row] = scratch.map[k]
            b["action_mask"][row] = scratch.action_mask[k]
            b["alive"][row] = scratch.alive[k]
            b["uid"][row] = scratch.uid[k]
            b["ctx_reset"][row] = scratch.ctx_reset[k]
