"""Aggregation: events and the loop's read-only faces -> tick states (§1.2).

Runs on the simulation thread (loop step 7). See
:mod:`townlet.telemetry.aggregation.aggregator`.
"""

from townlet.telemetry.aggregation.aggregator import Aggregator, TickSource
from townlet.telemetry.aggregation.narration import Narrator, load_templates

__all__ = ["Aggregator", "Narrator", "TickSource", "load_templates"]
