"""Episode seeds of the env APIs (learning.md 4.1 rule 3).

``reset(seed=s)`` makes ``s`` the master seed; a later ``reset()`` without a seed
takes the next output of a SplitMix64 generator seeded with the last explicit seed
(the config's ``seed`` when none was given yet). No global RNG, no wall clock.

>>> seeds = EpisodeSeeds(0)
>>> seeds.next(7), seeds.next(None) == SplitMix64(7).next_u64()
(7, True)
"""

from __future__ import annotations

import numpy as np

from townlet.errors import ProviderError
from townlet.world.rng import MASK64, SplitMix64

__all__ = ["EpisodeSeeds", "check_seed"]


def check_seed(seed: object) -> int:
    """Return ``seed`` as an int in ``[0, 2**64)``.

    Raises:
        ProviderError: for a negative, too large or non-integer seed.
    """
    if isinstance(seed, np.integer):
        seed = int(seed)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MASK64:
        raise ProviderError(f"seed: expected an int in [0, 2**64), got {seed!r}")
    return seed


class EpisodeSeeds:
    """The master seed of each town episode.

    Args:
        config_seed: the config's ``seed``: seeds the generator until an explicit
            seed is given.
    """

    def __init__(self, config_seed: int) -> None:
        self._seeder = SplitMix64(check_seed(config_seed))
        self.current: int | None = None

    def next(self, seed: int | None) -> int:
        """The master seed of the next episode (``seed`` or the next SplitMix64 output).

        Raises:
            ProviderError: for a seed outside ``[0, 2**64)``.
        """
        if seed is not None:
            self.current = check_seed(seed)
            self._seeder = SplitMix64(self.current)
        else:
            self.current = self._seeder.next_u64()
        return self.current
