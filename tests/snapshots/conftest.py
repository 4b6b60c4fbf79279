"""Make the snapshot helpers importable; run each test in its own directory."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(autouse=True)
def _in_tmp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test in its own directory: default audit logs and snapshot roots
    are CWD-relative and must not land in the checkout."""
    monkeypatch.chdir(tmp_path)
