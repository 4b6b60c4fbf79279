"""Fixtures of the learning tests: the ``requires_torch`` marker, a CLI runner and
a fake missing torch.

Tests marked ``requires_torch`` are skipped with learning.md 9 rule 5's reason
when torch is not installed; the tests that fake a missing torch always run.
"""

from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner

from townlet.cli.main import cli
from townlet.policy._torch import TORCH_SKIP_REASON, torch_available


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker."""
    config.addinivalue_line(
        "markers", "requires_torch: needs PyTorch (skipped without the ml extra)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip ``requires_torch`` tests when torch is missing."""
    if torch_available():
        return
    skip = pytest.mark.skip(reason=TORCH_SKIP_REASON)
    for item in items:
        if "requires_torch" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def invoke():
    """Run ``townlet ARGS`` in-process; returns click's Result."""
    runner = CliRunner()

    def _invoke(*args: str):
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return _invoke


@pytest.fixture
def no_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``import torch`` fail as if the ml extra were not installed."""
    monkeypatch.setitem(sys.modules, "torch", None)


@pytest.fixture(scope="session", autouse=True)
def _one_torch_thread() -> None:
    """Tiny batches: one intra-op thread avoids spin-waiting on a shared CI core."""
    if torch_available():
        import torch

        torch.set_num_threads(1)
