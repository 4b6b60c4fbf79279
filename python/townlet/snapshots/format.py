"""The snapshot file format: header, state sections, encoding (operations.md 3.2).

A snapshot is one JSON document, ``.json.gz`` (gzip level 6) or plain ``.json``. The
``state`` keys are written sorted; ``content_sha256`` is the sha256 of the canonical
encoding (architecture.md 5.3) of ``state`` and is checked on load. Decoding refuses
anything over 512 MiB after decompression (a decompression-bomb guard).

>>> doc = {"format": FORMAT, "schema_version": SCHEMA_VERSION, "state": {"a": 1}}
>>> decode(encode(doc, compress=True))["state"]
{'a': 1}
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from typing import Any

from townlet.errors import SnapshotError
from townlet.world.canonical import canonical_encode

__all__ = [
    "FORMAT",
    "HEADER_KEYS",
    "KINDS",
    "MAX_DECODED_BYTES",
    "SCHEMA_VERSION",
    "SECTIONS",
    "content_sha256",
    "decode",
    "encode",
]

FORMAT = "townlet.snapshot"
SCHEMA_VERSION = 1
KINDS = ("auto", "manual", "failure", "slice_start")
SECTIONS = ("world", "loop", "policy", "stability", "telemetry")
MAX_DECODED_BYTES = 512 * 2**20
HEADER_KEYS = (
    "format",
    "schema_version",
    "townlet_version",
    "created_at",
    "run_id",
    "parent",
    "kind",
    "tick",
    "seed",
    "config_id",
    "config_label",
    "config",
    "policy",
    "state_hash",
    "content_sha256",
    "migrations_applied",
    "consistent",
)


def content_sha256(state: Any) -> str:
    """Hex sha256 of the canonical encoding of ``state``.

    >>> len(content_sha256({"x": [1, 2.5, None]}))
    64
    """
    return hashlib.sha256(canonical_encode(state)).hexdigest()


def _sorted(value: Any) -> Any:
    """``value`` with every dict's keys in sorted order."""
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def encode(doc: dict[str, Any], compress: bool) -> bytes:
    """The document as bytes, UTF-8, gzip level 6 when compressing.

    The keys of ``state`` are written sorted; the header (the embedded config in
    particular) keeps its order, because some config mappings are ordered (a profile
    distribution is sampled in its file order).
    """
    out = dict(doc)
    if "state" in out:
        out["state"] = _sorted(out["state"])
    data = json.dumps(out, ensure_ascii=False, allow_nan=False)
    raw = data.encode("utf-8")
    return gzip.compress(raw, compresslevel=6, mtime=0) if compress else raw


def decode(data: bytes, max_bytes: int = MAX_DECODED_BYTES) -> dict[str, Any]:
    """Decode a snapshot file (gzip detected by its magic bytes).

    Raises:
        SnapshotError: over ``max_bytes`` decoded, not JSON, or not a snapshot.
    """
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
                data = stream.read(max_bytes + 1)
        except (OSError, EOFError) as err:
            raise SnapshotError(f"snapshot is not valid gzip: {err}") from None
    if len(data) > max_bytes:
        raise SnapshotError(f"snapshot is over {max_bytes} bytes once decompressed")
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        raise SnapshotError(f"snapshot is not valid JSON: {err}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise SnapshotError(f"not a townlet snapshot (format is not '{FORMAT}')")
    return doc
