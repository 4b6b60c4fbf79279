"""Random numbers: SplitMix64 seeding, xoshiro256** streams (architecture.md 5.4).

Both worlds draw from the same generator in the same order (world.md section 14), so a
stream is plain integer arithmetic masked to 64 bits. Python's ``random`` module is
never used. A stream's state is exported as four 16-digit lowercase hex strings.

>>> rng = Rng.for_stream(0, "world")
>>> f"{rng.next_u64():016x}"
'78d3cf7f913164f6'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

__all__ = ["MASK64", "Rng", "SplitMix64", "fnv1a64"]

MASK64 = (1 << 64) - 1
_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
_F64_UNIT = 1.0 / 9007199254740992.0  # 2**-53, exact

T = TypeVar("T")


def fnv1a64(data: bytes) -> int:
    """Return the FNV-1a 64-bit hash of ``data``.

    >>> f"{fnv1a64(b'world'):016x}"
    '4f59ff5e730c8af3'
    """
    h = _FNV_OFFSET
    for byte in data:
        h = ((h ^ byte) * _FNV_PRIME) & MASK64
    return h


class SplitMix64:
    """The SplitMix64 generator used only to seed xoshiro256** states.

    >>> f"{SplitMix64(0).next_u64():016x}"
    'e220a8397b1dcdaf'
    """

    __slots__ = ("state",)

    def __init__(self, seed: int) -> None:
        self.state = seed & MASK64

    def next_u64(self) -> int:
        """Advance and return the next 64-bit output."""
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)


class Rng:
    """One named xoshiro256** stream (``world``, ``events``, ...).

    Args:
        state: the four 64-bit state words s0..s3.
    """

    __slots__ = ("s0", "s1", "s2", "s3")

    def __init__(self, state: Sequence[int]) -> None:
        self.s0, self.s1, self.s2, self.s3 = (int(s) & MASK64 for s in state)

    @classmethod
    def for_stream(cls, master_seed: int, name: str) -> Rng:
        """Derive stream ``name`` from ``master_seed`` (architecture.md 5.4).

        Args:
            master_seed: the world seed in ``[0, 2**64)``.
            name: the stream name, e.g. ``world``.

        >>> Rng.for_stream(0, "events").state_hex()[0]
        '9ebef39610785894'
        """
        seeder = SplitMix64(master_seed ^ fnv1a64(name.encode("utf-8")))
        return cls([seeder.next_u64() for _ in range(4)])

    @classmethod
    def from_hex(cls, words: Sequence[str]) -> Rng:
        """Rebuild a stream from its exported state (four hex strings)."""
        return cls([int(w, 16) for w in words])

    def state_hex(self) -> list[str]:
        """The state as four 16-digit lowercase hex strings (s0..s3)."""
        return [f"{s:016x}" for s in (self.s0, self.s1, self.s2, self.s3)]

    def next_u64(self) -> int:
        """Advance the stream and return its next 64-bit output (xoshiro256**)."""
        s0, s1, s2, s3 = self.s0, self.s1, self.s2, self.s3
        x = (s1 * 5) & MASK64
        result = ((((x << 7) | (x >> 57)) & MASK64) * 9) & MASK64
        t = (s1 << 17) & MASK64
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        self.s0, self.s1, self.s2 = s0, s1, s2
        self.s3 = ((s3 << 45) | (s3 >> 19)) & MASK64
        return result

    def rand_f64(self) -> float:
        """One draw mapped to ``[0, 1)``: ``(next_u64() >> 11) * 2**-53``."""
        return (self.next_u64() >> 11) * _F64_UNIT

    def rand_index(self, n: int) -> int:
        """One draw mapped to ``[0, n)`` as ``next_u64() mod n`` (``n >= 1``)."""
        return self.next_u64() % n

    def shuffle(self, items: list[T]) -> None:
        """Fisher-Yates in place, from the last index down to 1 (``n - 1`` draws).

        >>> xs = list(range(10))
        >>> Rng.for_stream(0, "world").shuffle(xs)
        >>> xs
        [7, 6, 9, 8, 4, 5, 3, 1, 2, 0]
        """
        for i in range(len(items) - 1, 0, -1):
            j = self.next_u64() % (i + 1)
            items[i], items[j] = items[j], items[i]
