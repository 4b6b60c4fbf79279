"""Ties between agents: the store, the event table, admission, decay and the chat
formulas (world.md 10.1, 10.2, 10.4, 10.5).

Each owner keeps at most K directed ties in a list sorted by the other uid, so
iteration order is the spec's order without a dict. Every function here is pure over
the stores it is given: the world draws the random numbers, emits the events and walks
owners in uid order. ``rust/townlet-core/src/ties/mod.rs`` mirrors this module
function by function with the same float operations in the same order (world.md 17);
``tests/data/ties_cases.json`` and a seeded soup pin both to the same bits. Settings
arrive as plain values (this module does not import ``townlet.config``).

>>> ties = Ties()
>>> apply_pair(SHARED_MEAL, Party(0, Ties(), Traits()), Party(1, ties, Traits()), 5,
...            TieSettings()).b_to_a.deltas
Deltas(trust=0.1, familiarity=0.25, rivalry=0.0)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = [
    "BLOCKED",
    "CHAT_FAILED",
    "HELPED_LATE",
    "QUEUE_CUT",
    "QUEUE_POLITE",
    "SHARED_MEAL",
    "TOOK_SHIFT",
    "Applied",
    "ChatParams",
    "Deltas",
    "Modifiers",
    "PairOutcome",
    "Party",
    "Tie",
    "TieEvent",
    "TieSettings",
    "Ties",
    "Traits",
    "apply_direction",
    "apply_pair",
    "chat_good",
    "chat_probability",
    "chat_quality",
    "decay_ties",
    "friends_ranked",
    "listener_view",
    "modified_deltas",
    "rivals_ranked",
    "social_slots",
    "strength",
    "weakest",
]


@dataclass
class Tie:
    """One directed tie from its owner toward ``other`` (world.md 10.1).

    Trust and familiarity lie in [-1, 1], rivalry in [0, 1].
    """

    other: int
    trust: float
    familiarity: float
    rivalry: float
    created_tick: int
    updated_tick: int

    @classmethod
    def fresh(cls, other: int, t: int) -> Tie:
        """A new tie toward ``other`` created at tick ``t``, every component zero.

        >>> Tie.fresh(3, 7).updated_tick
        7
        """
        return cls(other, 0.0, 0.0, 0.0, t, t)


class Ties:
    """One owner's ties, sorted by ascending ``other`` uid (at most K once rules run).

    >>> ties = Ties(); ties.insert(Tie(4, 0.5, 0.0, 0.0, 0, 0)); ties.get(4).trust
    0.5
    """

    __slots__ = ("ties",)

    def __init__(self) -> None:
        self.ties: list[Tie] = []

    def __len__(self) -> int:
        """How many ties the owner keeps."""
        return len(self.ties)

    def __iter__(self) -> Iterator[Tie]:
        """The ties in ascending other uid."""
        return iter(self.ties)

    def get(self, other: int) -> Tie | None:
        """The tie toward ``other``, if any."""
        for tie in self.ties:
            if tie.other == other:
                return tie
        return None

    def insert(self, tie: Tie) -> None:
        """Put ``tie`` in its place, replacing any tie toward the same other uid."""
        for i, old in enumerate(self.ties):
            if old.other == tie.other:
                self.ties[i] = tie
                return
            if old.other > tie.other:
                self.ties.insert(i, tie)
                return
        self.ties.append(tie)

    def remove(self, other: int) -> Tie | None:
        """Remove and return the tie toward ``other``, if any."""
        for i, tie in enumerate(self.ties):
            if tie.other == other:
                return self.ties.pop(i)
        return None


@dataclass(frozen=True)
class Modifiers:
    """Personality modifiers of relationship deltas (``relationships.modifiers``)."""

    enabled: bool = True
    c_forgive: float = 0.5
    c_ambition: float = 0.3
    c_ext_fam: float = 0.02


@dataclass(frozen=True)
class ChatParams:
    """Chat probability, cooldown and reach (``relationships.chat``, world.md 10.4)."""

    base_p: float = 0.7
    trust_coeff: float = 0.3
    fam_coeff: float = 0.2
    ext_coeff: float = 0.1
    p_min: float = 0.05
    p_max: float = 0.95
    cooldown_ticks: int = 30
    max_distance: int = 1


@dataclass(frozen=True)
class TieSettings:
    """The ``relationships`` settings (world.md 10), with the spec defaults.

    ``decay_per_hour`` holds the trust, familiarity and rivalry rates.

    >>> TieSettings().max_ties
    6
    """

    max_ties: int = 6
    admission_threshold: float = 0.2
    decay_per_hour: tuple[float, float, float] = (0.002, 0.002, 0.01)
    drop_below: float = 0.01
    modifiers: Modifiers = field(default_factory=Modifiers)
    avoid_threshold: float = 0.7
    chat: ChatParams = field(default_factory=ChatParams)


def _clamp(x: float, lo: float, hi: float) -> float:
    """``clamp(x, lo, hi)`` of world.md 17.4, with -0.0 stored as +0.0."""
    v = lo if x < lo else hi if x > hi else x
    return _plus_zero(v)


def _plus_zero(x: float) -> float:
    """``x``, with -0.0 replaced by +0.0."""
    return 0.0 if x == 0.0 else x


def strength(tie: Tie) -> float:
    """Strength of a tie: ``(|trust| + |familiarity|) + rivalry``.

    >>> strength(Tie(1, -0.25, 0.5, 0.25, 0, 0))
    1.0
    """
    return (abs(tie.trust) + abs(tie.familiarity)) + tie.rivalry


def weakest(ties: Ties) -> Tie | None:
    """The weakest tie: smallest strength, then ``updated_tick``, then other uid."""
    best: Tie | None = None
    for tie in ties:
        if best is None:
            best = tie
            continue
        s, sb = strength(tie), strength(best)
        if s < sb or (s == sb and tie.updated_tick < best.updated_tick):
            best = tie
    return best


def friends_ranked(ties: Ties) -> list[Tie]:
    """All ties by ``trust + familiarity`` descending, then ascending other uid."""
    # A stable sort keeps ascending uid among equal keys.
    return sorted(ties, key=lambda t: -(t.trust + t.familiarity))


def rivals_ranked(ties: Ties) -> list[Tie]:
    """All ties by ``rivalry`` descending, then ascending other uid."""
    return sorted(ties, key=lambda t: -t.rivalry)


def social_slots(
    ties: Ties, n_friends: int, n_rivals: int
) -> tuple[list[Tie], list[Tie]]:
    """The social slots of learning.md 1.6.

    Up to ``n_friends`` ties with ``trust + familiarity > 0`` by that rank, then up to
    ``n_rivals`` of the ties not placed as friends with ``rivalry > 0``, by rank.

    >>> ties = Ties(); ties.insert(Tie(2, 0.0, 0.0, 0.5, 0, 0))
    >>> [[t.other for t in s] for s in social_slots(ties, 2, 2)]
    [[], [2]]
    """
    friends = [t for t in friends_ranked(ties) if t.trust + t.familiarity > 0.0]
    friends = friends[:n_friends]
    placed = {t.other for t in friends}
    rivals = [
        t for t in rivals_ranked(ties) if t.rivalry > 0.0 and t.other not in placed
    ]
    return friends, rivals[:n_rivals]


class Deltas(NamedTuple):
    """Changes to one direction of a tie."""

    trust: float
    familiarity: float
    rivalry: float


class Traits(NamedTuple):
    """An owner's personality traits, each in [-1, 1] (world.md 4.3)."""

    extroversion: float = 0.0
    forgiveness: float = 0.0
    ambition: float = 0.0


