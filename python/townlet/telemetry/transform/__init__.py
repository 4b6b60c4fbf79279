"""Transforms applied to tick states on each transport's worker (operations.md 1.2).

See :mod:`townlet.telemetry.transform.chain`.
"""

from townlet.telemetry.transform.chain import (
    TRANSFORM_IDS,
    TransformChain,
    build_chain,
)

__all__ = ["TRANSFORM_IDS", "TransformChain", "build_chain"]
