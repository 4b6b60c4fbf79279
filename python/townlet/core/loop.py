"""The simulation loop: one tick in a fixed order (architecture.md section 4).

The loop talks to the three protocols only. Per tick it asks the policy for actions
on the observation written at the end of the previous tick, checks them against the
mask it handed out (learning.md 2.5: an action outside the mask runs as 0 and is
counted), steps the world, observes into buffers allocated once, and emits telemetry.
Step 4 runs the reward engine (:mod:`townlet.rewards`) when one is given: its totals
go to ``policy.on_step_end`` and its per-agent breakdown to telemetry as
``loop.rewards``; without an engine the rewards are zeros. Steps of section 4 that
belong to later issues (console queue, autosave) are marked
``SEAM`` below and do nothing yet.

The loop owns the ``policy`` random stream (``Rng.for_stream(seed, "policy")``) and
binds it to stochastic policies, so a run is a pure function of config, seed and
policy on either world.

Lifecycle::

    with SimulationLoop(world, policy, telemetry, ...) as loop:   # start()
        loop.run(1_440)                                           # step() x N
    # stop(): policy.on_episode_end(), telemetry.stop()
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

import numpy as np
import numpy.typing as npt
import structlog

from townlet.core.lifecycle import StartStop
from townlet.core.protocols import (
    PolicyBackend,
    StochasticPolicy,
    TelemetrySink,
    WorldRuntime,
)
from townlet.core.registry import degraded_notices
from townlet.core.types import (
    ObservationBatch,
    ObservationBuffers,
    ObservationSpec,
    ProviderInfo,
    StepResult,
    TelemetryEvent,
)
from townlet.errors import SimulationError
from townlet.policy.kpi import KpiTracker
from townlet.rewards import RewardBreakdown, RewardEngine
from townlet.stability import LoopFeed, StabilityMonitor
from townlet.telemetry.log_config import ensure_logging, get_logger
from townlet.world.rng import Rng

__all__ = [
    "AfterTickHook",
    "BeforeTickHook",
    "LoopCounters",
    "ProgressCallback",
    "SimulationLoop",
    "counters_as_dict",
]

ProgressCallback = Callable[[int, int], None]
"""Called after each tick of :meth:`SimulationLoop.run` with ``(done, total)``."""

BeforeTickHook = Callable[["SimulationLoop", int], None]
"""Step 1 hook: ``(loop, tick)`` before the policy decides (console queue drain)."""

AfterTickHook = Callable[["SimulationLoop", StepResult], None]
"""Step 8 hook: ``(loop, result)`` after telemetry (console results, autosave)."""

POLICY_STREAM = "policy"


@dataclass
class LoopCounters:
    """What the loop has counted since ``start()``.

    Attributes:
        ticks: ticks stepped.
        agent_steps: decisions of alive agents (one per alive row per tick).
        deaths: terminations by reason.
        invalid_actions: actions outside the mask or range, run as action 0.
        buffer_allocations: times the observation buffers were (re)allocated.
    """

    ticks: int = 0
    agent_steps: int = 0
    deaths: Counter[str] = field(default_factory=Counter)
    invalid_actions: int = 0
    buffer_allocations: int = 0


class SimulationLoop(StartStop):
    """Drives one world with one policy and one telemetry sink.

    Args:
        world: the world runtime (any provider).
        policy: the policy backend.
        telemetry: the telemetry sink (started by :meth:`start`).
        world_provider: how the world was resolved.
        policy_provider: how the policy was resolved.
        telemetry_provider: how the sink was resolved.
        seed: master seed for ``world.reset`` and the ``policy`` stream.
        variant: observation variant the policy reads.
        run_id: identifier of this run, published with the providers.
        config_id: identity of the config, published with the providers.
        progress_every_ticks: ticks between ``sim.progress`` INFO log lines
            (operations.md T-53; 0 turns them off).
        rewards: the reward engine (``None``: every reward is 0).
        kpis: the town-life KPI tracker (learning.md 5.4), fed every tick.
        stability: the stability monitor's feed (learning.md 8), fed every tick;
            ``None`` costs nothing.
    """

    def __init__(
        self,
        world: WorldRuntime,
        policy: PolicyBackend,
        telemetry: TelemetrySink,
        *,
        world_provider: ProviderInfo,
        policy_provider: ProviderInfo,
        telemetry_provider: ProviderInfo,
        seed: int = 0,
        variant: str = "compact",
        run_id: str = "run",
        config_id: str = "",
        progress_every_ticks: int = 1440,
        rewards: RewardEngine | None = None,
        kpis: KpiTracker | None = None,
        stability: LoopFeed | None = None,
    ) -> None:
        self._world = world
        self._policy = policy
        self._telemetry = telemetry
        self._providers = (world_provider, policy_provider, telemetry_provider)
        self.seed = seed
        self.variant = variant
        self.run_id = run_id
        self.config_id = config_id
        self.counters = LoopCounters()
        self.progress_every_ticks = progress_every_ticks
        self._progress_mark = (0.0, 0)
        self._policy_rng: Rng | None = None
        self._spec: ObservationSpec | None = None
        self._buffers: ObservationBuffers | None = None
        self._agent_ids: list[str] = []
        self._reward_engine = rewards
        self._kpis = kpis
        self._stability = stability
        self._last_rewards: RewardBreakdown | None = None
        self._rows_arange: npt.NDArray[np.intp] = np.arange(0)
        self._started = False
        self._stopped = False
        self._stop_requested = False
        self.before_tick_hooks: list[BeforeTickHook] = []
        self.after_tick_hooks: list[AfterTickHook] = []
        ensure_logging()
        self._log = get_logger("townlet.loop")

    # -- read-only faces -------------------------------------------------------

    @property
    def world(self) -> WorldRuntime:
        """The world runtime."""
        return self._world

    @property
    def policy(self) -> PolicyBackend:
        """The policy backend."""
        return self._policy

    @property
    def telemetry(self) -> TelemetrySink:
        """The telemetry sink."""
        return self._telemetry

    def wrap_telemetry(self, wrap: Callable[[TelemetrySink], TelemetrySink]) -> None:
        """Replace the sink by ``wrap(sink)``, before :meth:`start` (a UI's event tap).

        Raises:
            SimulationError: when the loop has already started.
        """
        if self._started:
            raise SimulationError("wrap_telemetry: the loop has already started")
        self._telemetry = wrap(self._telemetry)

    @property
    def world_provider(self) -> ProviderInfo:
        """How the world was resolved."""
        return self._providers[0]

    @property
    def policy_provider(self) -> ProviderInfo:
        """How the policy was resolved."""
        return self._providers[1]

    @property
    def telemetry_provider(self) -> ProviderInfo:
        """How the telemetry sink was resolved."""
        return self._providers[2]

    @property
    def tick(self) -> int:
        """The world's current tick (0 after ``start``)."""
        return self._world.tick

    @property
    def policy_rng(self) -> Rng | None:
        """The loop-owned ``policy`` stream (``None`` before ``start``)."""
        return self._policy_rng

    @property
    def buffers(self) -> ObservationBuffers | None:
        """The observation buffers the world writes (``None`` before ``start``)."""
        return self._buffers

    @property
    def reward_engine(self) -> RewardEngine | None:
        """The reward engine, or ``None`` when rewards are zeros."""
        return self._reward_engine

    @property
    def kpis(self) -> KpiTracker | None:
        """The KPI tracker, or ``None`` when KPIs are not measured."""
        return self._kpis

    @property
    def stability(self) -> StabilityMonitor | None:
        """The stability monitor (``monitor.telemetry()`` is the telemetry section
        ``stability``), or ``None`` when it is off."""
        return None if self._stability is None else self._stability.monitor

    @property
    def last_rewards(self) -> RewardBreakdown | None:
        """The reward breakdown of the last tick (``None`` before the first)."""
        return self._last_rewards

    @property
    def is_running(self) -> bool:
        """True between ``start()`` and ``stop()``."""
        return self._started and not self._stopped

    def providers_payload(self) -> dict[str, Any]:
        """``{world, policy, telemetry: {name, requested, is_stub, reason}}``."""
        return {
            info.kind: {
                "name": info.name,
                "requested": info.requested,
                "is_stub": info.is_stub,
                "reason": info.reason,
            }
            for info in self._providers
        }

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> None:
        """Reset the world, bind the policy stream, start telemetry; idempotent.

        Emits ``loop.providers`` once, then the world events of the reset.

        Raises:
            SimulationError: when called after ``stop()``.
        """
        if self._stopped:
            raise SimulationError("simulation loop already stopped; build a new one")
        if self._started:
            return
        self._world.reset(self.seed)
        self._policy_rng = Rng.for_stream(self.seed, POLICY_STREAM)
        if isinstance(self._policy, StochasticPolicy):
            self._policy.bind_rng(self._policy_rng)
        self._spec = self._world.observation_spec(
            self.variant, self._policy.action_mode
        )
        self._agent_ids = self._world.agent_ids()
        self._buffers = self._allocate(self._spec, len(self._agent_ids))
        self._world.observe(self._buffers)
        self._policy.on_episode_start(self._spec, list(self._agent_ids))
        if self._kpis is not None:
            self._kpis.start(self._spec)
        if self._stability is not None:
            self._stability.start(self._spec)
        bind = getattr(self._telemetry, "bind_source", None)
        if callable(bind):  # pipeline sinks read the world, policy and KPIs (step 7)
            bind(self)
        self._telemetry.start()
        self._started = True
        self._progress_mark = (time.perf_counter(), 0)
        notices = degraded_notices(list(self._providers))
        self._emit(
            "loop.providers",
            0,
            {
                "run_id": self.run_id,
                "config_id": self.config_id,
                "seed": self.seed,
                "providers": self.providers_payload(),
                "degraded": notices,
            },
        )
        self._log_degraded()
        self._emit_world_events(self._world.view().events)

    def _log_degraded(self) -> None:
        """An explicitly chosen stub logs at INFO, a fallback at WARNING (D-2)."""
        for info in self._providers:
            chosen = info.requested.partition(":")[0] in (info.name, "none")
            for notice in degraded_notices([info]):
                log = self._log.info if chosen else self._log.warning
                log("loop.provider.degraded", **notice)

    def stop(self) -> None:
        """End the episode and stop telemetry; idempotent, safe without ``start``."""
        if self._stopped:
            return
        self._stopped = True
        try:
            if self._started:
                self._policy.on_episode_end()
        finally:
            self._telemetry.stop()

    def request_stop(self) -> None:
        """Ask :meth:`run` to return after the current tick (used on SIGINT)."""
        self._stop_requested = True

    # -- loop state (snapshots, operations.md 3.1) ------------------------------

    def export_loop_state(self) -> dict[str, Any]:
        """The loop's own state: ``{tick, policy_rng, rewards, kpis}``.

        ``policy_rng`` is the ``policy`` stream as four hex words (``None`` before
        ``start``); ``rewards`` the reward engine's state and ``kpis`` the KPI
        tracker's accumulators (``None`` without one).
        """
        return {
            "tick": self._world.tick,
            "policy_rng": None
            if self._policy_rng is None
            else self._policy_rng.state_hex(),
            "rewards": None
            if self._reward_engine is None
            else self._reward_engine.export_state(),
            "kpis": None if self._kpis is None else self._kpis.export_state(),
        }

    def restore(
        self, world_state: Mapping[str, Any], loop_state: Mapping[str, Any]
    ) -> None:
        """Replace the world and loop state of a started loop (snapshot load).

        The world imports ``world_state`` (it refuses a bad tree unchanged), then the
        ``policy`` stream and reward state are restored, the agent rows re-read and
        the observation recomputed, so the next ``step`` continues the saved run.

        Raises:
            SimulationError: when the loop is not running.
            SnapshotError: the world refused the tree.
        """
        if not self.is_running:
            raise SimulationError("restore needs a started loop; call start() first")
        self._world.import_state(world_state)
        words = loop_state.get("policy_rng")
        if words is not None:
            self._policy_rng = Rng.from_hex(list(words))
            if isinstance(self._policy, StochasticPolicy):
                self._policy.bind_rng(self._policy_rng)
        rewards = loop_state.get("rewards")
        if rewards is not None and self._reward_engine is not None:
            self._reward_engine.import_state(rewards)
        kpis = loop_state.get("kpis")
        if kpis is not None and self._kpis is not None:
            self._kpis.import_state(kpis)
        assert self._spec is not None
        self._agent_ids = self._world.agent_ids()
        self._buffers = self._allocate(self._spec, len(self._agent_ids))
        self._world.observe(self._buffers)
        self._policy.on_episode_start(self._spec, list(self._agent_ids))

    # -- ticks -----------------------------------------------------------------

    def run(self, ticks: int, progress: ProgressCallback | None = None) -> int:
        """Step ``ticks`` times (starting the loop first if needed).

        Args:
            ticks: number of ticks to run (>= 0).
            progress: called after each tick with ``(done, ticks)``.

        Returns:
            The number of ticks run: fewer than ``ticks`` after :meth:`request_stop`.

        Raises:
            SimulationError: a tick failed (``loop.failure`` was emitted first).
        """
        self.start()
        done = 0
        while done < ticks and not self._stop_requested:
            self.step()
            done += 1
            if progress is not None:
                progress(done, ticks)
        return done

    def step(self) -> StepResult:
        """Run one tick in the order of architecture.md section 4.

        Returns:
            The world's :class:`StepResult` for this tick.

        Raises:
            SimulationError: anything inside the tick failed; ``loop.failure`` was
                emitted first and the error names the tick and phase.
        """
        if not self.is_running:
            raise SimulationError("simulation loop is not running; call start() first")
        tick = self._world.tick + 1
        structlog.contextvars.bind_contextvars(tick=tick)
        phase = "decide"
        try:
            # 1. Console queue drain (townlet.console hooks in here).
            phase = "console"
            for before in self.before_tick_hooks:
                before(self, tick)
            phase = "decide"
            actions, alive_rows = self._decide()
            phase = "world.step"
            result = self._world.step(actions, self._policy.action_mode)
            phase = "rewards"
            rewards = self._rewards(result)
            # 5. The stability monitor is fed after step 6, with the alive flags.
            phase = "policy.on_step_end"
            self._policy.on_step_end(result, rewards)
            phase = "world.observe"
            self._observe()
            if self._kpis is not None:
                phase = "kpis"
                self._track(result, rewards)
            if self._stability is not None:
                phase = "stability"
                self._feed_stability(result, rewards)
            phase = "telemetry"
            self._count(result, alive_rows)
            self._emit_tick(result)
            if self.progress_every_ticks and tick % self.progress_every_ticks == 0:
                self._log_progress(tick)
            # 8. Console results, snapshot_save and autosave (hooks).
            phase = "after_tick"
            for after in self.after_tick_hooks:
                after(self, result)
        except Exception as err:
            self._fail(tick, phase, err)
        return result

    def _decide(self) -> tuple[npt.NDArray[np.int32], int]:
        """Step 2: ask the policy, then enforce the mask it was shown."""
        assert self._buffers is not None
        assert self._spec is not None
        rows = len(self._agent_ids)
        batch = ObservationBatch(
            tick=self._world.tick,
            agent_ids=self._agent_ids,
            buffers=self._buffers,
            spec=self._spec,
        )
        actions = np.asarray(self._policy.decide(batch))
        if actions.shape != (rows,):
            raise SimulationError(
                f"policy {self._policy.provider!r} returned actions of shape "
                f"{actions.shape}, expected ({rows},)"
            )
        actions = actions.astype(np.int32, copy=False)
        alive = self._buffers.alive[:rows]
        mask = self._buffers.action_mask[:rows]
        # One reduction checks both bounds: negative ids wrap to huge unsigned ones.
        if rows and int(actions.view(np.uint32).max()) < mask.shape[1]:
            allowed = mask[self._row_index(rows), actions] != 0
        else:
            in_range = (actions >= 0) & (actions < mask.shape[1])
            allowed = np.zeros(rows, dtype=np.bool_)
            row_ids = np.flatnonzero(in_range)
            allowed[row_ids] = mask[row_ids, actions[row_ids]] != 0
        invalid = alive & ~allowed
        if np.count_nonzero(invalid):
            actions = np.where(invalid, 0, actions).astype(np.int32)
            self.counters.invalid_actions += int(invalid.sum())
        if self._stability is not None:
            self._stability.on_decide(self._buffers, actions, rows)
        if self._kpis is not None:
            self._kpis.on_decide(self._world.tick + 1, self._buffers, actions, rows)
        return actions, int(np.count_nonzero(alive))

    def _row_index(self, rows: int) -> npt.NDArray[np.intp]:
        """``arange(rows)``, kept between ticks."""
        if self._rows_arange.shape[0] != rows:
            self._rows_arange = np.arange(rows)
        return self._rows_arange

    def _rewards(self, result: StepResult) -> npt.NDArray[np.float64]:
        """Step 4: the reward engine's totals (zeros without an engine).

        The engine reads the ``StepResult`` arrays; from social stage C1 it asks for
        ``world.export_state()`` on ticks with a chat event (the ties).
        """
        if self._reward_engine is None:
            return np.zeros(len(result.agent_ids), dtype=np.float64)
        breakdown = self._reward_engine.step(result, self._world.export_state)
        self._last_rewards = breakdown
        return breakdown.total.astype(np.float64)

    def _track(self, result: StepResult, rewards: npt.NDArray[np.float64]) -> None:
        """Feed the KPI tracker the tick's rows and their alive flags after the
        step (aligned with ``result.agent_ids``); ``_decide`` fed it the decision.
        """
        assert self._kpis is not None
        assert self._buffers is not None
        rows = len(self._agent_ids)
        self._kpis.on_step(result, rewards, self._buffers.alive[:rows])

    def _feed_stability(
        self, result: StepResult, rewards: npt.NDArray[np.float64]
    ) -> None:
        """Step 5: feed the monitor; emit ``stability.window`` when a window closes
        (its report and the promotion state)."""
        assert self._stability is not None
        assert self._buffers is not None
        alive = self._buffers.alive[: len(self._agent_ids)]
        report = self._stability.on_step(
            result, rewards, alive, self._world.export_state
        )
        if report is not None:
            payload = report.as_dict()
            payload["promotion"] = self._stability.monitor.telemetry()["promotion"]
            self._emit("stability.window", result.tick, payload)

    def _observe(self) -> None:
        """Step 6: observe for the next decision; regrow buffers only when needed."""
        assert self._buffers is not None
        assert self._spec is not None
        self._agent_ids = self._world.agent_ids()
        if len(self._agent_ids) > self._buffers.rows:
            self._buffers = self._allocate(self._spec, len(self._agent_ids))
        self._world.observe(self._buffers)

    def _allocate(self, spec: ObservationSpec, rows: int) -> ObservationBuffers:
        """Allocate buffers for ``rows`` rows and count the allocation."""
        self.counters.buffer_allocations += 1
        return ObservationBuffers.allocate(spec, rows=rows)

    def _count(self, result: StepResult, alive_rows: int) -> None:
        """Update the loop counters from one tick."""
        self.counters.ticks += 1
        self.counters.agent_steps += alive_rows
        for _agent_id, reason in result.terminated:
            self.counters.deaths[reason] += 1

    # -- telemetry -------------------------------------------------------------

    def _emit(self, kind: str, tick: int, payload: Mapping[str, Any]) -> None:
        """Hand one event to the sink."""
        self._telemetry.emit(TelemetryEvent(kind=kind, tick=tick, payload=payload))

    def _emit_world_events(self, events: Any) -> None:
        """Step 7a: world events as ``world.<name>``, each with ``eid = tick:seq``."""
        for event in events:
            payload = {k: v for k, v in event.items() if k not in ("name", "tick")}
            payload["eid"] = f"{event['tick']}:{event['seq']}"
            self._emit(f"world.{event['name']}", int(event["tick"]), payload)

    def _emit_tick(self, result: StepResult) -> None:
        """Step 7: world events, then the ``loop.tick`` summary."""
        assert self._buffers is not None
        self._emit_world_events(result.events)
        if self._last_rewards is not None and self._last_rewards.agent_ids:
            self._emit("loop.rewards", result.tick, self._last_rewards.as_columns())
        rows = len(self._agent_ids)
        self._emit(
            "loop.tick",
            result.tick,
            {
                "day": self._world.day,
                "agents": rows,
                "alive": int(self._buffers.alive[:rows].sum()),
                "events": len(result.events),
                "spawned": len(result.spawned),
                "terminated": len(result.terminated),
            },
        )

    def _log_progress(self, tick: int) -> None:
        """INFO ``sim.progress``: tick, ticks/s since the last line, agents alive."""
        now = time.perf_counter()
        last_time, last_tick = self._progress_mark
        self._progress_mark = (now, tick)
        assert self._buffers is not None
        rows = len(self._agent_ids)
        self._log.info(
            "sim.progress",
            tps=round((tick - last_tick) / max(now - last_time, 1e-9), 1),
            alive=int(self._buffers.alive[:rows].sum()),
            queue_depth=0,  # console queue arrives with the console issue
        )

    def _fail(self, tick: int, phase: str, err: Exception) -> NoReturn:
        """Emit ``loop.failure`` (best effort) and raise :class:`SimulationError`."""
        message = f"tick {tick} failed in {phase}: {type(err).__name__}: {err}"
        try:
            self._emit(
                "loop.failure",
                tick,
                {"phase": phase, "error": type(err).__name__, "message": str(err)},
            )
        except Exception as emit_err:  # the sink may be the failing part
            self._log.error("loop.failure.emit_failed", error=str(emit_err))
        self._log.error("loop.tick.failed", phase=phase, error=str(err))
        raise SimulationError(message) from err


def counters_as_dict(counters: LoopCounters) -> dict[str, Any]:
    """The counters as a JSON-able dict (deaths sorted by reason)."""
    data = dataclasses.asdict(counters)
    data["deaths"] = dict(sorted(counters.deaths.items()))
    return data