class TieEvent(NamedTuple):
    """A row of the event table (world.md 10.2); ``quality`` is chat_good's q."""

    name: str
    quality: float = 0.0

    def base_deltas(self) -> Deltas:
        """The base deltas; ``chat_good(q)`` scales trust and familiarity by q.

        >>> chat_good(0.5).base_deltas()
        Deltas(trust=0.025, familiarity=0.05, rivalry=0.0)
        """
        if self.name == "chat_good":
            q = self.quality
            return Deltas(0.05 * q, 0.10 * q, 0.0)
        return _TABLE[self.name]


_TABLE = {
    "shared_meal": Deltas(0.10, 0.25, 0.0),
    "queue_polite": Deltas(0.05, 0.05, -0.05),
    "blocked": Deltas(0.0, -0.05, 0.15),
    "queue_cut": Deltas(0.0, -0.05, 0.10),
    "took_shift": Deltas(-0.10, 0.0, 0.30),
    "helped_late": Deltas(0.20, 0.10, -0.10),
    "chat_failed": Deltas(0.0, -0.05, 0.05),
}
_RESENTED = ("took_shift", "blocked", "queue_cut")

SHARED_MEAL = TieEvent("shared_meal")
QUEUE_POLITE = TieEvent("queue_polite")
BLOCKED = TieEvent("blocked")
QUEUE_CUT = TieEvent("queue_cut")
TOOK_SHIFT = TieEvent("took_shift")
HELPED_LATE = TieEvent("helped_late")
CHAT_FAILED = TieEvent("chat_failed")


