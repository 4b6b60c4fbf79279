"""`townlet snapshot inspect|diff|migrate|slice|replay` (operations.md 3.8, 3.9)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from resume_helpers import busy_config, start
from towns import native_built

from townlet.cli.main import cli
from townlet.snapshots import SnapshotManager
from townlet.snapshots.format import decode, encode


@pytest.fixture
def snaps(tmp_path: Path) -> tuple[Path, Path]:
    """Two snapshots of one run, at ticks 10 and 12."""
    config = busy_config(seed=6)
    loop, console = start(config, "python", tmp_path)
    manager = SnapshotManager(loop, config, console=console, root=tmp_path / "snaps")
    loop.run(10)
    console.submit_local(
        "setneed", {"agent_id": "agent_0", "needs": {"hunger": 0.3}}, cmd_id="pending-1"
    )
    a = manager.save(name="a").path
    loop.run(2)
    return a, manager.save(name="b").path


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def test_inspect_reports_ok_and_corrupt(
    snaps: tuple[Path, Path], tmp_path: Path
) -> None:
    a, _ = snaps
    got = invoke("snapshot", "inspect", str(a), "--json")
    assert got.exit_code == 0, got.output
    info = json.loads(got.output)
    assert info["checksum"] == "OK"
    assert info["tick"] == 10
    assert info["pending_commands"] == 1
    assert info["agents"] == 10
    assert info["migrations_needed"] == []
    doc = decode(a.read_bytes())
    doc["state"]["world"]["tick"] = 11
    bad = tmp_path / "bad.json.gz"
    bad.write_bytes(encode(doc, compress=True))
    corrupt = invoke("snapshot", "inspect", str(bad))
    assert corrupt.exit_code == 2
    assert "CORRUPT" in corrupt.output


def test_diff_exit_codes(snaps: tuple[Path, Path]) -> None:
    a, b = snaps
    same = invoke("snapshot", "diff", str(a), str(a))
    assert same.exit_code == 0
    assert "identical" in same.output
    differ = invoke("snapshot", "diff", str(a), str(b), "--section", "world", "--json")
    assert differ.exit_code == 3
    found = json.loads(differ.output)
    assert ["world.tick", 10, 12] in found["state"]


def test_migrate_writes_out_or_in_place(
    snaps: tuple[Path, Path], tmp_path: Path
) -> None:
    a, _ = snaps
    out = tmp_path / "m.json.gz"
    got = invoke("snapshot", "migrate", str(a), "--out", str(out))
    assert got.exit_code == 0
    assert "already current" in got.output
    assert (
        decode(out.read_bytes())["state_hash"] == decode(a.read_bytes())["state_hash"]
    )
    assert invoke("snapshot", "migrate", str(a), "--in-place").exit_code == 0
    assert a.with_name(a.name + ".bak").exists()
    assert invoke("snapshot", "migrate", str(a)).exit_code == 2


def test_slice_then_replay_matches(snaps: tuple[Path, Path], tmp_path: Path) -> None:
    a, _ = snaps
    made = invoke(
        "snapshot",
        "slice",
        str(a),
        "--ticks",
        "15",
        "--name",
        "bug",
        "--out-dir",
        str(tmp_path / "replays"),
        "--world",
        "python",
    )
    assert made.exit_code == 0, made.output
    slice_dir = tmp_path / "replays" / "bug.replay"
    manifest = json.loads((slice_dir / "manifest.json").read_text())
    assert (manifest["from_tick"], manifest["to_tick"]) == (10, 25)
    inputs = (slice_dir / "inputs.jsonl").read_text().splitlines()
    assert [json.loads(x)["cmd_id"] for x in inputs] == ["pending-1"]
    assert len((slice_dir / "hashes.jsonl").read_text().splitlines()) == 15
    other = "native" if native_built() else "python"  # the slice replays across worlds
    ok = invoke("snapshot", "replay", str(slice_dir), "--world", other)
    assert ok.exit_code == 0, ok.output
    lines = (slice_dir / "hashes.jsonl").read_text().splitlines()
    row = json.loads(lines[4])
    row["state_hash"] = "0" * 64
    lines[4] = json.dumps(row)
    (slice_dir / "hashes.jsonl").write_text("\n".join(lines) + "\n")
    bad = invoke("snapshot", "replay", str(slice_dir), "--world", "python")
    assert bad.exit_code == 3
    assert "diverged at tick 15" in bad.output


def test_run_records_a_replay_with_commands_and_replays_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    script = tmp_path / "s.yaml"
    script.write_text(
        "ticks: 30\nsteps:\n"
        "  - {at: 3, command: setneed,\n"
        "     args: {agent_id: agent_0, needs: {hunger: 0.1}}}\n"
        "  - {at: 5, command: spawn, args: {wallet: 2.0}}\n"
    )
    base = ["run", "--world", "python", "--telemetry", "null", "--no-progress"]
    made = invoke(*base, "--ticks", "12", "--commands", str(script),
                  "--record-replay", "bug")  # fmt: skip
    assert made.exit_code == 0, made.output
    slice_dir = tmp_path / "replays" / "bug.replay"
    inputs = [
        json.loads(x) for x in (slice_dir / "inputs.jsonl").read_text().splitlines()
    ]
    assert [(i["applied_tick"], i["name"]) for i in inputs] == [
        (3, "setneed"),
        (5, "spawn"),
    ]
    replayed = invoke(*base, "--replay", str(slice_dir))
    assert replayed.exit_code == 0, replayed.output
    assert "every hash matched" in replayed.output


@pytest.mark.skipif(not native_built(), reason="townlet._native is not built")
def test_run_autosaves_every_1440_ticks_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """S-16: a plain run autosaves at each multiple of 1,440 into snapshots/;
    --snapshot-every 0 turns it off."""
    monkeypatch.chdir(tmp_path)
    common = ("run", "--world", "native", "--telemetry", "null")
    got = invoke(*common, "--ticks", "1440")
    assert got.exit_code == 0, got.output
    (saved,) = (tmp_path / "snapshots").rglob("*.json*")
    assert decode(saved.read_bytes())["tick"] == 1440
    off = tmp_path / "off"
    off.mkdir()
    monkeypatch.chdir(off)
    got = invoke(*common, "--ticks", "1440", "--snapshot-every", "0")
    assert got.exit_code == 0, got.output
    assert not (off / "snapshots").exists()


@pytest.mark.skipif(not native_built(), reason="townlet._native is not built")
def test_replay_dump_divergence_writes_both_providers_states(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--dump-divergence: at the first mismatch, the replayed state and the other
    provider's state at that tick are written for `snapshot diff`. Here the recording
    is tampered at tick 7, so both providers agree with each other and not with it."""
    monkeypatch.chdir(tmp_path)
    base = ["run", "--world", "native", "--telemetry", "null", "--no-progress"]
    made = invoke(*base, "--ticks", "10", "--record-replay", "bug")
    assert made.exit_code == 0, made.output
    slice_dir = tmp_path / "replays" / "bug.replay"
    hashes = slice_dir / "hashes.jsonl"
    rows = [json.loads(x) for x in hashes.read_text().splitlines()]
    for row in rows:
        if row["tick"] == 7:
            row["state_hash"] = "0" * 64
    hashes.write_text("".join(json.dumps(r) + "\n" for r in rows))
    replayed = invoke(*base, "--replay", str(slice_dir), "--dump-divergence")
    assert replayed.exit_code == 3, replayed.output
    assert "diverged at tick 7" in replayed.output
    out = tmp_path / "snapshots" / "divergence" / "bug"
    native = out / "t000000007-native.json.gz"
    python = out / "t000000007-python.json.gz"
    assert native.is_file(), replayed.output
    assert python.is_file(), replayed.output
    assert replayed.output.count("differs from the recording") == 2
    assert decode(native.read_bytes())["tick"] == 7
    same = invoke("snapshot", "diff", str(native), str(python), "--section", "world")
    assert same.exit_code == 0, same.output
