"""S-20: after a resume, the telemetry frames of ticks N+1..N+M equal the unbroken
run's under T-16 (run_id, seq, base_seq, emitted_at, resync, meta, health and totals
removed), the first one being a snapshot. With every world section refreshed each
tick (``telemetry.world_every_ticks: 1``, as ``townlet serve`` runs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from resume_helpers import busy_config, document
from towns import native_built

from townlet.console import ConsoleService
from townlet.console.audit import AuditLog
from townlet.core.build import build_simulation
from townlet.snapshots import resume_simulation
from townlet.telemetry.reader import StreamReader, read_jsonl

NONDETERMINISTIC = {"meta", "health", "totals"}
DELTAS = ("events", "narrations", "console_results")


def by_tick(path: Path) -> dict[int, tuple[dict[str, Any], dict[str, Any], str]]:
    """Per tick: the reconstructed sections, the frame's delta lists, its type."""
    reader = StreamReader()
    out = {}
    for frame in read_jsonl(path):
        if frame["payload_type"] == "end":
            continue
        reader.apply(frame)
        sections = {
            k: v for k, v in reader.sections.items() if k not in NONDETERMINISTIC
        }
        deltas = {k: frame.get(k, []) for k in DELTAS}
        out[int(frame["tick"])] = (sections, deltas, frame["payload_type"])
    return out


def loop_with_file(config: Any, world: str, path: Path, tmp: Path) -> Any:
    loop = build_simulation(config, world=world, telemetry=f"file:{path}", run_id="r")
    console = ConsoleService(
        config.console, run_id="r", audit=AuditLog(tmp / "a.jsonl")
    )
    loop.start()
    console.attach(loop)
    return loop, console


@pytest.mark.skipif(not native_built(), reason="townlet._native is not built")
def test_frames_after_a_resume_equal_the_unbroken_run(tmp_path: Path) -> None:
    n, m = 700, 300
    config = busy_config(seed=3, **{"telemetry.world_every_ticks": 1})
    loop, console = loop_with_file(
        config, "native", tmp_path / "unbroken.jsonl", tmp_path
    )
    loop.run(n)
    doc = document(loop, config, console)
    loop.run(m)
    loop.stop()
    resumed = resume_simulation(
        doc, world="native", telemetry=f"file:{tmp_path / 'resumed.jsonl'}"
    )
    resumed.loop.run(m)
    resumed.loop.stop()
    want = by_tick(tmp_path / "unbroken.jsonl")
    got = by_tick(tmp_path / "resumed.jsonl")
    ticks = sorted(t for t in got if t > n)
    assert ticks == list(range(n + 1, n + m + 1))
    assert got[n + 1][2] == "snapshot"
    for tick in ticks:
        assert got[tick][0] == want[tick][0], f"state sections differ at tick {tick}"
        assert got[tick][1] == want[tick][1], f"delta sections differ at tick {tick}"
