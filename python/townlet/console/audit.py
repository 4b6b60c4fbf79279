"""The append-only console audit log, JSON lines (operations.md 2.7).

One line per ingress attempt (stage ``rejected`` or ``accepted``) and one per final
result (stage ``result``). Each line is written and flushed before the reply goes out;
the file is fsynced on close and rotates before it would pass ``rotate_bytes``, keeping
``keep`` files (``audit.jsonl.1`` is the newest). Args are redacted like logs;
tokens never reach this module. A failed write raises :class:`AuditError`, and the
ingress then answers ``unavailable`` to every command until a write works again
(C-31).

>>> import tempfile, pathlib
>>> log = AuditLog(pathlib.Path(tempfile.mkdtemp()) / "audit.jsonl")
>>> log.write({"stage": "accepted"}); log.close()
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any

from townlet.telemetry.log_config import _redact

__all__ = ["AuditError", "AuditLog", "redact_args"]


class AuditError(Exception):
    """The audit log could not be written."""


def redact_args(args: Any) -> Any:
    """Args with secret-looking keys replaced by ``***`` (same rule as logs).

    >>> redact_args({"token": "x", "n": 1})
    {'token': '***', 'n': 1}
    """
    return _redact(args)


class AuditLog:
    """A JSON-lines audit file with size rotation; opened lazily on first write.

    Args:
        path: the file (parents are created).
        rotate_bytes: rotate once the file reaches this size.
        keep: rotated files kept.
    """

    def __init__(self, path: Path, rotate_bytes: int = 64 * 2**20, keep: int = 10):
        self.path = Path(path)
        self.rotate_bytes = rotate_bytes
        self.keep = keep
        self._file: IO[str] | None = None
        self.lines_written = 0

    def _open(self) -> IO[str]:
        """Open (append) the file, creating its directory."""
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a", encoding="utf-8")
        return self._file

    def _rotate(self) -> None:
        """Shift ``path.N`` up by one and start a new file."""
        self.close()
        for n in range(self.keep, 0, -1):
            src = self.path.with_name(f"{self.path.name}.{n}")
            if n == self.keep and src.exists():
                src.unlink()
            elif src.exists():
                src.rename(self.path.with_name(f"{self.path.name}.{n + 1}"))
        if self.keep > 0:
            self.path.rename(self.path.with_name(f"{self.path.name}.1"))
        else:
            self.path.unlink()

    def write(self, line: dict[str, Any]) -> None:
        """Append one line and flush it.

        Raises:
            AuditError: the line could not be written.
        """
        try:
            text = json.dumps(line, ensure_ascii=False, allow_nan=False, default=str)
            data = text + "\n"
            handle = self._open()
            size = handle.tell()
            if size > 0 and size + len(data.encode("utf-8")) > self.rotate_bytes:
                self._rotate()
                handle = self._open()
            handle.write(data)
            handle.flush()
            self.lines_written += 1
        except (OSError, ValueError) as err:
            self._file = None
            raise AuditError(f"audit log {self.path}: {err}") from err

    def close(self) -> None:
        """Flush, fsync and close; idempotent."""
        if self._file is None:
            return
        handle, self._file = self._file, None
        try:
            handle.flush()
            os.fsync(handle.fileno())
        finally:
            handle.close()
