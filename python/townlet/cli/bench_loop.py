"""``townlet bench --loop``: the whole simulation loop, native and Python side by side.

Where the plain bench times ``step`` + ``observe`` with random moves, this one times
what ``townlet run`` does per tick: the policy's ``decide`` (the config's, normally
``scripted``), ``world.step``, the reward engine, KPIs, ``observe`` (the config's
variant, normally hybrid) and telemetry (``null`` by default; ``file`` writes JSON
lines to a temporary directory). Each world runs the same config and seed; the towns
are the config's map with ``world.agents`` residents, crowded when they outnumber the
beds (the residents without a bed are homeless, world.md 11), so every count lives in
a real town with shops and jobs.

>>> LoopResult("native", 10, "hybrid", 100, 0.01, 1000, "ab").ticks_per_second
10000.0
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from townlet.cli.bench import BenchResult

__all__ = ["LoopResult", "loop_bench", "loop_config", "measure_loop"]

WARMUP_TICKS = 50


LoopResult = BenchResult
"""A loop measurement has the figures of a step + observe one (``variant`` is the
config's observation variant)."""


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
    variant = str(config.observations.variant)
    return LoopResult(world_name, agents, variant, ticks, seconds, steps, state_hash)


def loop_bench(
    config_path: Path | None,
    counts: list[int],
    worlds: list[str],
    ticks: int,
    seed: int,
    policy: str | None,
    telemetry: str,
    json_path: Path | None,
    min_sps: float | None,
) -> bool:
    """Run and print the loop bench per agent count and world, with the native /
    Python ratio; returns whether a check failed (``--min-sps``, or the two worlds
    ending on different state hashes)."""
    import json
    import tempfile

    import click

    click.echo(
        "{:>6}  {:<7} {:>6} {:>12} {:>14}".format(
            "agents", "world", "ticks", "ticks/s", "agent-steps/s"
        )
    )
    results: list[LoopResult] = []
    ratios: list[dict[str, Any]] = []
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="townlet-bench-loop-") as tmp:
        spec = (
            f"file:{Path(tmp) / 'telemetry.jsonl'}"
            if telemetry == "file"
            else telemetry
        )
        for agents in counts:
            config = loop_config(config_path, agents)
            by_world: dict[str, LoopResult] = {}
            for world in worlds:
                r = measure_loop(
                    world,
                    config,
                    agents=agents,
                    ticks=ticks,
                    seed=seed,
                    policy=policy,
                    telemetry=spec,
                )
                by_world[world] = r
                results.append(r)
                click.echo(
                    f"{agents:>6}  {world:<7} {ticks:>6} {r.ticks_per_second:>12,.0f} "
                    f"{r.agent_steps_per_second:>14,.0f}"
                )
                if min_sps is not None and r.agent_steps_per_second < min_sps:
                    failed.append(f"{world} loop at {agents} agents below --min-sps")
            if len(by_world) == 2:
                native, python = by_world["native"], by_world["python"]
                ratio = python.seconds / native.seconds if native.seconds else 0.0
                same = native.state_hash == python.state_hash
                ratios.append(
                    {"agents": agents, "native_over_python": ratio, "parity": same}
                )
                click.echo(
                    f"{agents:>6}  ratio   native/python = {ratio:,.1f}x; final "
                    f"state_hash {'identical' if same else 'DIFFERENT'}"
                )
                if not same:
                    failed.append(f"loops diverged at {agents} agents")
    if json_path is not None:
        report = {
            "loop": [r.as_dict() for r in results],
            "ratios": ratios,
            "policy": policy,
            "telemetry": telemetry,
        }
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    for line in failed:
        click.echo(f"check failed: {line}", err=True)
    return bool(failed)
