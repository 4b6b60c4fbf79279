"""Helpers for CLI tests: a runner with separate stdout/stderr and the native probe."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from townlet.cli.main import cli


def native_built() -> bool:
    """Whether ``townlet._native`` imports."""
    try:
        import townlet._native  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture
def invoke():
    """Run ``townlet ARGS`` in-process; returns click's Result (stdout, stderr)."""
    runner = CliRunner()

    def _invoke(*args: str):
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return _invoke


@pytest.fixture
def needs_native():
    """Skip when the extension is not built."""
    if not native_built():
        pytest.skip("townlet._native not built (run 'make build')")
