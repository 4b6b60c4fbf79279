"""JSON-lines transports: ``stdout`` and ``file`` with rotation (operations.md 1.5).

Each frame is one line written with one ``write``; the worker flushes after each
batch it drains (at most every 50 ms) and on close, so a reader only ever sees
whole lines but the last (T-44). Flushing every line instead cost about 20 us per
tick, a tenth of a default-town tick. The file transport creates
parent directories, rotates by size (``rotate_bytes``, default 256 MiB) or by ticks
(``rotate_every_ticks``), renames the closed file to ``telemetry.000001.jsonl``
(gzipped to ``.jsonl.gz`` by default), keeps the newest ``keep`` (10) and starts
every file with a snapshot (T-10). ``finish`` writes ``end``, then flushes, fsyncs
and closes.
"""

from __future__ import annotations

import gzip
import os
import shutil
import sys
from pathlib import Path
from typing import IO

from townlet.errors import ProviderError
from townlet.telemetry.frames import TickState
from townlet.telemetry.transport.base import StreamTransport

__all__ = ["FileTransport", "StdoutTransport"]

_BUFFER_BYTES = 1 << 16


class StdoutTransport(StreamTransport):
    """Frames on standard output; all human text must then go to stderr.

    ``sys.stdout`` is looked up at ``open`` so test runners that swap it capture
    the frames.
    """

    type = "stdout"

    def __init__(self, run_id: str, *, keyframe_every_ticks: int = 1440) -> None:
        super().__init__(run_id, keyframe_every_ticks=keyframe_every_ticks)
        self._stream: IO[bytes] | None = None

    def open(self) -> None:
        """Bind the current standard output (binary)."""
        super().open()
        self._stream = sys.stdout.buffer

    def write_line(self, data: bytes, tick: int) -> None:
        """One buffered write (flushed per batch)."""
        assert self._stream is not None
        self._stream.write(data)

    def flush(self) -> None:
        """Flush standard output."""
        if self._stream is not None:
            self._stream.flush()

    def close(self) -> None:
        """Flush; standard output stays open."""
        super().close()
        if self._stream is not None:
            self._stream.flush()


class FileTransport(StreamTransport):
    """Frames appended to a file, rotated by size or ticks.

    Args:
        run_id: run id in every frame.
        path: the active file (``runs/<run_id>/telemetry.jsonl`` by default).
        keyframe_every_ticks: snapshot cadence.
        rotate_bytes: rotate once the file reaches this size (256 MiB).
        rotate_every_ticks: also rotate every N ticks (``None``: off).
        keep: rotated files kept (10).
        gzip_rotated: gzip rotated files (True).
    """

    type = "file"

    def __init__(
        self,
        run_id: str,
        path: str | os.PathLike[str],
        *,
        keyframe_every_ticks: int = 1440,
        rotate_bytes: int = 256 * 2**20,
        rotate_every_ticks: int | None = None,
        keep: int = 10,
        gzip_rotated: bool = True,
    ) -> None:
        super().__init__(run_id, keyframe_every_ticks=keyframe_every_ticks)
        self.path = Path(path)
        self.rotate_bytes = rotate_bytes
        self.rotate_every_ticks = rotate_every_ticks
        self.keep = keep
        self.gzip_rotated = gzip_rotated
        self.rotations = 0
        self._stream: IO[bytes] | None = None
        self._size = 0
        self._file_tick: int | None = None

    def describe(self) -> str:
        """Where frames go."""
        return f"file {self.path}"

    def open(self) -> None:
        """Create parent directories and open the file for appending.

        Raises:
            ProviderError: when the file cannot be created (names the path).
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._stream = self.path.open("ab", buffering=_BUFFER_BYTES)
        except OSError as err:
            raise ProviderError(
                f"cannot open telemetry file {self.path}: {err.strerror or err}",
                hint="pass --telemetry file:PATH with a writable PATH",
            ) from err
        self._size = self._stream.tell()
        super().open()

    def write_line(self, data: bytes, tick: int) -> None:
        """One buffered write; the worker flushes after each batch."""
        assert self._stream is not None
        self._stream.write(data)
        self._size += len(data)
        if self._file_tick is None:
            self._file_tick = tick

    def deliver(self, state: TickState) -> None:
        """Rotate when due, then write the state's frame."""
        if self._rotation_due(state.tick):
            self._rotate()
        super().deliver(state)

    def _rotation_due(self, tick: int) -> bool:
        """True when the size or tick bound is reached."""
        if self._size and self._size >= self.rotate_bytes:
            return True
        every = self.rotate_every_ticks
        return (
            every is not None
            and self._file_tick is not None
            and tick // every > self._file_tick // every
        )

    def _rotate(self) -> None:
        """Close the file, rename (and gzip) it, prune, reopen; next is a snapshot."""
        assert self._stream is not None
        self._stream.close()
        self.rotations += 1
        target = self.path.with_name(f"{self.path.stem}.{self.rotations:06d}.jsonl")
        os.replace(self.path, target)
        if self.gzip_rotated:
            with target.open("rb") as src, gzip.open(f"{target}.gz", "wb") as dst:
                shutil.copyfileobj(src, dst)
            target.unlink()
        self._prune()
        self._stream = self.path.open("ab", buffering=_BUFFER_BYTES)
        self._size = 0
        self._file_tick = None
        self.encoder.reset()

    def _prune(self) -> None:
        """Delete the oldest rotated files beyond ``keep``."""
        rotated = sorted(self.path.parent.glob(f"{self.path.stem}.[0-9]*.jsonl*"))
        for old in rotated[: max(0, len(rotated) - self.keep)]:
            old.unlink()

    def flush(self) -> None:
        """Flush the buffer."""
        if self._stream is not None:
            self._stream.flush()

    def close(self) -> None:
        """Flush, fsync and close."""
        super().close()
        if self._stream is None:
            return
        stream, self._stream = self._stream, None
        try:
            stream.flush()
            os.fsync(stream.fileno())
        finally:
            stream.close()
