"""Shared fixtures: the ``provider`` parametrisation of the world tests.

World tests take the ``provider`` fixture and run against both worlds; the native case
is skipped only when ``townlet._native`` is not built. Settings and tiny maps for tests
live in ``tests/world/towns.py`` (importable as ``towns`` from every test folder).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
if importlib.util.find_spec("townlet") is None:  # not installed: use the source tree
    sys.path.insert(0, str(TESTS.parent / "python"))
sys.path.insert(0, str(TESTS / "world"))

from towns import native_built  # noqa: E402


@pytest.fixture(params=["python", "native"])
def provider(request: pytest.FixtureRequest) -> str:
    """World provider name; the native case is skipped when the extension is absent."""
    if request.param == "native" and not native_built():
        pytest.skip("townlet._native is not built (run 'make build')")
    return str(request.param)
