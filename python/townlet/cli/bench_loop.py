"""``townlet bench --loop``: the whole simulation loop, native and Python side by side.

Where the plain bench times ``step`` + ``observe`` with random moves, this one times
what ``townlet run`` does per tick: the policy's ``decide`` (the config's, normally
``scripted``), ``world.step``, the reward engine, KPIs, ``observe`` (the config's
variant, normally hybrid) and telemetry (``null`` by default; ``file`` writes JSON
lines to a temporary directory). Each world runs the same config and seed; the towns
are the config's map with ``world.agents`` residents, crowded when they outnumber the
beds (the residents without a bed are homeless, world.md 11), so every count lives in
a real town with shops and jobs.

>>> LoopResult("native", 10, 100, 0.01, 1000, "ab").ticks_per_second
10000.0
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["LoopResult", "loop_config", "measure_loop"]

WARMUP_TICKS = 50


@dataclass(frozen=True)
class LoopResult:
    """Figures of one world's loop at one agent count.

    Attributes:
        world: ``native`` or ``python``.
        agents: population target.
        ticks: ticks timed (after a warm-up).
        seconds: wall time of those ticks.
        agent_steps: decisions of alive agents in them.
        state_hash: the world's state hash at the end.
    """

    world: str
    agents: int
    ticks: int
    seconds: float
    agent_steps: int
    state_hash: str

    @property
    def ticks_per_second(self) -> float:
        """Ticks per second."""
        return self.ticks / self.seconds if self.seconds > 0 else float("inf")

    @property
    def agent_steps_per_second(self) -> float:
        """Alive agent decisions per second."""
        return self.agent_steps / self.seconds if self.seconds > 0 else float("inf")

    def as_dict(self) -> dict[str, Any]:
        """JSON-able figures."""
        data = asdict(self)
        data["ticks_per_second"] = self.ticks_per_second
        data["agent_steps_per_second"] = self.agent_steps_per_second
        return data


def loop_config(config_path: Path | None, agents: int) -> Any:
    """The config with ``agents`` residents (and embedding slots for them)."""
    from townlet.config import load_config

    overrides = {
        "world.agents": agents,
        "world.embedding.max_slots": max(64, 2 * agents),
    }
    return load_config(config_path, overrides=overrides)


def measure_loop(
    world_name: str,
    config: Any,
    *,
    agents: int,
    ticks: int,
    seed: int,
    policy: str | None = None,
    telemetry: str = "null",
) -> LoopResult:
    """Build the loop ``townlet run`` builds, warm it up, then time ``ticks`` ticks.

    Args:
        world_name: ``native`` or ``python``.
        config: the config (see :func:`loop_config`).
        agents: population target (for the record).
        ticks: ticks to time.
        seed: master seed.
        policy: policy provider (default: the config's).
        telemetry: telemetry spec, as ``townlet run --telemetry``.
    """
    from townlet.core.build import build_simulation

    loop = build_simulation(
        config, world=world_name, policy=policy, telemetry=telemetry, seed=seed
    )
    with loop:
        loop.run(WARMUP_TICKS)
        steps_before = loop.counters.agent_steps
        start = time.perf_counter()
        loop.run(ticks)
        seconds = time.perf_counter() - start
        steps = loop.counters.agent_steps - steps_before
        state_hash = loop.world.state_hash()
    return LoopResult(world_name, agents, ticks, seconds, steps, state_hash)
