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
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from townlet.errors import SnapshotError
from townlet.snapshots.format import encode
from townlet.snapshots.load import read_snapshot, resume_simulation

__all__ = ["ReplayReport", "SliceRecorder", "make_slice", "replay_slice"]

REPLAY_FORMAT = "townlet.replay"


@dataclass(frozen=True)
class ReplayReport:
    """The outcome of a replay: ``ok``, or the first divergent tick and both hashes.

    ``document`` is the snapshot document of the replayed state where the replay
    stopped (at the divergence, or at ``until``) when one was asked for; ``world``
    names the provider that replayed.
    """

    ticks: int
    diverged_at: int | None = None
    expected: str | None = None
    got: str | None = None
    document: dict[str, Any] | None = None
    world: str | None = None

    @property
    def ok(self) -> bool:
        """True when every recorded hash matched."""
        return self.diverged_at is None


class SliceRecorder:
    """Records a slice while a loop runs (``townlet run --record-replay NAME``).

    Attach it before the run (after any script runner): it captures the start
    snapshot at phase 1 of the first tick, before anything is injected, records the
    hashes after each tick, and :meth:`finish` writes the directory.

    Args:
        loop: the running loop.
        config: its config (embedded in the start snapshot).
        console: its console (the input log is recorded from it).
        out_dir: the slice directory (must not exist).
        hash_every: record a hash every N ticks.
    """

    def __init__(
        self, loop: Any, config: Any, console: Any, out_dir: Path, hash_every: int = 1
    ) -> None:
        if out_dir.exists():
            raise SnapshotError(f"replay slice {out_dir} already exists")
        self.loop, self.config, self.console = loop, config, console
        self.out_dir = out_dir
        self.hash_every = hash_every
        self.start: dict[str, Any] | None = None
        self.inputs: list[dict[str, Any]] = []
        self.hashes: list[dict[str, Any]] = []
        loop.before_tick_hooks.insert(0, self._capture)
        loop.after_tick_hooks.insert(0, self._record)  # before autosave trims the log

    def _capture(self, loop: Any, tick: int) -> None:
        """Before-tick hook: take the start snapshot once, before any injection."""
        from townlet.snapshots.manager import build_document

        if self.start is None:
            self.start = build_document(
                loop, self.config, kind="slice_start", console=self.console
            )

    def _record(self, loop: Any, result: Any) -> None:
        """After-tick hook: keep this tick's inputs, and the hash when due.

        The inputs are copied here because the console's input log is trimmed
        whenever a snapshot is saved.
        """
        log = self.console.input_log
        i = len(log)
        while i > 0 and log[i - 1]["applied_tick"] == loop.tick:
            i -= 1
        self.inputs.extend(log[i:])
        if loop.tick % self.hash_every == 0:
            self.hashes.append(
                {"tick": loop.tick, "state_hash": loop.world.state_hash()}
            )

    def finish(self) -> Path:
        """Write the slice: manifest, start snapshot, inputs and hashes."""
        doc, out = self.start, self.out_dir
        if doc is None:
            raise SnapshotError("replay slice: the run stopped before its first tick")
        out.mkdir(parents=True)
        (out / "start.json.gz").write_bytes(encode(doc, compress=True))
        manifest = {
            "format": REPLAY_FORMAT,
            "schema_version": 1,
            "from_tick": int(doc["tick"]),
            "to_tick": int(self.loop.tick),
            "hash_every": self.hash_every,
            "config_id": doc["config_id"],
            "policy": doc["state"]["policy"],
        }
        (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        lines = [json.dumps(e, sort_keys=True) + "\n" for e in self.inputs]
        (out / "inputs.jsonl").write_text("".join(lines))
        text = "".join(json.dumps(h) + "\n" for h in self.hashes)
        (out / "hashes.jsonl").write_text(text)
        return out


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
    recorder = SliceRecorder(run.loop, run.config, run.console, out_dir, hash_every)
    recorder.start = dict(doc, kind="slice_start")
    with run.loop:
        run.loop.run(ticks)
    return recorder.finish()


def replay_slice(
    slice_dir: Path,
    world: str | None = None,
    *,
    until: int | None = None,
    capture: bool = False,
) -> ReplayReport:
    """Re-execute a slice and check every recorded hash.

    Inputs that were already pending in the start snapshot are restored with it and
    not injected again.

    Args:
        slice_dir: the ``.replay`` directory.
        world: the provider to replay on (default: the config's).
        until: stop after this tick even if every hash matched.
        capture: put the snapshot document of the state where the replay stopped
            (a divergence, ``until`` or the end) into the report.

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
    start, end = int(manifest["from_tick"]), int(manifest["to_tick"])
    if until is not None:
        end = min(end, until)
    provider = loop.world_provider.name

    def stopped(report: ReplayReport) -> ReplayReport:
        document = None
        if capture:
            from townlet.snapshots.manager import build_document

            document = build_document(loop, run.config, kind="manual", console=console)
        return replace(report, document=document, world=provider)

    with loop:
        for tick in range(start + 1, end + 1):
            for item in inputs:
                if (
                    item["applied_tick"] == tick
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
                return stopped(ReplayReport(tick - start, tick, want, got))
        return stopped(ReplayReport(end - start))
