"""Assembly of the 12 components into the total (learning.md 3.2).

>>> import numpy as np
>>> c = np.zeros((1, 12)); c[0, 0] = 0.5; c[0, 11] = -1.0
>>> comps, total = assemble(c, np.array([False]), clip=0.2)
>>> [round(float(x), 6) for x in comps[0, 9:]], float(total[0])
([0.0, -0.3, -1.0], -0.800000011920929)
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["CLIP", "GUARD", "TERMINAL", "assemble"]

GUARD, CLIP, TERMINAL = 9, 10, 11
"""Columns of ``guard_adj``, ``clip_adj`` and ``terminal``."""


def assemble(
    comps: npt.NDArray[np.float64],
    guard: npt.NDArray[np.bool_],
    *,
    clip: float,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Fill columns 9 and 10 of ``comps`` in place; return f32 components and total.

    ``NT = c0 + ... + c8`` left to right; ``c9 = -NT`` when guarded and ``NT > 0``;
    ``c10 = clamp(NT', -clip, clip) - NT'``; ``total = NT' + c10 + c11``.
    """
    nt = comps[:, 0].copy()
    for k in range(1, 9):
        nt = nt + comps[:, k]
    comps[:, GUARD] = np.where(guard & (nt > 0.0), -nt, 0.0)
    nt2 = nt + comps[:, GUARD]
    comps[:, CLIP] = np.clip(nt2, -clip, clip) - nt2
    total = nt2 + comps[:, CLIP] + comps[:, TERMINAL]
    return comps.astype(np.float32), total.astype(np.float32)