def chat_good(quality: float) -> TieEvent:
    """The ``chat_good(q)`` event of a successful chat of quality ``q``."""
    return TieEvent("chat_good", quality)


def modified_deltas(event: TieEvent, traits: Traits, modifiers: Modifiers) -> Deltas:
    """The deltas of ``event`` for an owner with ``traits``, after the modifiers.

    >>> modified_deltas(BLOCKED, Traits(), Modifiers())[1:]
    (-0.05, 0.15)
    """
    trust, fam, riv = event.base_deltas()
    if modifiers.enabled:
        if event.name == "chat_good":
            fam = fam + (modifiers.c_ext_fam * traits.extroversion)
        if event.name in _RESENTED and riv > 0.0:
            factor = 1.0 + (modifiers.c_ambition * traits.ambition)
            riv = riv * (factor if factor > 0.0 else 0.0)
        soften = 1.0 - (modifiers.c_forgive * traits.forgiveness)
        if trust < 0.0:
            trust = trust * soften
        if fam < 0.0:
            fam = fam * soften
        if riv > 0.0:
            riv = riv * soften
    return Deltas(_plus_zero(trust), _plus_zero(fam), _plus_zero(riv))


class Applied(NamedTuple):
    """What one applied direction did.

    ``deltas`` are those applied (after modifiers, before clamping); ``evicted`` is
    the owner's weakest tie, evicted for capacity (``tie_evicted``, reason
    ``capacity``), or None.
    """

    deltas: Deltas
    evicted: Tie | None


def apply_direction(
    ties: Ties, other: int, deltas: Deltas, t: int, settings: TieSettings
) -> Applied | None:
    """Apply ``deltas`` to the owner's tie toward ``other`` at tick ``t``.

    World.md 10.2 Application: an existing tie is clamped per component, a new one
    is created from zero while there is room; a full owner admits it only when
    ``m = (|dt| + |df|) + |dr|`` beats both the threshold and the weakest strength.

    Returns:
        What happened, or None when admission refused the new tie.

    >>> ties = Ties()
    >>> apply_direction(ties, 3, Deltas(0.1, 0.25, 0.0), 7, TieSettings()) is None
    False
    >>> ties.get(3).created_tick
    7
    """
    evicted = None
    old = ties.get(other)
    if old is None:
        if len(ties) >= settings.max_ties:
            m = (abs(deltas.trust) + abs(deltas.familiarity)) + abs(deltas.rivalry)
            victim = weakest(ties)
            if victim is None:
                return None
            if not (m > settings.admission_threshold and m > strength(victim)):
                return None
            evicted = ties.remove(victim.other)
        old = Tie.fresh(other, t)
    ties.insert(
        Tie(
            other,
            _clamp(old.trust + deltas.trust, -1.0, 1.0),
            _clamp(old.familiarity + deltas.familiarity, -1.0, 1.0),
            _clamp(old.rivalry + deltas.rivalry, 0.0, 1.0),
            old.created_tick,
            t,
        )
    )
    return Applied(deltas, evicted)


