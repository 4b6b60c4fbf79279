"""Deterministic resume (operations.md S-20): N+M ticks equal N, save, load, M ticks.

Every tick of the M is compared by ``state_hash()``. Three seeds, both providers and
both directions across providers, with every mechanic on (resume_helpers.BUSY), the
random policy (the loop's ``policy`` stream) and console commands pending at save
time. One case saves to a file and resumes in a fresh process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from resume_helpers import busy_config, document, start
from towns import native_built

from townlet.snapshots import resume_simulation
from townlet.snapshots.format import encode

N, M = 300, 300
CASES = [
    (0, "python", "python", "random"),
    (1, "native", "native", "scripted"),
    (2, "native", "python", "random"),
    (3, "python", "native", "scripted"),
]


def _needs_native(*worlds: str) -> None:
    if "native" in worlds and not native_built():
        pytest.skip("townlet._native is not built (run 'make build')")


def _queue_commands(console: Any) -> None:
    """Commands accepted at tick N and applied at N+1, after the save."""
    for name, args in (
        ("setneed", {"agent_id": "agent_2", "needs": {"hunger": 0.05}}),
        ("perturbation_trigger", {"spec": "blackout", "duration": 30}),
        ("teleport", {"agent_id": "agent_1", "position": [0, 0]}),
    ):
        result = console.submit_local(name, args, cmd_id=f"pend-{name}")
        assert result.status == "accepted", result.as_dict()


def _continue(loop: Any, ticks: int) -> list[str]:
    hashes = []
    for _ in range(ticks):
        loop.step()
        hashes.append(loop.world.state_hash())
    return hashes


@pytest.mark.parametrize(("seed", "saver", "loader", "policy"), CASES)
def test_resume_matches_uninterrupted_run(
    seed: int, saver: str, loader: str, policy: str, tmp_path: Path
) -> None:
    _needs_native(saver, loader)
    config = busy_config(seed=seed)
    loop, console = start(config, saver, tmp_path, policy)
    loop.run(N)
    _queue_commands(console)
    doc = document(loop, config, console)
    expected = _continue(loop, M)
    loop.stop()
    resumed = resume_simulation(doc, world=loader, policy=policy)
    assert resumed.loop.tick == N
    assert resumed.console.pending_count == 3
    got = _continue(resumed.loop, M)
    resumed.loop.stop()
    first_bad = next(
        (i for i, (a, b) in enumerate(zip(expected, got, strict=True)) if a != b), None
    )
    assert first_bad is None, f"diverged at tick {N + 1 + (first_bad or 0)}"


@pytest.mark.parametrize("n", [1, 1439, 1440, 5000])
def test_resume_at_day_edges_native(n: int, tmp_path: Path) -> None:
    """S-20's matrix: N in {1, 1439, 1440, 5000}, M = 2,000, scripted policy."""
    _needs_native("native")
    config = busy_config(seed=7)
    loop, console = start(config, "native", tmp_path)
    loop.run(n)
    doc = document(loop, config, console)
    expected = _continue(loop, 2000)
    resumed = resume_simulation(doc, world="native")
    assert _continue(resumed.loop, 2000) == expected


def test_observations_are_recomputed_bit_identical(tmp_path: Path) -> None:
    config = busy_config(seed=4)
    loop, console = start(config, "python", tmp_path)
    loop.run(120)
    doc = document(loop, config, console)
    resumed = resume_simulation(doc, world="python")
    a, b = loop.buffers, resumed.loop.buffers
    assert a is not None
    assert b is not None
    rows = len(loop.world.agent_ids())
    assert np.array_equal(a.features[:rows], b.features[:rows])
    assert np.array_equal(a.action_mask[:rows], b.action_mask[:rows])


RESUME_SCRIPT = """
import json, sys
from townlet.snapshots import read_snapshot, resume_simulation
doc = read_snapshot(sys.argv[1])
run = resume_simulation(doc, world=sys.argv[2], policy="random")
hashes = []
for _ in range(int(sys.argv[3])):
    run.loop.step()
    hashes.append(run.loop.world.state_hash())
print(json.dumps(hashes))
"""


def test_resume_in_a_fresh_process(tmp_path: Path) -> None:
    _needs_native("native")
    config = busy_config(seed=5)
    loop, console = start(config, "native", tmp_path, "random")
    loop.run(200)
    _queue_commands(console)
    path = tmp_path / "snap.json.gz"
    path.write_bytes(encode(document(loop, config, console), compress=True))
    expected = _continue(loop, 100)
    src = str(Path(__file__).resolve().parents[2] / "python")
    out = subprocess.run(
        [sys.executable, "-c", RESUME_SCRIPT, str(path), "python", "100"],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": src, "PATH": "/usr/bin:/bin"},
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == expected
