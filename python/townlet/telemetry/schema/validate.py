"""Validate frames against the published JSON Schema (transform ``validate``).

Modes: ``off`` (nothing), ``warn`` (log, keep the frame), ``drop`` (log, skip the
frame), ``raise`` (raise :class:`FrameInvalid`; the worker counts it and
``fail_fast`` re-raises it at close). Validation needs ``jsonschema`` (a test-only
dependency); asking for it without the library is a :class:`ConfigError` naming
the extra.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from townlet.errors import ConfigError
from townlet.telemetry.log_config import get_logger

__all__ = ["FrameInvalid", "FrameValidator", "load_schema"]

_log = get_logger("townlet.telemetry")


class FrameInvalid(ValueError):  # noqa: N818 - reads as the condition
    """A frame failed schema validation in ``raise`` mode."""


@cache
def load_schema(name: str = "frame-1") -> dict[str, Any]:
    """A published schema by name (``frame-1`` or ``event-1``).

    >>> load_schema()["$id"]
    'urn:townlet:schema:telemetry:frame:1'
    """
    ref = resources.files("townlet.telemetry.schema").joinpath(f"{name}.schema.json")
    schema: dict[str, Any] = json.loads(ref.read_text(encoding="utf-8"))
    return schema


class FrameValidator:
    """Checks frames in one mode.

    Args:
        mode: ``warn``, ``drop`` or ``raise``.

    Raises:
        ConfigError: ``jsonschema`` is not installed.
    """

    def __init__(self, mode: str) -> None:
        try:
            import jsonschema
        except ImportError as err:
            raise ConfigError(
                "telemetry validate mode needs jsonschema; "
                "install it with pip install 'townlet[dev]'",
                key="telemetry.transforms",
            ) from err
        self.mode = mode
        self.invalid = 0
        self._validator = jsonschema.Draft202012Validator(load_schema("frame-1"))

    def check(self, frame: Any) -> bool:
        """True to write the frame; False to skip it (``drop``).

        Raises:
            FrameInvalid: in ``raise`` mode, naming the JSON pointer.
        """
        error = next(iter(self._validator.iter_errors(_plain(frame))), None)
        if error is None:
            return True
        self.invalid += 1
        where = "/" + "/".join(str(p) for p in error.absolute_path)
        message = f"telemetry frame invalid at {where}: {error.message}"
        if self.mode == "raise":
            raise FrameInvalid(message)
        _log.warning("telemetry.frame.invalid", error=message)
        return self.mode != "drop"


def _plain(frame: Any) -> Any:
    """Tuples become lists (jsonschema treats only lists as arrays)."""
    import orjson

    return orjson.loads(orjson.dumps(frame, option=orjson.OPT_SERIALIZE_NUMPY))
