"""Townlet: a small-town life simulation for multi-agent reinforcement learning.

>>> import townlet
>>> cfg = townlet.load_config()  # the packaged default town
>>> with townlet.build_simulation(cfg, telemetry="none") as sim:  # doctest: +SKIP
...     sim.run(100)
"""

from importlib.metadata import PackageNotFoundError, version

from townlet import env
from townlet.config import load_config
from townlet.core import (
    PolicyBackend,
    ProviderInfo,
    TelemetrySink,
    WorldRuntime,
    is_degraded,
    is_stub_policy,
    is_stub_telemetry,
)
from townlet.core.build import build_simulation
from townlet.core.loop import SimulationLoop
from townlet.errors import (
    CommandError,
    ConfigError,
    ProviderError,
    SimulationError,
    SnapshotError,
    TownletError,
)

try:
    __version__ = version("townlet")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = [  # noqa: RUF022 - grouped by purpose (architecture.md section 6)
    # Building and running a simulation
    "SimulationLoop",
    "build_simulation",
    "load_config",
    # Environment APIs (townlet.env.parallel_env, townlet.env.single_agent_env)
    "env",
    # The protocols every consumer talks to, and how providers were chosen
    "PolicyBackend",
    "ProviderInfo",
    "TelemetrySink",
    "WorldRuntime",
    "is_degraded",
    "is_stub_policy",
    "is_stub_telemetry",
    # Errors (one hierarchy under TownletError)
    "CommandError",
    "ConfigError",
    "ProviderError",
    "SimulationError",
    "SnapshotError",
    "TownletError",
    # Package version
    "__version__",
]
