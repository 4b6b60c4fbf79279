"""Protocols, provider registry, ProviderInfo and the simulation loop (architecture.md 2-4)."""

from townlet.core.protocols import PolicyBackend, TelemetrySink, WorldRuntime
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
    "StepResult",
    "TelemetryEvent",
    "TelemetrySink",
    "TransportStatus",
    "WorldRuntime",
    "WorldView",
]
