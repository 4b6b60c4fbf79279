"""Economy: prices, rent, restock and utilities (world.md 8).

Prices live on the state as ``base_prices`` and ``prices`` (effective), one entry per
key of ``economy.prices`` in config order. :func:`effective_price` and
:func:`utility_up` are the two readers other rules use (costs, preconditions). A guide
for newcomers is docs/rules/economy-and-jobs.md. Mirrors ``econ.rs``.

>>> from townlet.world.econ import UTILITIES
>>> UTILITIES
('power', 'water')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from townlet.errors import SnapshotError
from townlet.world.exits import trigger_exit
from townlet.world.perturbations import outage_active, spike_factor_applied

if TYPE_CHECKING:
    from townlet.world.state import WorldState

__all__ = [
    "UTILITIES",
    "EconomyRules",
    "calendar",
    "check_economy",
    "collect_rent",
    "effective_price",
    "export_economy",
    "import_economy",
    "price_index",
    "recompute_prices",
    "restock",
    "set_base_price",
    "utility_up",
]

UTILITIES = ("power", "water")
"""The utilities of world.md 8.4."""

_U32_MAX = (1 << 32) - 1


@dataclass(frozen=True, slots=True)
class EconomyRules:
    """The daily money schedule of ``economy`` (world.md 8.1; defaults when absent).

    >>> EconomyRules().restock_minute
    300
    """

    price_groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    rent_per_day: float = 2.0
    rent_minute: int = 0
    restock_minute: int = 300


def effective_price(state: WorldState, key: int) -> float:
    """The effective price of price key ``key`` (index in ``economy.prices``)."""
    return state.prices[key] if 0 <= key < len(state.prices) else 0.0


def utility_up(state: WorldState, utility: str) -> bool:
    """Whether ``utility`` is up: no active outage of it exists (world.md 8.4).

    Derived state, never stored: true while no blackout (power) or water outage
    (water) perturbation is active (world.md 12).
    """
    return not outage_active(state, utility)


def price_index(state: WorldState, key: str) -> int | None:
    """Index of price key ``key`` in ``economy.prices``."""
    for k, (name, _) in enumerate(state.settings.prices):
        if name == key:
            return k
    return None


def recompute_prices(state: WorldState, cause: str) -> None:
    """Recompute every effective price (world.md 8.1).

    Emits one ``price_changed {cause}`` per changed key, in ``economy.prices`` order.
    """
    for k, base in enumerate(state.base_prices):
        effective = spike_factor_applied(state, k, base)
        if state.prices[k] != effective:
            state.prices[k] = effective
            state.events.emit(
                "price_changed",
                key=state.settings.prices[k][0],
                base=base,
                effective=effective,
                cause=cause,
            )


def set_base_price(state: WorldState, index: int, value: float) -> None:
    """Console ``price``: set the base price of key ``index`` and recompute."""
    state.base_prices[index] = 0.0 if value == 0.0 else float(value)
    recompute_prices(state, "console")


def collect_rent(state: WorldState) -> None:
    """Rent (world.md 8.2): every alive agent with a home pays or misses it."""
    amount = state.settings.economy.rent_per_day
    for agent in state.agents:
        if not agent.alive or agent.home is None:
            continue
        paid = agent.wallet >= amount
        if paid:
            agent.wallet -= amount
            agent.rent_missed_streak = 0
        else:
            agent.rent_missed_streak = min(agent.rent_missed_streak + 1, _U32_MAX)
        state.events.emit(
            "rent_paid" if paid else "rent_missed",
            agent_id=agent.id,
            amount=amount,
            streak=agent.rent_missed_streak,
        )
        if (
            not paid
            and agent.rent_missed_streak >= state.settings.exits.rent_missed_limit
        ):
            trigger_exit(state, agent, "rent")


def restock(state: WorldState) -> None:
    """Restock (world.md 8.3): raise every stock below its restock level to it."""
    s = state.settings
    for obj, stock in zip(state.grid.objects, state.stock, strict=True):
        levels = dict(s.object_types[obj.type_index].restock)
        for k, item in enumerate(s.items):
            level = levels.get(item.name)
            if level is not None and stock[k] < level:
                before = stock[k]
                stock[k] = level
                state.events.emit(
                    "stock_restocked",
                    object_id=obj.id,
                    item=item.name,
                    before=before,
                    after=level,
                )


def calendar(state: WorldState) -> None:
    """The economy part of step 4: rent, then restock, each at its minute."""
    minute = state.minute()
    if minute == state.settings.economy.rent_minute:
        collect_rent(state)
    if minute == state.settings.economy.restock_minute:
        restock(state)


def _price_dict(state: WorldState, values: list[float]) -> dict[str, float]:
    return {key: values[k] for k, (key, _) in enumerate(state.settings.prices)}


def export_economy(state: WorldState) -> dict[str, Any]:
    """The ``economy`` subtree of the state (docs/world-state.md section 3)."""
    return {
        "base_prices": _price_dict(state, state.base_prices),
        "prices": _price_dict(state, state.prices),
    }


def import_economy(state: WorldState, node: Mapping[str, Any]) -> None:
    """Read the ``economy`` subtree of a checked tree back into ``state``."""
    keys = [key for key, _ in state.settings.prices]
    state.base_prices = [node["base_prices"][key] for key in keys]
    state.prices = [node["prices"][key] for key in keys]


def check_economy(state: WorldState, tree: Mapping[str, Any]) -> None:
    """Check the ``economy`` subtree and every ``rent_missed_streak`` of a sound tree.

    Raises:
        SnapshotError: naming the first bad path.
    """
    keys = [key for key, _ in state.settings.prices]
    for part in ("base_prices", "prices"):
        path = f"economy.{part}"
        node = tree["economy"][part]
        if sorted(node) != sorted(keys):
            raise SnapshotError(f"{path}: expected the price keys {', '.join(keys)}")
        for key in keys:
            if node[key] < 0.0:
                raise SnapshotError(f"{path}.{key}: must be >= 0.0, got {node[key]!r}")
    for i, agent in enumerate(tree["agents"]):
        n = agent["rent_missed_streak"]
        if not 0 <= n <= _U32_MAX:
            path = f"agents[{i}].rent_missed_streak"
            raise SnapshotError(f"{path}: must be in [0, {_U32_MAX}], got {n}")
