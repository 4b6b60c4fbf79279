"""The feature columns the scripted policy reads, looked up by name once.

:data:`COLUMNS` is the policy's own column order; :func:`column_index` maps it onto
an :class:`~townlet.core.types.ObservationSpec`'s ``features`` so ``decide`` gathers
every column it needs with one fancy index. The module-level ints below are
positions in that gathered ``(N, len(COLUMNS))`` matrix.

>>> column_index(COLUMNS[::-1])[:2].tolist()
[29, 28]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from townlet.errors import ProviderError

__all__ = ["COLUMNS", "column_index"]

COLUMNS: tuple[str, ...] = (
    "hunger",
    "hygiene",
    "energy",
    "wallet",
    "carry_raw_food",
    "carry_meal",
    "home_raw_food",
    "home_meal",
    "time_linear",
    "has_job",
    "on_shift",
    "shift_awaiting",
    "shift_on_time",
    "shift_late",
    "until_shift_start",
    "opt_get_fed",
    "opt_get_clean",
    "opt_sleep",
    "opt_work",
    "opt_shop",
    "opt_socialise",
    "opt_go_home",
    "since_chat",
    "fridge_dist",
    "shower_dist",
    "work_dist",
    "cafe_dist",
    "rival_near",
    "extroversion",
    "busy",
)
"""Feature names the policy reads, in the gathered matrix's column order."""

NEED0 = 0  # hunger, hygiene, energy: columns 0..2
WALLET = 3
CARRY_RAW = 4
CARRY_MEAL = 5
HOME_RAW = 6
HOME_MEAL = 7
TIME = 8
HAS_JOB = 9
ON_SHIFT = 10
AWAITING = 11  # awaiting, on_time, late: columns 11..13
UNTIL_START = 14
OPT0 = 15  # opt_get_fed .. opt_go_home: columns 15..21 (option ids 1..7)
SINCE_CHAT = 22
FRIDGE_DIST = 23
SHOWER_DIST = 24
WORK_DIST = 25
CAFE_DIST = 26
RIVAL_NEAR = 27
EXTROVERSION = 28
BUSY = 29


def column_index(features: Sequence[str]) -> npt.NDArray[np.intp]:
    """Positions of :data:`COLUMNS` in a spec's feature names.

    Raises:
        ProviderError: a needed feature is missing from the layout.
    """
    where = {name: i for i, name in enumerate(features)}
    missing = [name for name in COLUMNS if name not in where]
    if missing:
        raise ProviderError(
            "scripted policy needs observation features that the layout lacks: "
            + ", ".join(missing)
        )
    return np.array([where[name] for name in COLUMNS], dtype=np.intp)
