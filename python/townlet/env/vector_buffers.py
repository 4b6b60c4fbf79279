"""The flat, seat-indexed buffers of the vector API (learning.md 1.8 and 4.4).

Row ``i * S + s`` is seat ``s`` of town ``i``. :func:`vector_buffers` allocates
every buffer the vector needs and checks the caller-owned ones once (dtype, shape,
C-contiguity, writeability); a refused array raises ``ProviderError`` naming it:

>>> shape = RowShape(towns=2, seats=3, features=4, actions=8, map_shape=None)
>>> bufs = vector_buffers(shape, None)
>>> bufs["features"].shape, bufs["uid"].dtype.name, bufs["town_reset"].shape
((6, 4), 'int64', (2,))
>>> try:
...     vector_buffers(shape, {"alive": np.zeros(6, dtype=np.int8)})
... except ProviderError as exc:
...     print(exc)
alive: expected bool array of shape (6,), got int8 of shape (6,)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from townlet.core.types import REWARD_COMPONENTS
from townlet.errors import ProviderError

__all__ = ["CALLER_BUFFERS", "RowShape", "vector_buffers"]

CALLER_BUFFERS: tuple[str, ...] = (
    "actions",
    "map",
    "features",
    "action_mask",
    "ctx_reset",
    "alive",
    "uid",
    "rewards",
    "reward_components",
    "terminated",
    "truncated",
    "final_map",
    "final_features",
)
"""The buffers of learning.md 4.4 a caller may own (``buffers=``)."""


@dataclass(frozen=True)
class RowShape:
    """The sizes of the rows.

    Attributes:
        towns: T.
        seats: S per town.
        features: F.
        actions: A, mask columns.
        map_shape: ``(C, W, W)`` or None (compact).
    """

    towns: int
    seats: int
    features: int
    actions: int
    map_shape: tuple[int, int, int] | None

    @property
    def rows(self) -> int:
        """N = T * S."""
        return self.towns * self.seats


def _layout(shape: RowShape) -> dict[str, tuple[Any, tuple[int, ...]]]:
    """Name -> (dtype, shape) of every buffer, in binding order."""
    n = shape.rows
    table: dict[str, tuple[Any, tuple[int, ...]]] = {
        "actions": (np.int32, (n,)),
        "features": (np.float32, (n, shape.features)),
        "action_mask": (np.int8, (n, shape.actions)),
        "ctx_reset": (np.bool_, (n,)),
        "alive": (np.bool_, (n,)),
        "uid": (np.int64, (n,)),
        "rewards": (np.float32, (n,)),
        "reward_components": (np.float32, (n, len(REWARD_COMPONENTS))),
        "terminated": (np.bool_, (n,)),
        "truncated": (np.bool_, (n,)),
        "final_features": (np.float32, (n, shape.features)),
        "needs_before": (np.float64, (n, 3)),
        "needs_after": (np.float64, (n, 3)),
        "wages": (np.float64, (n,)),
        "hunger_low_ticks": (np.int32, (n,)),
        "exit_pending": (np.bool_, (n,)),
        "shift_start": (np.int8, (n,)),
        "shift_absent": (np.bool_, (n,)),
        "terminal": (np.int8, (n,)),
        "spawned": (np.bool_, (n,)),
        "town_reset": (np.bool_, (shape.towns,)),
    }
    if shape.map_shape is not None:
        table["map"] = (np.float32, (n, *shape.map_shape))
        table["final_map"] = (np.float32, (n, *shape.map_shape))
    return table


def _shape_text(shape: tuple[int, ...]) -> str:
    """``(3,)`` / ``(3, 4)`` as Python prints tuples."""
    return str(tuple(shape))


def _check(name: str, array: object, dtype: Any, shape: tuple[int, ...]) -> None:
    """Refuse ``array`` unless it is a writeable C-contiguous ``dtype`` array of
    ``shape``."""
    want = f"{np.dtype(dtype).name} array of shape {_shape_text(shape)}"
    if not isinstance(array, np.ndarray):
        raise ProviderError(f"{name}: expected {want}, got {type(array).__name__}")
    if array.dtype != np.dtype(dtype) or array.shape != shape:
        raise ProviderError(
            f"{name}: expected {want}, got {array.dtype.name} of shape "
            f"{_shape_text(array.shape)}"
        )
    if not array.flags.c_contiguous:
        raise ProviderError(f"{name}: expected a C-contiguous array")
    if not array.flags.writeable:
        raise ProviderError(f"{name}: array is not writeable")


def vector_buffers(
    shape: RowShape, given: Mapping[str, Any] | None
) -> dict[str, npt.NDArray[Any]]:
    """Every buffer of a vector of ``shape``: the ``given`` caller-owned arrays
    (checked once) and zeroed new ones for the rest.

    Raises:
        ProviderError: an unknown name, a map for the compact variant, or an array of
            the wrong dtype, shape, layout or a read-only one.
    """
    table = _layout(shape)
    given = dict(given or {})
    for name in given:
        if name not in CALLER_BUFFERS:
            raise ProviderError(
                f"buffers: unknown buffer '{name}'; expected some of "
                f"{', '.join(CALLER_BUFFERS)}"
            )
        if name not in table:
            raise ProviderError(f"{name}: the compact variant has no map")
    out: dict[str, npt.NDArray[Any]] = {}
    seen: list[npt.NDArray[Any]] = []
    for name, (dtype, dims) in table.items():
        if name in given:
            array = given[name]
            _check(name, array, dtype, dims)
            if any(np.shares_memory(array, other) for other in seen):
                raise ProviderError(f"{name}: overlaps another buffer")
            seen.append(array)
            out[name] = array
        else:
            out[name] = np.zeros(dims, dtype=dtype)
    if "uid" not in given:
        out["uid"].fill(-1)
    return out
