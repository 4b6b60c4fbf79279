"""Canonical byte encoding of state trees and their sha256 (architecture.md 5.3).

The Python type decides the kind: ``None`` 0x00, ``bool`` 0x01 (checked before
``int``, which it subclasses), ``int`` 0x02 (i64 LE), ``float`` 0x03 (f64 LE, -0.0
written as +0.0), ``str`` 0x04, ``list``/``tuple`` 0x05, ``dict`` 0x06 with keys sorted
by their UTF-8 bytes (code-point order is the same order). The parity suite hashes a
100-agent state every tick, so the encoder appends pre-packed byte strings to one list
and joins once.

>>> canonical_encode({}).hex()
'0600000000'
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any

__all__ = ["canonical_encode", "canonical_hash", "state_hash"]

_I64 = struct.Struct("<q").pack
_F64 = struct.Struct("<d").pack
_U32 = struct.Struct("<I").pack
_I64_MIN = -(1 << 63)
_I64_MAX = (1 << 63) - 1
_NONE = b"\x00"
_TRUE = b"\x01\x01"
_FALSE = b"\x01\x00"
_KEY_CACHE: dict[str, bytes] = {}
_ORDER_CACHE: dict[tuple[str, ...], list[tuple[str, bytes]]] = {}
_KEY_CACHE_LIMIT = 4096


def _encode_str(value: str) -> bytes:
    raw = value.encode("utf-8")
    return b"\x04" + _U32(len(raw)) + raw


def _encode_key(key: str) -> bytes:
    cached = _KEY_CACHE.get(key)
    if cached is None:
        cached = _encode_str(key)
        if len(_KEY_CACHE) < _KEY_CACHE_LIMIT:
            _KEY_CACHE[key] = cached
    return cached


def _key_order(keys: tuple[str, ...]) -> list[tuple[str, bytes]]:
    """Sorted keys with their encodings; cached per key tuple (trees repeat shapes)."""
    order = _ORDER_CACHE.get(keys)
    if order is None:
        for key in keys:
            if type(key) is not str:
                raise TypeError(f"canonical encoding: dict key {key!r} is not a str")
        order = [(key, _encode_key(key)) for key in sorted(keys)]
        if len(_ORDER_CACHE) < _KEY_CACHE_LIMIT:
            _ORDER_CACHE[keys] = order
    return order


def _encode(value: Any, out: list[bytes]) -> None:
    kind = type(value)
    if kind is float:
        out.append(b"\x03" + _F64(value + 0.0))  # -0.0 + 0.0 == +0.0
    elif kind is int:
        if not _I64_MIN <= value <= _I64_MAX:
            raise ValueError(f"canonical encoding: int {value} does not fit i64")
        out.append(b"\x02" + _I64(value))
    elif kind is str:
        out.append(_encode_str(value))
    elif kind is dict:
        out.append(b"\x06" + _U32(len(value)))
        for key, encoded in _key_order(tuple(value)):
            out.append(encoded)
            _encode(value[key], out)
    elif kind is list or kind is tuple:
        out.append(b"\x05" + _U32(len(value)))
        for item in value:
            _encode(item, out)
    elif kind is bool:
        out.append(_TRUE if value else _FALSE)
    elif value is None:
        out.append(_NONE)
    else:
        raise TypeError(f"canonical encoding: unsupported type {kind.__name__}")


def canonical_encode(tree: Any) -> bytes:
    """Encode ``tree`` canonically (architecture.md 5.3).

    Args:
        tree: nested ``dict``/``list``/``tuple`` of ``None``, ``bool``, ``int``,
            ``float`` and ``str``; dict keys must be strings.

    Returns:
        The encoding bytes.

    Raises:
        TypeError: on an unsupported type or a non-string dict key.
        ValueError: on an int outside i64.

    >>> canonical_encode([True, -0.0]).hex()
    '05020000000101030000000000000000'
    """
    out: list[bytes] = []
    _encode(tree, out)
    return b"".join(out)


def canonical_hash(tree: Any) -> str:
    """Hex sha256 of :func:`canonical_encode` of ``tree``.

    >>> canonical_hash({})[:16]
    'b45482224b439a3d'
    """
    return hashlib.sha256(canonical_encode(tree)).hexdigest()


def state_hash(state: dict[str, Any]) -> str:
    """The ``state_hash()`` of an exported state tree: its :func:`canonical_hash`."""
    return canonical_hash(state)
