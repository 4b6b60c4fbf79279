"""The snapshot and command flags of ``townlet run`` (operations.md 3.4, 3.6, 5).

``--resume SNAP`` loads a snapshot through the checked sequence (with the load flags
``--no-migrate``, ``--ignore-checksum``, ``--strict-policy``, ``--allow-inconsistent``
and ``--allow-config-mismatch``) and continues for ``--ticks`` more ticks; without
``--config`` or ``--set`` it uses the embedded config. Autosave (S-16) is on by
default, every ``snapshot.autosave.every_ticks`` (1,440) into ``snapshot.root``;
``--snapshot-every N`` changes the period (0: off) and ``--snapshot-dir`` the root.
``--commands SCRIPT`` injects a
script's commands as ``system:script``. ``--record-replay NAME`` records the run as
``replays/NAME.replay`` (docs/snapshots.md 7); ``--replay DIR`` re-executes one
instead of running, exiting 3 at the first divergent tick.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

__all__ = ["RunState", "maybe_replay", "run_state_options", "setup_run_state"]

F = TypeVar("F", bound=Callable[..., Any])

_OPTIONS = [
    click.option(
        "--snapshot-dir",
        type=click.Path(path_type=Path),
        default=None,
        help="Snapshot root (default snapshot.root).",
    ),
    click.option(
        "--snapshot-every",
        type=click.IntRange(min=0),
        default=None,
        help="Autosave every N ticks (0: off; default snapshot.autosave.every_ticks).",
    ),
    click.option(
        "--resume",
        "resume_path",
        type=click.Path(path_type=Path),
        default=None,
        help="Continue from this snapshot.",
    ),
    click.option(
        "--allow-config-mismatch",
        is_flag=True,
        help="Resume under a config whose config_id differs.",
    ),
    click.option("--no-migrate", is_flag=True, help="Refuse older snapshots."),
    click.option("--ignore-checksum", is_flag=True, help="Load a corrupt snapshot."),
    click.option(
        "--strict-policy",
        is_flag=True,
        help="Refuse a snapshot saved with another policy.",
    ),
    click.option(
        "--allow-inconsistent",
        is_flag=True,
        help="Load a failure snapshot (debugging only).",
    ),
    click.option(
        "--strict-snapshots", is_flag=True, help="A failed autosave stops the run."
    ),
    click.option(
        "--record-replay",
        "record_replay",
        default=None,
        metavar="NAME",
        help="Record a replay slice to replays/NAME.replay.",
    ),
    click.option(
        "--replay",
        "replay_dir",
        type=click.Path(path_type=Path),
        default=None,
        help="Re-execute a replay slice; exit 3 on divergence.",
    ),
    click.option(
        "--dump-divergence",
        is_flag=True,
        help="With --replay: at a divergence, write the replayed state and the other "
        "world provider's state at that tick under <snapshot root>/divergence/.",
    ),
    click.option(
        "--commands",
        "commands_path",
        type=click.Path(path_type=Path),
        default=None,
        help="Inject this command script (operations.md 7.1).",
    ),
]


def run_state_options(fn: F) -> F:
    """Decorate ``townlet run`` with the snapshot and command flags."""
    for option in reversed(_OPTIONS):
        fn = option(fn)
    return fn


@dataclass
class RunState:
    """What the flags set up around the loop."""

    loop: Any
    console: Any = None
    snapshots: Any = None
    runner: Any = None
    recorder: Any = None

    def finish(self) -> None:
        """After the run: wait for autosaves in flight, write the replay slice
        being recorded, if any."""
        if self.snapshots is not None:
            self.snapshots.flush()
        if self.recorder is not None:
            self.recorder.finish()


def maybe_replay(options: dict[str, Any], world: str | None) -> int | None:
    """``--replay DIR``: re-execute the slice; the exit code, or ``None`` without it."""
    if options["replay_dir"] is None:
        return None
    from townlet.snapshots.slices import replay_slice

    dump = bool(options.get("dump_divergence"))
    report = replay_slice(options["replay_dir"], world=world, capture=dump)
    if report.ok:
        click.echo(f"replay OK: {report.ticks} ticks, every hash matched", err=True)
        return 0
    click.echo(
        f"error: replay diverged at tick {report.diverged_at}: expected "
        f"{report.expected}, got {report.got}",
        err=True,
    )
    if dump:
        dump_divergence(options["replay_dir"], report)
    return 3


def dump_divergence(slice_dir: Path, report: Any) -> list[Path]:
    """Write the replayed state at the divergent tick, and the same tick replayed on
    the other world provider (bit-identical by design, so the one matching the
    recorded hash is the reference), for ``townlet snapshot diff``.

    Returns:
        The files written (one when the other provider is unavailable).
    """
    from townlet.config import load_config
    from townlet.errors import ProviderError
    from townlet.snapshots.format import encode
    from townlet.snapshots.paths import check_name, confine, write_atomic
    from townlet.snapshots.slices import replay_slice

    root = Path(load_config().snapshot.root)
    name = check_name(Path(slice_dir).name.removesuffix(".replay") or "slice")
    out = confine(root / "divergence" / name, [root])
    out.mkdir(parents=True, exist_ok=True)
    tick = int(report.diverged_at)
    reports = [report]
    other = "python" if report.world == "native" else "native"
    try:
        reports.append(replay_slice(slice_dir, world=other, until=tick, capture=True))
    except ProviderError as err:
        click.echo(f"note: no {other} replay to compare with: {err}", err=True)
    written = []
    for got in reports:
        doc = got.document
        if doc is None:
            continue
        matches = doc["state_hash"] == report.expected
        path = out / f"t{tick:09d}-{got.world}.json.gz"
        path.unlink(missing_ok=True)
        write_atomic(path, encode(doc, True))
        written.append(path)
        verdict = "matches the recording" if matches else "differs from the recording"
        click.echo(f"wrote {path} ({got.world}; {verdict})", err=True)
    if len(written) == 2:
        click.echo(
            f"compare: townlet snapshot diff {written[0]} {written[1]}", err=True
        )
    return written


def setup_run_state(
    options: dict[str, Any],
    config: Any,
    build: Callable[[Any], Any],
    *,
    explicit_config: bool,
    world: str | None,
    policy: str | None,
    telemetry: str,
    run_id: str,
) -> RunState:
    """Build (or resume) the loop and attach console, script and autosave.

    Args:
        options: the flag values of :data:`_OPTIONS` by parameter name.
        config: the loaded config (ignored on resume without ``explicit_config``).
        build: ``config -> loop`` for a fresh run.
        explicit_config: ``--config`` or ``--set`` was given.
        world: ``--world``; policy: ``--policy``; telemetry: ``--telemetry``.
        run_id: the new run's id.

    Raises:
        SnapshotError: a refused snapshot or path (exit 2).
        ConfigError: an invalid script (exit 2).
    """
    from townlet.console.script import ScriptRunner, load_script
    from townlet.console.service import ConsoleService
    from townlet.snapshots import SnapshotManager, read_snapshot, resume_simulation

    script = load_script(options["commands_path"]) if options["commands_path"] else None
    console = None
    parent = None
    if options["resume_path"] is not None:
        doc = read_snapshot(
            options["resume_path"],
            no_migrate=options["no_migrate"],
            ignore_checksum=options["ignore_checksum"],
            allow_inconsistent=options["allow_inconsistent"],
        )
        resumed = resume_simulation(
            doc,
            config=config if explicit_config else None,
            allow_config_mismatch=options["allow_config_mismatch"],
            strict_policy=options["strict_policy"],
            world=world,
            policy=policy,
            telemetry=telemetry,
            run_id=run_id,
        )
        loop, console, config = resumed.loop, resumed.console, resumed.config
        from townlet.snapshots.format import content_sha256

        parent = {
            "run_id": doc["run_id"],
            "snapshot_sha256": content_sha256(doc["state"]),
        }
    else:
        loop = build(config)
    # S-16: autosave every snapshot.autosave.every_ticks (default 1,440) unless
    # --snapshot-every 0 or the config's 0 turns it off; --snapshot-dir alone keeps it.
    every = options["snapshot_every"]
    if every is None:
        every = config.snapshot.autosave.every_ticks
    autosave = every > 0 or options["snapshot_dir"] is not None
    record = options["record_replay"]
    if console is None and (script is not None or autosave or record):
        console = ConsoleService(config.console, run_id=run_id)
        console.attach(loop)
    snapshots = None
    if autosave:
        snapshots = SnapshotManager(
            loop,
            config,
            console=console,
            root=options["snapshot_dir"],
            every_ticks=every,
            strict=options["strict_snapshots"],
        )
        snapshots.parent = parent
        snapshots.attach()
        if console is not None:
            console.snapshots = snapshots
    runner = None
    if script is not None:
        runner = ScriptRunner(script, console, principal="system:script")
        runner.attach(loop)
    recorder = None
    if record:
        from townlet.snapshots.paths import check_name
        from townlet.snapshots.slices import SliceRecorder

        out = Path("replays") / f"{check_name(record)}.replay"
        recorder = SliceRecorder(loop, config, console, out)
    return RunState(loop, console, snapshots, runner, recorder)
