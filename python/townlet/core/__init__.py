"""Protocols, provider registry and ProviderInfo (architecture.md sections 2-4).

The loop lives in :mod:`townlet.core.loop` and is built by
:func:`townlet.core.build.build_simulation`; both are imported from their modules (or
from ``townlet``) so that importing the protocols stays light.
"""

from townlet.core.protocols import (
    PolicyBackend,
    RandomStream,
    StochasticPolicy,
    TelemetrySink,
    WorldRuntime,
)
from townlet.core.registry import (
    is_degraded,
    is_stub_policy,
    is_stub_telemetry,
    known_names,
    register,
    resolve,
)
from townlet.core.types import (
    NEEDS,
    PRIMITIVE_ACTION_NAMES,
    ActionMode,
    CommandResult,
    ObservationBatch,
    ObservationBuffers,
    ObservationSpec,
    PolicyIdentity,
    ProviderInfo,
    StepResult,
    TelemetryEvent,
    TransportStatus,
    WorldView,
)

__all__ = [
    "NEEDS",
    "PRIMITIVE_ACTION_NAMES",
    "ActionMode",
    "CommandResult",
    "ObservationBatch",
    "ObservationBuffers",
    "ObservationSpec",
    "PolicyBackend",
    "PolicyIdentity",
    "ProviderInfo",
    "RandomStream",
    "StepResult",
    "StochasticPolicy",
    "TelemetryEvent",
    "TelemetrySink",
    "TransportStatus",
    "WorldRuntime",
    "WorldView",
    "is_degraded",
    "is_stub_policy",
    "is_stub_telemetry",
    "known_names",
    "register",
    "resolve",
]
