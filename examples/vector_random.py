"""The random policy over many towns through the vector API (learning.md 4.4).

    PYTHONPATH=python python examples/vector_random.py --towns 64 --steps 500

Each step samples one allowed action per row with the random policy's batched
sampler, steps every town, and folds the finished resident episodes of ``infos``
into running statistics. Prints agent-steps/s (live residents per wall second) and
the machine's load average, since other processes may share the cores.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from townlet.env import VectorTownlet
from townlet.policy.random import sample_allowed


def main() -> None:
    """Parse arguments, run, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--towns", type=int, default=64)
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--variant", default="hybrid")
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    vec = VectorTownlet(
        args.towns,
        None,
        args.variant,
        "option",
        seed=args.seed,
        num_threads=args.threads,
        backend=args.backend,
    )
    obs, _ = vec.reset()
    rng = np.random.default_rng(args.seed)
    mask, alive = obs.buffers.action_mask, obs.buffers.alive
    live = 0
    ended: list[dict[str, object]] = []
    load = os.getloadavg()[0]
    start = time.perf_counter()
    for _ in range(args.steps):
        live += int(np.count_nonzero(alive))
        vec.actions[:] = sample_allowed(mask, rng.random(vec.num_rows))
        _, _, _, _, infos = vec.step()
        for info in infos:
            ended.extend(info["episodes"])
    seconds = time.perf_counter() - start
    print(
        f"{vec.backend}: {args.towns} towns x {vec.seats} seats, {args.steps} steps, "
        f"{live / seconds:,.0f} agent-steps/s (load {load:.2f} -> "
        f"{os.getloadavg()[0]:.2f}); {len(ended)} resident episodes ended"
    )


if __name__ == "__main__":
    main()
