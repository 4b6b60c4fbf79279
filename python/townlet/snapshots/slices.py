"""Replay slices: a snapshot plus a tick range that reproduces a run (operations 3.8).

A slice is the directory ``<name>.replay/`` holding ``manifest.json``
(``{format: "townlet.replay", schema_version: 1, from_tick, to_tick, hash_every,
config_id, policy}``), ``start.json.gz`` (the snapshot at ``from_tick``),
``inputs.jsonl`` (the console input log of the slice: possessed agents' ``act``
commands included) and ``hashes.jsonl`` (``{tick, state_hash}`` every ``hash_every``
ticks). :func:`make_slice` records one by running M ticks from a snapshot;
:func:`replay_slice` re-executes it and reports the first tick whose hash differs.

    make_slice(read_snapshot(path), ticks=300, out_dir=Path("replays/bug.replay"))
    assert replay_slice(Path("replays/bug.replay")).ok
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from townlet.errors import SnapshotError
from townlet.snapshots.format import encode
from townlet.snapshots.load import read_snapshot, resume_simulation

__all__ = ["ReplayReport", "make_slice", "replay_slice"]

REPLAY_FORMAT = "townlet.replay"


@dataclass(frozen=True)
class ReplayReport:
    """The outcome of a replay: ``ok``, or the first divergent tick and both hashes."""

    ticks: int
    diverged_at: int | None = None
    expected: str | None = None
    got: str | None = None

    @property
    def ok(self) -> bool:
        """True when every recorded hash matched."""
        return self.diverged_at is None


def make_slice(
    doc: dict[str, Any],
    ticks: int,
    out_dir: Path,
    hash_every: int = 1,
    world: str | None = None,
) -> Path:
    """Record a slice by running ``ticks`` ticks from snapshot ``doc``.

    Raises:
        SnapshotError: ``out_dir`` exists, or the snapshot is refused.
    """
    if out_dir.exists():
        raise SnapshotError(f"replay slice {out_dir} already exists")
    run = resume_simulation(doc, world=world)
    loop, console = run.loop, run.console
    start_log = len(console.input_log)
    hashes = []
    with loop:
        for _ in range(ticks):
            loop.step()
            if loop.tick % hash_every == 0:
                hashes.append(
                    {"tick": loop.tick, "state_hash": loop.world.state_hash()}
                )
    out_dir.mkdir(parents=True)
    start = dict(doc, kind="slice_start")
    (out_dir / "start.json.gz").write_bytes(encode(start, compress=True))
    manifest = {
        "format": REPLAY_FORMAT,
        "schema_version": 1,
        "from_tick": int(doc["tick"]),
        "to_tick": int(doc["tick"]) + ticks,
        "hash_every": hash_every,
        "config_id": doc["config_id"],
        "policy": doc["state"]["policy"],
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    lines = [json.dumps(e, sort_keys=True) for e in console.input_log[start_log:]]
    (out_dir / "inputs.jsonl").write_text("".join(line + "\n" for line in lines))
    text = "".join(json.dumps(h) + "\n" for h in hashes)
    (out_dir / "hashes.jsonl").write_text(text)
    return out_dir


def replay_slice(slice_dir: Path, world: str | None = None) -> ReplayReport:
    """Re-execute a slice and check every recorded hash.

    Inputs that were already pending in the start snapshot are restored with it and
    not injected again.

    Raises:
        SnapshotError: a missing or malformed slice.
    """
    try:
        manifest = json.loads((slice_dir / "manifest.json").read_text())
        inputs = [
            json.loads(x)
            for x in (slice_dir / "inputs.jsonl").read_text().splitlines()
            if x
        ]
        hashes = [
            json.loads(x)
            for x in (slice_dir / "hashes.jsonl").read_text().splitlines()
            if x
        ]
    except (OSError, ValueError) as err:
        raise SnapshotError(f"invalid replay slice {slice_dir}: {err}") from None
    if manifest.get("format") != REPLAY_FORMAT:
        raise SnapshotError(f"{slice_dir}: not a townlet replay slice")
    doc = read_snapshot(slice_dir / "start.json.gz", allow_inconsistent=True)
    run = resume_simulation(doc, world=world)
    loop, console = run.loop, run.console
    pending = {
        (p["envelope"]["principal"], p["envelope"]["cmd_id"])
        for p in doc["state"]["loop"]["console"]["pending"]
    }
    expected = {h["tick"]: h["state_hash"] for h in hashes}
    with loop:
        for tick in range(int(manifest["from_tick"]) + 1, int(manifest["to_tick"]) + 1):
            for item in inputs:
                if (
                    item["tick"] == tick
                    and (item["principal"], item["cmd_id"]) not in pending
                ):
                    console.submit_local(
                        item["name"],
                        item["args"],
                        principal=item["principal"],
                        cmd_id=item["cmd_id"],
                    )
            loop.step()
            want = expected.get(tick)
            got = loop.world.state_hash()
            if want is not None and want != got:
                return ReplayReport(tick - int(manifest["from_tick"]), tick, want, got)
    return ReplayReport(int(manifest["to_tick"]) - int(manifest["from_tick"]))
