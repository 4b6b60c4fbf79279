"""Snapshot files: format, refusals, migrations, paths, autosave (operations.md 3)."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

import pytest
from resume_helpers import busy_config, document, start

from townlet.errors import SnapshotError
from townlet.snapshots import (
    MigrationRegistry,
    SnapshotManager,
    read_snapshot,
    resume_simulation,
)
from townlet.snapshots.format import SCHEMA_VERSION, decode, encode
from townlet.snapshots.paths import check_name, confine, write_atomic


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Any, Any, Path]:
    """(loop, config, path of a snapshot at tick 30)."""
    config = busy_config(seed=3)
    loop, console = start(config, "python", tmp_path, "random")
    loop.run(30)
    manager = SnapshotManager(loop, config, console=console, root=tmp_path / "snaps")
    return loop, config, manager.save(name="t30").path


def rewrite(path: Path, change: Any) -> Path:
    doc = decode(path.read_bytes())
    change(doc)
    out = path.with_name("changed.json.gz")
    out.write_bytes(encode(doc, compress=True))
    return out


def test_file_has_the_header_of_the_spec(saved: Any) -> None:
    loop, _, path = saved
    doc = json.loads(gzip.decompress(path.read_bytes()))
    assert doc["format"] == "townlet.snapshot"
    assert doc["schema_version"] == SCHEMA_VERSION
    assert doc["tick"] == 30
    assert doc["kind"] == "manual"
    assert doc["state_hash"] == loop.world.state_hash()
    assert set(doc["state"]) == {"loop", "policy", "stability", "telemetry", "world"}
    assert doc["state"]["loop"]["policy_rng"] == loop.policy_rng.state_hex()
    assert path.name == "t000000030-t30.json.gz"
    assert len(doc["state"]["world"]["rng"]) >= 1


def test_corrupt_checksum_is_refused_unless_ignored(saved: Any) -> None:
    _, _, path = saved

    def tamper(doc: Any) -> None:
        doc["state"]["world"]["agents"][0]["wallet"] = 999.0

    bad = rewrite(path, tamper)
    with pytest.raises(SnapshotError, match="corrupt"):
        read_snapshot(bad)
    doc = read_snapshot(bad, ignore_checksum=True)
    with pytest.raises(SnapshotError, match="state_hash does not match"):
        resume_simulation(doc, world="python")


def test_newer_schema_is_refused_and_no_migrate_refuses_older(saved: Any) -> None:
    _, _, path = saved
    newer = rewrite(path, lambda d: d.update(schema_version=SCHEMA_VERSION + 1))
    with pytest.raises(SnapshotError, match=r"newer than supported 1; upgrade townlet"):
        read_snapshot(newer)
    registry = MigrationRegistry(current=2)
    with pytest.raises(SnapshotError, match="no migration path from 1 to 2"):
        read_snapshot(path, registry=registry)
    with pytest.raises(SnapshotError, match="--no-migrate"):
        read_snapshot(path, registry=registry, no_migrate=True)


def test_migration_chain_is_applied_in_memory(saved: Any) -> None:
    _, _, path = saved
    registry = MigrationRegistry(current=2)

    @registry.register(1)
    def _note(doc: dict[str, Any]) -> dict[str, Any]:
        return {**doc, "config_label": "migrated"}

    doc = read_snapshot(path, registry=registry)
    assert doc["schema_version"] == 2
    assert doc["migrations_applied"] == ["1->2"]
    assert doc["config_label"] == "migrated"
    with pytest.raises(ValueError, match="exists"):
        registry.register(1)(_note)


def test_not_a_snapshot_and_bombs_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="not a townlet snapshot"):
        decode(b'{"format": "other"}')
    with pytest.raises(SnapshotError, match="not valid JSON"):
        decode(b"\x00\x01")
    bomb = gzip.compress(b" " * 5000)
    with pytest.raises(SnapshotError, match="over 1000 bytes"):
        decode(bomb, max_bytes=1000)


def test_config_mismatch_is_refused_unless_allowed(saved: Any) -> None:
    _, _, path = saved
    doc = read_snapshot(path)
    other = busy_config(seed=3, **{"world.needs.decay.hunger": 0.005})
    with pytest.raises(SnapshotError, match=r"world\.needs\.decay\.hunger"):
        resume_simulation(doc, config=other, world="python")
    run = resume_simulation(
        doc, config=other, world="python", allow_config_mismatch=True
    )
    assert run.header["config_mismatch_from"] == doc["config_id"]
    run.loop.stop()


def test_policy_mismatch_warns_or_refuses_when_strict(saved: Any) -> None:
    _, _, path = saved
    doc = read_snapshot(path)
    with pytest.raises(SnapshotError, match="policy"):
        resume_simulation(doc, world="python", policy="scripted", strict_policy=True)
    resume_simulation(doc, world="python", policy="scripted").loop.stop()


def test_inconsistent_snapshot_needs_the_flag(saved: Any) -> None:
    _, _, path = saved
    failure = rewrite(path, lambda d: d.update(consistent=False, kind="failure"))
    with pytest.raises(SnapshotError, match="consistent: false") as err:
        read_snapshot(failure)
    assert err.value.hint is not None
    assert "--allow-inconsistent" in err.value.hint
    assert read_snapshot(failure, allow_inconsistent=True)["kind"] == "failure"


def test_paths_are_confined_to_the_roots(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "outside").mkdir()
    assert confine(root / "a.json", [root]) == (root / "a.json").resolve()
    with pytest.raises(SnapshotError, match="forbidden"):
        confine(root / ".." / "outside" / "a.json", [root])
    os.symlink(tmp_path / "outside", root / "link")
    with pytest.raises(SnapshotError, match="outside the snapshot roots"):
        confine(root / "link" / "a.json", [root])
    assert confine(tmp_path / "outside" / "a", [root, tmp_path / "outside"])
    for bad in ("../x", "a/b", "", ".", "x" * 65, "sp ace"):
        with pytest.raises(SnapshotError, match="forbidden"):
            check_name(bad)


def test_writes_are_atomic_and_never_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "s" / "a.json"
    write_atomic(path, b"one")
    with pytest.raises(SnapshotError, match="already exists"):
        write_atomic(path, b"two")
    assert path.read_bytes() == b"one"
    assert [p.name for p in path.parent.iterdir()] == ["a.json"]


def test_autosave_every_n_with_retention(tmp_path: Path) -> None:
    config = busy_config(seed=1)
    loop, console = start(config, "python", tmp_path)
    manager = SnapshotManager(
        loop, config, console=console, root=tmp_path / "snaps", every_ticks=5, retain=2
    )
    manager.attach()
    manager.save(name="keep")
    loop.run(21)
    manager.flush()
    names = sorted(p.name for p in manager.run_dir.iterdir())
    assert names == [
        "t000000000-keep.json.gz",
        "t000000015-auto.json.gz",
        "t000000020-auto.json.gz",
    ]
    assert manager.last_autosave is not None
    assert manager.last_autosave["tick"] == 20


def test_autosaves_are_written_by_the_writer_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """S-15: capture on the simulation thread, the write on the writer thread; a
    failed write counts, and stops the run only when strict."""
    import threading

    from townlet.snapshots import manager as manager_module

    config = busy_config(seed=1)
    loop, _console = start(config, "python", tmp_path)
    writers: list[str] = []
    real_write = manager_module.write_atomic

    def spy(path: Path, data: bytes) -> None:
        writers.append(threading.current_thread().name)
        real_write(path, data)

    monkeypatch.setattr(manager_module, "write_atomic", spy)
    manager = SnapshotManager(loop, config, root=tmp_path / "s", every_ticks=3)
    manager.attach()
    loop.run(6)
    manager.flush()
    assert len(writers) == 2
    assert all(name.startswith("townlet-snapshot") for name in writers)
    assert threading.current_thread().name not in writers

    def broken(path: Path, data: bytes) -> None:
        raise SnapshotError("disk full")

    monkeypatch.setattr(manager_module, "write_atomic", broken)
    loop.run(3)
    manager.flush()
    assert manager.failures == 1
    manager.strict = True
    loop.run(3)
    with pytest.raises(SnapshotError, match="disk full"):
        manager.flush()


def test_uncompressed_files_load_too(tmp_path: Path) -> None:
    config = busy_config(seed=2)
    loop, console = start(config, "python", tmp_path)
    loop.run(3)
    manager = SnapshotManager(
        loop, config, console=console, root=tmp_path, compress=False
    )
    path = manager.save()
    assert path.path.suffix == ".json"
    doc = read_snapshot(path.path, roots=[tmp_path])
    assert doc["tick"] == 3
    with pytest.raises(SnapshotError, match="outside"):
        read_snapshot(path.path, roots=[tmp_path / "elsewhere"])


def test_document_state_keys_are_sorted_on_disk(tmp_path: Path) -> None:
    config = busy_config(seed=2)
    loop, console = start(config, "python", tmp_path)
    data = encode(document(loop, config, console), compress=False)
    state = json.loads(data)["state"]
    assert list(state) == sorted(state)
    assert list(state["world"]) == sorted(state["world"])


def test_failure_snapshot_is_inconsistent_and_needs_the_flag(tmp_path: Path) -> None:
    config = busy_config(seed=2)
    loop, console = start(config, "python", tmp_path)
    loop.run(4)
    manager = SnapshotManager(loop, config, console=console, root=tmp_path / "s")
    saved = manager.save_failure()
    assert saved is not None
    assert saved.path.name == "t000000004-failure.json.gz"
    with pytest.raises(SnapshotError, match=r"consistent: false"):
        read_snapshot(saved.path)
    assert read_snapshot(saved.path, allow_inconsistent=True)["consistent"] is False


def test_stability_and_policy_hooks_round_trip(tmp_path: Path) -> None:
    from townlet.snapshots import restore_state
    from townlet.snapshots.capture import StateHooks, capture_state

    config = busy_config(seed=2)
    loop, console = start(config, "python", tmp_path)
    loop.run(2)
    got: dict[str, Any] = {}
    hooks = StateHooks(
        stability_export=lambda: {"alerts": ["a"], "promotion": "candidate"},
        stability_import=lambda s: got.update(stability=dict(s)),
        policy_export=lambda: {"anneal_ratio": 0.25},
        policy_import=lambda s: got.update(policy=dict(s)),
    )
    state = capture_state(loop, console, hooks)
    assert state["stability"] == {"alerts": ["a"], "promotion": "candidate"}
    # without a hook, the section is the loop's own stability monitor
    assert loop.stability is not None
    assert capture_state(loop, console)["stability"] == loop.stability.export_state()
    restore_state(loop, state, console, hooks)
    assert got == {"stability": state["stability"], "policy": {"anneal_ratio": 0.25}}


def test_saving_trims_the_console_input_log(tmp_path: Path) -> None:
    config = busy_config(seed=2)
    loop, console = start(config, "python", tmp_path)
    manager = SnapshotManager(loop, config, console=console, root=tmp_path / "s")
    console.submit_local("setneed", {"agent_id": "agent_0", "needs": {"hunger": 0.5}})
    loop.run(2)
    assert [e["applied_tick"] for e in console.input_log] == [1]
    path = manager.save().path
    assert console.input_log == []
    logged = read_snapshot(path)["state"]["loop"]["console"]["input_log"]
    assert [e["name"] for e in logged] == ["setneed"]
