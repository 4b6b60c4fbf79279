"""``townlet bench --vector``: the batched vector API timed from Python (learning.md
4.4, architecture.md 9).

The native backend runs ``--towns`` towns (default 64 x 10 residents), the Python
backend fewer (``--python-towns``, default 2), both hybrid observations in option mode,
driven by the random policy's batched sampler
(:func:`townlet.policy.random.sample_allowed`) from a seeded generator. The timed
part is ``VectorTownlet.step`` (world steps, observations, rewards, infos) plus the
sampling. Agent-steps count live residents. The load average before and after is
printed because other processes share the cores.
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from townlet.policy.random import sample_allowed

__all__ = ["VectorBenchResult", "measure_vector", "vector_bench"]


@dataclass(frozen=True)
class VectorBenchResult:
    """One timed vector run.

    Attributes:
        backend: ``native`` or ``python``.
        towns: T; rows: N; steps: timed steps; threads: requested worker threads.
        agent_steps: live residents summed over the timed steps.
        seconds: wall time of the timed steps.
        cpu_seconds: process CPU time of the timed steps (all threads).
        load_before / load_after: 1-minute load average around the run.
    """

    backend: str
    towns: int
    rows: int
    steps: int
    threads: int
    agent_steps: int
    seconds: float
    cpu_seconds: float
    load_before: float
    load_after: float

    @property
    def agent_steps_per_second(self) -> float:
        """Live agent-steps per wall-clock second."""
        return self.agent_steps / self.seconds if self.seconds > 0 else float("inf")

    def as_dict(self) -> dict[str, Any]:
        """The fields plus ``agent_steps_per_second``."""
        return {**asdict(self), "agent_steps_per_second": self.agent_steps_per_second}


def measure_vector(
    backend: str,
    towns: int,
    steps: int,
    *,
    config: Any = None,
    seed: int = 0,
    threads: int = 0,
    variant: str = "hybrid",
    warmup: int = 20,
) -> VectorBenchResult:
    """Time ``steps`` vector steps of ``towns`` towns on ``backend``.

    >>> r = measure_vector("python", 1, 2, warmup=0)
    >>> (r.rows, r.steps, r.agent_steps)
    (10, 2, 20)
    """
    from townlet.env import VectorTownlet
    from townlet.env.vector import Backend

    name: Backend = "python" if backend == "python" else "native"
    vec = VectorTownlet(
        towns, config, variant, "option", seed, num_threads=threads, backend=name
    )
    obs, _ = vec.reset()
    rng = np.random.default_rng(seed)
    actions = vec.actions
    mask = obs.buffers.action_mask
    alive = obs.buffers.alive
    for _ in range(warmup):
        actions[:] = sample_allowed(mask, rng.random(vec.num_rows))
        vec.step()
    load_before = os.getloadavg()[0]
    live = 0
    cpu = time.process_time()
    start = time.perf_counter()
    for _ in range(steps):
        live += int(np.count_nonzero(alive))
        actions[:] = sample_allowed(mask, rng.random(vec.num_rows))
        vec.step()
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    return VectorBenchResult(
        backend=vec.backend,
        towns=towns,
        rows=vec.num_rows,
        steps=steps,
        threads=threads,
        agent_steps=live,
        seconds=seconds,
        cpu_seconds=cpu,
        load_before=load_before,
        load_after=os.getloadavg()[0],
    )


def vector_bench(
    config_path: Any,
    towns: int,
    python_towns: int,
    steps: int,
    seed: int,
    threads: int,
    json_path: Any,
    min_sps: float | None,
) -> bool:
    """Run and print the vector bench (native, then Python when ``python_towns``);
    returns whether a ``--min-sps`` check failed."""
    import json

    import click

    from townlet.config import load_config
    from townlet.world.native import native_available

    config = load_config(config_path)
    runs = []
    if native_available():
        runs.append(("native", towns))
    if python_towns:
        runs.append(("python", python_towns))
    click.echo(
        "{:<7} {:>5} {:>5} {:>6} {:>14} {:>10} {:>11}".format(
            "backend", "towns", "rows", "steps", "agent-steps/s", "cpu/wall", "load"
        )
    )
    results = []
    for backend, count in runs:
        r = measure_vector(
            backend, count, steps, config=config, seed=seed, threads=threads
        )
        results.append(r)
        click.echo(
            f"{backend:<7} {r.towns:>5} {r.rows:>5} {r.steps:>6} "
            f"{r.agent_steps_per_second:>14,.0f} {r.cpu_seconds / r.seconds:>10.2f} "
            f"{r.load_before:>5.2f}>{r.load_after:<5.2f}"
        )
    ratio = None
    if len(results) == 2:
        ratio = results[0].agent_steps_per_second / results[1].agent_steps_per_second
        click.echo(f"ratio   native/python agent-steps/s = {ratio:,.1f}x")
    if json_path is not None:
        report = {"vector": [r.as_dict() for r in results], "ratio": ratio}
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    failed = False
    for r in results:
        if min_sps is not None and r.agent_steps_per_second < min_sps:
            click.echo(
                f"check failed: {r.backend} vector below --min-sps {min_sps:g}",
                err=True,
            )
            failed = True
    return failed
