"""Telemetry tests validate every frame they produce (operations.md 1.2, T-21)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _validate_frames(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test suite sets ``TOWNLET_TELEMETRY_VALIDATE=raise``."""
    pytest.importorskip("jsonschema", reason="jsonschema (dev extra) validates frames")
    monkeypatch.setenv("TOWNLET_TELEMETRY_VALIDATE", "raise")
