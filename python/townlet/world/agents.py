"""Agents: identity, per-agent state and personality sampling (world.md 4.1-4.3).

An :class:`Agent` is a plain ``__slots__`` record read and written by the tick's hot
loops; needs are three float attributes rather than a dict so that decay touches no
mapping. The exported form (docs/world-state.md section 3) is built by
``townlet.world.state``.

>>> agent_id(7), agent_name(("Alice", "Bob"), 3)
('agent_7', 'Bob-1')
"""

from __future__ import annotations

from collections.abc import Sequence

from townlet.world.employment import Shift
from townlet.world.option_state import OptState
from townlet.world.rng import Rng
from townlet.world.ties import Ties

__all__ = [
    "ORIGINS",
    "Agent",
    "agent_id",
    "agent_name",
    "sample_profile",
]

ORIGINS = ("initial", "newcomer", "console")
"""Spawn causes (world.md 4.2 ``origin``)."""


def agent_id(uid: int) -> str:
    """The agent id of ``uid``: ``agent_<uid>`` (world.md 4.1)."""
    return f"agent_{uid}"


def agent_name(names: Sequence[str], uid: int) -> str:
    """Display name: ``names[uid mod len]``, suffixed ``-<uid div len>`` past the list.

    >>> agent_name(("Alice", "Bob"), 1), agent_name(("Alice", "Bob"), 4)
    ('Bob', 'Alice-2')
    """
    base = names[uid % len(names)]
    return base if uid < len(names) else f"{base}-{uid // len(names)}"


def sample_profile(rng: Rng, distribution: Sequence[tuple[str, float]]) -> str:
    """Pick a profile with exactly one ``rand_f64`` draw (world.md 4.3).

    The first profile ``i`` with ``u * total < acc_i`` wins (sums left to right); if
    rounding leaves none, the last profile with a positive weight.

    >>> sample_profile(Rng.for_stream(0, "world"), [("a", 1.0), ("b", 1.0)])
    'a'
    """
    u = rng.rand_f64()
    total = 0.0
    for _, weight in distribution:
        total += weight
    scaled = u * total
    acc = 0.0
    for name, weight in distribution:
        acc += weight
        if scaled < acc:
            return name
    return [name for name, weight in distribution if weight > 0.0][-1]


class Agent:
    """One resident's state (world.md 4.2; the fields of this slice).

    ``action``, ``target`` (the resolved CHAT's listener uid) and ``needs_before``
    are per-tick scratch values, not state.
    """

    __slots__ = (
        "absence_days",
        "act",
        "action",
        "alive",
        "ambition",
        "arg",
        "bed",
        "chat_cooldowns",
        "ctx_reset",
        "energy",
        "eng",
        "eng_aff",
        "eng_cost",
        "eng_obj",
        "eng_remaining",
        "eng_started",
        "exit_pending",
        "extroversion",
        "forgiveness",
        "home",
        "hunger",
        "hunger_low_ticks",
        "hygiene",
        "id",
        "items",
        "job",
        "last_aff",
        "last_chat_tick",
        "last_kind",
        "last_ok",
        "last_reason",
        "multipliers",
        "name",
        "needs_before",
        "opt",
        "origin",
        "possessed",
        "profile",
        "progressed",
        "rent_missed_streak",
        "shift",
        "shift_absent_mark",
        "shift_start_mark",
        "slot",
        "spawned_tick",
        "target",
        "term_mark",
        "terminated_tick",
        "ties",
        "uid",
        "wage_paid",
        "wallet",
        "x",
        "y",
    )

    def __init__(
        self,
        uid: int,
        name: str,
        slot: int,
        origin: str,
        spawned_tick: int,
        position: tuple[int, int],
        needs: tuple[float, float, float],
        wallet: float,
        items: Sequence[int],
    ) -> None:
        self.uid = uid
        self.id = agent_id(uid)
        self.name = name
        self.slot = slot
        self.origin = origin
        self.spawned_tick = spawned_tick
        self.alive = True
        self.terminated_tick = -1
        self.x, self.y = position
        self.home: str | None = None
        self.bed: int | None = None
        self.hunger, self.hygiene, self.energy = needs
        self.hunger_low_ticks = 0
        self.wallet = wallet
        self.items = list(items)
        self.profile = ""
        self.extroversion = 0.0
        self.forgiveness = 0.0
        self.ambition = 0.0
        self.multipliers = (1.0, 1.0, 1.0)
        self.last_kind = "wait"
        self.last_ok = True
        self.last_reason = 0
        self.ctx_reset = True
        self.ties = Ties()
        self.chat_cooldowns: dict[int, int] = {}
        self.last_chat_tick = -1
        self.rent_missed_streak = 0
        self.job: int | None = None
        self.shift = Shift()
        self.absence_days: list[int] = []
        self.exit_pending = False
        self.opt = OptState()
        self.possessed = False
        # Scratch: the triple queued by console ``act`` for this tick's step 6.
        self.act: tuple[int, int, int] | None = None
        self.action = 0
        self.target = -1
        self.needs_before = needs
        # Scratch of this tick for StepResult.wages / flags (core.types.RowFlags).
        self.wage_paid = 0.0
        self.shift_start_mark = 0
        self.shift_absent_mark = False
        self.term_mark = 0
        # Engagement (world.md 6.2): kind, object (-1 for none and item uses), the
        # intent or running affordance (-1 for none), remaining progress ticks, start
        # tick (-1 unless running/using) and the money charged at start.
        self.eng = "none"
        self.eng_obj = -1
        self.eng_aff = -1
        self.eng_remaining = 0
        self.eng_started = -1
        self.eng_cost = 0.0
        # (affordance index, result, reason, tick) of the latest start/finish, or None.
        self.last_aff: tuple[int, str, int, int] | None = None
        # Scratch: the affordance that progressed in this tick's step 8, or -1.
        self.progressed = -1
        # Scratch: the second argument (affordance index) of the resolved triple.
        self.arg = -1

    @property
    def needs(self) -> tuple[float, float, float]:
        """Hunger, hygiene and energy."""
        return (self.hunger, self.hygiene, self.energy)

    def __repr__(self) -> str:
        return f"Agent({self.id}, alive={self.alive}, pos=({self.x}, {self.y}))"
