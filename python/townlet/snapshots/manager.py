"""Saving snapshots: manual, autosave with retention (operations.md 3.2, 3.6).

A :class:`SnapshotManager` belongs to one loop. :meth:`SnapshotManager.save` captures
the state between ticks and atomically writes
``<root>/<run_id>/t<tick:09d>-<kind or name>.json.gz``. :meth:`SnapshotManager.attach`
adds the autosave hook: after each tick with ``tick % every_ticks == 0`` it saves
kind ``auto`` and then deletes the oldest ``auto``
files of this run beyond ``retain``; manual snapshots are never pruned. S-15: an
autosave captures on the simulation thread and a writer thread (started on the first
autosave) encodes, compresses, writes and prunes; :meth:`SnapshotManager.flush` waits
for it. Manual and failure saves write before they return (their callers answer with
the path, or are about to stop). A failed autosave logs ``snapshot.failed`` at ERROR
and counts, and stops the run (at the next autosave or flush) only with ``strict``.

    manager = SnapshotManager(loop, config, console=service)
    manager.attach()                   # autosave every snapshot.autosave.every_ticks
    manager.save(kind="manual", name="before-blackout")
    manager.flush()                    # wait for the autosaves in flight
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from townlet.errors import SnapshotError
from townlet.snapshots.capture import StateHooks, capture_state
from townlet.snapshots.format import FORMAT, SCHEMA_VERSION, content_sha256, encode
from townlet.snapshots.paths import check_name, confine, snapshot_filename, write_atomic
from townlet.telemetry.log_config import get_logger

__all__ = ["SavedSnapshot", "SnapshotManager", "build_document"]


@dataclass(frozen=True)
class SavedSnapshot:
    """A written snapshot: its path, tick and ``state_hash``."""

    path: Path
    tick: int
    state_hash: str


def build_document(
    loop: Any,
    config: Any,
    *,
    kind: str,
    console: Any = None,
    hooks: StateHooks | None = None,
    parent: dict[str, Any] | None = None,
    consistent: bool = True,
) -> dict[str, Any]:
    """The full snapshot document (header and state) of ``loop`` now."""
    from townlet import __version__

    state = capture_state(loop, console, hooks)
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "townlet_version": __version__,
        "created_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "run_id": loop.run_id,
        "parent": parent,
        "kind": kind,
        "tick": loop.tick,
        "seed": loop.seed,
        "config_id": loop.config_id,
        "config_label": getattr(config, "label", None),
        "config": config.model_dump(mode="json"),
        "policy": state["policy"],
        "state_hash": loop.world.state_hash(),
        "content_sha256": content_sha256(state),
        "migrations_applied": [],
        "consistent": consistent,
        "state": state,
    }


class SnapshotManager:
    """Saves one loop's snapshots under ``root/<run_id>/``.

    Args:
        loop: the simulation loop.
        config: the loop's ``TownletConfig`` (embedded in every snapshot).
        console: the console service whose state goes into ``loop``.
        root: the snapshot root (default ``config.snapshot.root``).
        every_ticks: autosave period (default ``snapshot.autosave.every_ticks``;
            0 disables).
        retain: autosaves kept (default ``snapshot.autosave.retain``).
        compress: write ``.json.gz`` (default ``snapshot.compress``).
        strict: a failed autosave raises instead of logging (``--strict-snapshots``).
    """

    def __init__(
        self,
        loop: Any,
        config: Any,
        *,
        console: Any = None,
        root: str | Path | None = None,
        every_ticks: int | None = None,
        retain: int | None = None,
        compress: bool | None = None,
        strict: bool = False,
    ) -> None:
        snap = config.snapshot
        self.loop = loop
        self.config = config
        self.console = console
        self.root = Path(root if root is not None else snap.root)
        self.roots = [self.root, *(Path(r) for r in snap.extra_roots)]
        self.every_ticks = (
            snap.autosave.every_ticks if every_ticks is None else every_ticks
        )
        self.retain = snap.autosave.retain if retain is None else retain
        self.compress = snap.compress if compress is None else compress
        self.strict = strict
        self.hooks = StateHooks()
        self.parent: dict[str, Any] | None = None
        self.last_autosave: dict[str, Any] | None = None
        self.failures = 0
        self._writer: ThreadPoolExecutor | None = None
        self._pending: list[Future[None]] = []
        self._log = get_logger("townlet.snapshots")

    @property
    def run_dir(self) -> Path:
        """``<root>/<run_id>``."""
        return self.root / check_name(self.loop.run_id)

    def attach(self) -> None:
        """Add the autosave hook to the loop (runs after the console's hook)."""
        self.loop.after_tick_hooks.append(self._autosave)

    def save_failure(self) -> SavedSnapshot | None:
        """After a failed tick: save the state as it stands (kind ``failure``,
        ``consistent: false``) when ``snapshot.on_failure``; never raises.
        """
        if not self.config.snapshot.on_failure:
            return None
        try:
            return self.save(kind="failure", consistent=False)
        except Exception as err:  # the run is failing already; keep its error
            self._log.error("snapshot.failure_save_failed", error=str(err))
            return None

    def save(
        self, kind: str = "manual", name: str | None = None, consistent: bool = True
    ) -> SavedSnapshot:
        """Capture and write a snapshot now (between ticks).

        Raises:
            SnapshotError: a bad name, a path outside the roots, an existing file,
                or a failed write.
        """
        path, doc = self._capture(kind=kind, name=name, consistent=consistent)
        write_atomic(path, encode(doc, self.compress))
        self._log.info("snapshot.saved", path=str(path), kind=kind, tick=doc["tick"])
        return SavedSnapshot(path, int(doc["tick"]), str(doc["state_hash"]))

    def _capture(
        self, kind: str, name: str | None, consistent: bool
    ) -> tuple[Path, dict[str, Any]]:
        """The confined path and the document of the state now (sim thread)."""
        label = check_name(name) if name is not None else kind
        self.root.mkdir(parents=True, exist_ok=True)
        path = confine(
            self.run_dir / snapshot_filename(self.loop.tick, label, self.compress),
            self.roots,
        )
        doc = build_document(
            self.loop,
            self.config,
            kind=kind,
            console=self.console,
            hooks=self.hooks,
            parent=self.parent,
            consistent=consistent,
        )
        if self.console is not None:  # the snapshot holds the log up to here (C-12)
            self.console.trim_input_log(
                len(doc["state"]["loop"]["console"]["input_log"])
            )
        return path, doc

    def _autosave(self, loop: Any, result: Any) -> None:
        """After-tick hook: when due, capture now (S-15: on the simulation thread)
        and hand encoding, compression, the write and pruning to the writer thread.
        """
        if self.every_ticks <= 0 or loop.tick % self.every_ticks != 0:
            return
        self._check_writer()  # a failed earlier write counts (and stops, if strict)
        try:
            path, doc = self._capture(kind="auto", name=None, consistent=True)
        except SnapshotError as err:
            self._failed(loop.tick, err)
            return
        if self._writer is None:  # started on first use, never in the constructor
            self._writer = ThreadPoolExecutor(1, thread_name_prefix="townlet-snapshot")
        self._pending.append(self._writer.submit(self._write_auto, path, doc))

    def _write_auto(self, path: Path, doc: dict[str, Any]) -> None:
        """Writer thread: encode, write atomically, record, prune."""
        write_atomic(path, encode(doc, self.compress))
        self._log.info("snapshot.saved", path=str(path), kind="auto", tick=doc["tick"])
        self.last_autosave = {"path": str(path), "tick": int(doc["tick"])}
        self.prune()

    def _check_writer(self) -> None:
        """Collect finished background writes; a failure is logged and counted."""
        still: list[Future[None]] = []
        for future in self._pending:
            if not future.done():
                still.append(future)
                continue
            err = future.exception()
            if err is not None:
                self._failed(self.loop.tick, err)
        self._pending = still

    def _failed(self, tick: int, err: BaseException) -> None:
        """S-15: a failed save emits ``snapshot.failed`` and counts; it stops the
        run only with ``strict`` (``--strict-snapshots``)."""
        self.failures += 1
        self._log.error("snapshot.failed", tick=tick, error=str(err))
        if self.strict:
            raise err if isinstance(err, SnapshotError) else SnapshotError(str(err))

    def flush(self, timeout_s: float | None = 60.0) -> None:
        """Wait for the background writes (end of a run, tests); raises like an
        autosave would under ``strict``."""
        for future in list(self._pending):
            with suppress(Exception):  # collected below with the other failures
                future.result(timeout=timeout_s)
        self._check_writer()

    def prune(self) -> list[Path]:
        """Delete the oldest ``auto`` files of this run beyond ``retain``."""
        autos = sorted(self.run_dir.glob("t*-auto.json*"))
        doomed = autos[: max(len(autos) - self.retain, 0)]
        for path in doomed:
            path.unlink(missing_ok=True)
        return doomed
