"""Per-principal token buckets (operations.md ingress step 9).

At most ``per_s`` commands per second per principal, bursts up to ``burst``. The clock
is injected, so tests need no sleeping; rate limiting never touches simulation state.

>>> t = [0.0]
>>> bucket = RateLimiter(per_s=1.0, burst=2, clock=lambda: t[0])
>>> [bucket.allow("a") for _ in range(3)]
[True, True, False]
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["RateLimiter"]


class RateLimiter:
    """Token buckets keyed by principal name.

    Args:
        per_s: refill rate in commands per second.
        burst: bucket size.
        clock: monotonic seconds.
    """

    def __init__(self, per_s: float, burst: int, clock: Callable[[], float]) -> None:
        self._rate = per_s
        self._burst = float(burst)
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str) -> bool:
        """Take one token for ``key``; False when its bucket is empty."""
        now = self._clock()
        level, last = self._buckets.get(key, (self._burst, now))
        level = min(self._burst, level + (now - last) * self._rate)
        if level < 1.0:
            self._buckets[key] = (level, now)
            return False
        self._buckets[key] = (level - 1.0, now)
        return True
