"""The audit log file: JSON lines, rotation, fsync on close (operations.md 2.7)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from townlet.console.audit import AuditError, AuditLog, redact_args


def test_lines_rotate_and_only_keep_files_remain(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl", rotate_bytes=120, keep=2)
    for i in range(20):
        log.write({"stage": "accepted", "n": i, "pad": "x" * 40})
    log.close()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["audit.jsonl", "audit.jsonl.1", "audit.jsonl.2"]
    newest = [
        json.loads(x)["n"]
        for x in (tmp_path / "audit.jsonl.1").read_text().split("\n")
        if x
    ]
    older = [
        json.loads(x)["n"]
        for x in (tmp_path / "audit.jsonl.2").read_text().split("\n")
        if x
    ]
    assert max(older) < min(newest)
    assert log.lines_written == 20


def test_unwritable_path_raises_audit_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(AuditError, match="audit log"):
        AuditLog(tmp_path / "file" / "audit.jsonl").write({"stage": "x"})


def test_secret_keys_are_redacted_at_any_depth() -> None:
    assert redact_args({"a": {"password": "p", "ok": [{"token": "t"}]}}) == {
        "a": {"password": "***", "ok": [{"token": "***"}]}
    }
