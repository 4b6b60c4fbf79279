"""``townlet snapshot inspect|diff|migrate|slice|replay`` (operations.md 3.5, 3.8, 3.9).

``inspect`` prints the header, identity, counts, pending commands and migrations
needed, recomputes ``content_sha256`` and says ``OK`` or ``CORRUPT`` (exit 2). ``diff``
exits 0 when the two files are identical and 3 when they differ. ``migrate`` writes
the upgraded file (``--in-place`` keeps ``IN.bak``). ``slice`` records a replay slice
by running M ticks; ``replay`` re-executes one and exits 3 at the first divergence.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import click

from townlet.cli.main import EXIT_BAD_INPUT, EXIT_CHECK_FAILED
from townlet.errors import SnapshotError

__all__ = ["snapshot"]


def _read_raw(path: Path) -> dict[str, Any]:
    """Decode a snapshot without migrating or checking it."""
    from townlet.snapshots.format import decode

    try:
        return decode(path.read_bytes())
    except OSError as err:
        raise SnapshotError(f"cannot read snapshot {path}: {err}") from None


@click.group()
def snapshot() -> None:
    """Inspect, compare, migrate and slice snapshot files."""


@snapshot.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def inspect(ctx: click.Context, path: Path, as_json: bool) -> None:
    """Header, identity, counts and checksum of a snapshot (exit 2 when corrupt)."""
    from townlet.snapshots.format import content_sha256
    from townlet.snapshots.migrations import MIGRATIONS

    doc = _read_raw(path)
    state = doc.get("state") or {}
    world = state.get("world") or {}
    console = (state.get("loop") or {}).get("console") or {}
    ok = content_sha256(state) == doc.get("content_sha256")
    version = doc.get("schema_version")
    info = {
        "path": str(path),
        "checksum": "OK" if ok else "CORRUPT",
        "schema_version": version,
        "migrations_needed": MIGRATIONS.needed(version)
        if isinstance(version, int)
        else [],
        "kind": doc.get("kind"),
        "tick": doc.get("tick"),
        "clock": world.get("tick"),
        "run_id": doc.get("run_id"),
        "parent": doc.get("parent"),
        "created_at": doc.get("created_at"),
        "townlet_version": doc.get("townlet_version"),
        "seed": doc.get("seed"),
        "config_id": doc.get("config_id"),
        "config_label": doc.get("config_label"),
        "policy": doc.get("policy"),
        "state_hash": doc.get("state_hash"),
        "agents": sum(1 for a in world.get("agents", []) if a.get("alive")),
        "objects": len(world.get("objects", [])),
        "pending_commands": len(console.get("pending", [])),
        "consistent": doc.get("consistent", True),
    }
    if as_json:
        click.echo(json.dumps(info, indent=2, sort_keys=True))
    else:
        width = max(len(k) for k in info)
        for key, value in info.items():
            shown = value if isinstance(value, str) else json.dumps(value)
            click.echo(f"{key.ljust(width)}  {shown}")
    if not ok:
        ctx.exit(EXIT_BAD_INPUT)


@snapshot.command()
@click.argument("a", type=click.Path(path_type=Path))
@click.argument("b", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--section", default=None, help="Only this state section.")
@click.option("--limit", type=click.IntRange(min=1), default=200, show_default=True)
@click.pass_context
def diff(
    ctx: click.Context, a: Path, b: Path, as_json: bool, section: str | None, limit: int
) -> None:
    """Structural diff of two snapshots: exit 0 identical, 3 different."""
    from townlet.snapshots.diff import diff_documents

    found = diff_documents(_read_raw(a), _read_raw(b), section, limit)
    if as_json:
        click.echo(json.dumps(found, indent=2, default=str))
    else:
        for part in ("header", "state"):
            for where, va, vb in found[part]:
                click.echo(
                    f"{part}:{where}: {json.dumps(va, default=str)[:80]} -> "
                    f"{json.dumps(vb, default=str)[:80]}"
                )
        if not found["header"] and not found["state"]:
            click.echo("identical")
    if found["header"] or found["state"]:
        ctx.exit(EXIT_CHECK_FAILED)


@snapshot.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=None)
@click.option("--in-place", is_flag=True, help="Overwrite IN, keeping IN.bak.")
def migrate(path: Path, out: Path | None, in_place: bool) -> None:
    """Upgrade a snapshot to the current schema and print the steps applied."""
    from townlet.snapshots.format import encode
    from townlet.snapshots.migrations import MIGRATIONS

    if (out is None) == (not in_place):
        raise click.UsageError("give exactly one of --out and --in-place")
    doc = _read_raw(path)
    doc, steps = MIGRATIONS.migrate(doc)
    doc["migrations_applied"] = [*doc.get("migrations_applied", []), *steps]
    data = encode(doc, compress=path.suffix == ".gz")
    if in_place:
        shutil.copy2(path, path.with_name(path.name + ".bak"))
        path.write_bytes(data)
    else:
        assert out is not None
        if out.exists():
            raise SnapshotError(f"{out} already exists")
        out.write_bytes(data)
    click.echo("applied: " + (", ".join(steps) if steps else "none (already current)"))


@snapshot.command("slice")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--ticks", type=click.IntRange(min=1), required=True)
@click.option("--name", required=True, help="Slice name ([A-Za-z0-9._-]).")
@click.option(
    "--out-dir",
    type=click.Path(path_type=Path),
    default=Path("replays"),
    show_default=True,
)
@click.option("--world", type=click.Choice(["native", "python"]), default=None)
def slice_cmd(
    path: Path, ticks: int, name: str, out_dir: Path, world: str | None
) -> None:
    """Record a replay slice: run M ticks from a snapshot."""
    from townlet.snapshots.load import read_snapshot
    from townlet.snapshots.paths import check_name
    from townlet.snapshots.slices import make_slice

    doc = read_snapshot(path)
    made = make_slice(doc, ticks, out_dir / f"{check_name(name)}.replay", world=world)
    click.echo(str(made))


@snapshot.command()
@click.argument("slice_dir", type=click.Path(path_type=Path))
@click.option("--world", type=click.Choice(["native", "python"]), default=None)
@click.pass_context
def replay(ctx: click.Context, slice_dir: Path, world: str | None) -> None:
    """Re-execute a replay slice; exit 3 at the first divergent tick."""
    from townlet.snapshots.slices import replay_slice

    report = replay_slice(slice_dir, world=world)
    if report.ok:
        click.echo(f"replay OK: {report.ticks} ticks, every hash matched")
        return
    click.echo(
        f"replay diverged at tick {report.diverged_at}: expected "
        f"{report.expected}, got {report.got}",
        err=True,
    )
    ctx.exit(EXIT_CHECK_FAILED)
