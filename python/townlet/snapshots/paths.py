"""Path safety and atomic writes (operations.md S-10, S-14).

Every path is resolved (symlinks included) and must lie inside one of the allowed
roots; names are ``[A-Za-z0-9._-]{1,64}``. A write goes to a temporary file in the
target directory, is flushed and fsynced, then linked into place, which fails when the
target exists, so an existing snapshot is never overwritten.

>>> check_name("before-blackout")
'before-blackout'
>>> snapshot_filename(42, "auto", compress=True)
't000000042-auto.json.gz'
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from townlet.errors import SnapshotError

__all__ = ["check_name", "confine", "snapshot_filename", "write_atomic"]

_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")


def check_name(name: str) -> str:
    """Return ``name`` when it is a safe file-name part.

    Raises:
        SnapshotError: outside ``[A-Za-z0-9._-]{1,64}``, or ``.``/``..``.
    """
    if not _NAME.fullmatch(name) or name in (".", ".."):
        raise SnapshotError(
            f"snapshot name {name[:80]!r} is outside [A-Za-z0-9._-]{{1,64}} (forbidden)"
        )
    return name


def confine(path: str | os.PathLike[str], roots: Sequence[str | Path]) -> Path:
    """Resolve ``path`` and check it lies inside one of ``roots``.

    Raises:
        SnapshotError: the resolved path is outside every root (``forbidden``).
    """
    resolved = Path(path).resolve()
    for root in roots:
        base = Path(root).resolve()
        if resolved == base or base in resolved.parents:
            return resolved
    shown = ", ".join(str(r) for r in roots)
    raise SnapshotError(
        f"path {path} is outside the snapshot roots ({shown}) (forbidden)",
        hint="use a path under snapshot.root or add snapshot.extra_roots",
    )


def snapshot_filename(tick: int, label: str, compress: bool) -> str:
    """``t<tick:09d>-<label>.json[.gz]``."""
    return f"t{tick:09d}-{check_name(label)}.json" + (".gz" if compress else "")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, never overwriting.

    Raises:
        SnapshotError: ``path`` exists, or the write failed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise SnapshotError(f"snapshot {path} already exists") from None
    except OSError as err:
        raise SnapshotError(f"cannot write snapshot {path}: {err}") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