class Party(NamedTuple):
    """One side of a pair event: an agent's uid, ties and traits."""

    uid: int
    ties: Ties
    traits: Traits


class PairOutcome(NamedTuple):
    """What :func:`apply_pair` did in each direction (None where refused).

    The caller emits ``a_to_b.evicted``, then ``b_to_a.evicted`` as ``tie_evicted``,
    and then one ``relationship_event`` whose direction fields are the applied
    deltas or null.
    """

    a_to_b: Applied | None
    b_to_a: Applied | None


def apply_pair(
    event: TieEvent, a: Party, b: Party, t: int, settings: TieSettings
) -> PairOutcome | None:
    """Apply ``event`` to ``a -> b`` and then ``b -> a`` at tick ``t``.

    Each direction uses its owner's modifiers. Returns None (nothing happens) when
    ``a`` and ``b`` are the same agent.
    """
    if a.uid == b.uid:
        return None
    d = modified_deltas(event, a.traits, settings.modifiers)
    a_to_b = apply_direction(a.ties, b.uid, d, t, settings)
    d = modified_deltas(event, b.traits, settings.modifiers)
    b_to_a = apply_direction(b.ties, a.uid, d, t, settings)
    return PairOutcome(a_to_b, b_to_a)


def decay_ties(ties: Ties, forgiveness: float, settings: TieSettings) -> list[Tie]:
    """The hourly decay of one owner's ties (world.md 10.5).

    Returns:
        The faded ties, removed in ascending uid (each a ``tie_evicted``, reason
        ``faded``).

    >>> ties = Ties(); ties.insert(Tie(1, 0.011, 0.0, 0.0, 0, 0))
    >>> len(decay_ties(ties, 0.0, TieSettings())), len(ties)
    (1, 0)
    """
    r_trust, r_fam, r_riv = settings.decay_per_hour
    mods = settings.modifiers
    factor = 1.0 + (mods.c_forgive * forgiveness) if mods.enabled else 1.0
    d = settings.drop_below
    kept: list[Tie] = []
    faded: list[Tie] = []
    for tie in ties.ties:
        tie.trust = _toward_zero(tie.trust, r_trust)
        tie.familiarity = _toward_zero(tie.familiarity, r_fam)
        v = tie.rivalry - (r_riv * factor)
        tie.rivalry = v if v > 0.0 else 0.0
        if abs(tie.trust) < d and abs(tie.familiarity) < d and abs(tie.rivalry) < d:
            faded.append(tie)
        else:
            kept.append(tie)
    ties.ties = kept
    return faded


def _toward_zero(x: float, r: float) -> float:
    """``x`` moved toward 0 by ``r`` without crossing it."""
    if x > 0.0:
        v = x - r
        return v if v > 0.0 else 0.0
    if x < 0.0:
        v = x + r
        return v if v < 0.0 else 0.0
    return 0.0


def listener_view(ties: Ties, speaker: int) -> tuple[float, float]:
    """Trust and familiarity of the listener's tie toward the speaker (0 without)."""
    tie = ties.get(speaker)
    return (0.0, 0.0) if tie is None else (tie.trust, tie.familiarity)


def chat_probability(
    trust: float, familiarity: float, extroversion: float, chat: ChatParams
) -> float:
    """The chat success probability p of world.md 10.4, clamped to [p_min, p_max].

    >>> chat_probability(0.0, 0.0, 0.0, ChatParams())
    0.7
    """
    p = (
        (chat.base_p * (1.0 + chat.trust_coeff * trust))
        * (1.0 + chat.fam_coeff * familiarity)
    ) * (1.0 + chat.ext_coeff * extroversion)
    return _clamp(p, chat.p_min, chat.p_max)


def chat_quality(trust: float, familiarity: float) -> float:
    """The chat quality q of world.md 10.4: ``clamp((0.5 + 0.3t) + 0.2f, 0.1, 1)``.

    >>> chat_quality(0.0, 0.0)
    0.5
    """
    return _clamp((0.5 + 0.3 * trust) + 0.2 * familiarity, 0.1, 1.0)
