"""Fixtures of the stability tests: the synthetic town of :mod:`stability_synth`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from stability_synth import SynthTown

from townlet.config.stability import StabilityConfig
from townlet.stability import StabilityMonitor


@pytest.fixture
def town() -> SynthTown:
    """Ten residents, default thresholds, 1,000-tick windows."""
    return SynthTown(StabilityMonitor(StabilityConfig()))


@pytest.fixture
def make_town() -> Callable[..., SynthTown]:
    """Build a town with a config: ``make_town(window_ticks=100, agents=4)``."""

    def build(agents: int = 10, **config: Any) -> SynthTown:
        return SynthTown(StabilityMonitor(StabilityConfig(**config)), agents)

    return build
