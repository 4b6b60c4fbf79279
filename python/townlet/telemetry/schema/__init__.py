"""Published JSON Schemas of the telemetry payload (operations.md 1.4).

``frame-1.schema.json`` and ``event-1.schema.json`` live next to this module and
are generated from :mod:`townlet.telemetry.schema.model` by
``python -m townlet.telemetry.schema build`` (``--check`` fails when stale).
"""

from townlet.telemetry.schema.model import event_schema, frame_schema, strict

__all__ = ["event_schema", "frame_schema", "strict"]
