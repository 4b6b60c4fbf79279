"""Panel texts for the terminal dashboard (operations.md 4.3): header, agents,
detail, narrations, KPIs, economy. Pure functions of a session, no Textual.

>>> kpi_line("needs_floor_ratio", None, [])
'needs_floor_ratio         n/a'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from townlet.core.types import WorldView
from townlet.ui.dashboard.render import clock_text, need_bar, sparkline

__all__ = [
    "KPI_NAMES",
    "NEEDS",
    "agent_row",
    "detail_text",
    "economy_text",
    "event_line",
    "header_text",
    "kpi_line",
    "narration_lines",
]

NEEDS = ("hunger", "hygiene", "energy")
KPI_NAMES = (
    "needs_floor_ratio",
    "attendance_ratio",
    "late_shift_ratio",
    "lateness_mean_ticks",
    "queue_conflicts_per_day",
    "faints",
)


def header_text(
    view: WorldView, *, paused: bool, tps: float | None, mode: str = "local"
) -> str:
    """Tick, clock, tps and the connection state (``Live`` or ``Paused``).

    >>> from townlet.core.types import WorldView
    >>> header_text(WorldView(5, 0, 5, 1, 1, (".",), (), (), ()), paused=True, tps=None)
    'tick 5 | day 0 00:05 | tps n/a | Paused | local'
    """
    state = "Paused" if paused else "Live"
    rate = "n/a" if tps is None else f"{tps:.1f}"
    clock = clock_text(view.day, view.minute)
    return f"tick {view.tick} | {clock} | tps {rate} | {state} | {mode}"


def agent_row(agent: Mapping[str, Any]) -> tuple[str, ...]:
    """One agents-table row: id, name, the three needs, wallet, alive.

    >>> agent_row({"id": "a", "name": "A", "needs": {"hunger": 0.5}, "wallet": 2})
    ('a', 'A', '0.50', 'n/a', 'n/a', '2.00', 'yes')
    """
    needs = agent.get("needs") or {}
    cells = [f"{needs[n]:.2f}" if n in needs else "n/a" for n in NEEDS]
    wallet = agent.get("wallet")
    return (
        str(agent["id"]),
        str(agent.get("name", "")),
        *cells,
        "n/a" if wallet is None else f"{float(wallet):.2f}",
        "yes" if agent.get("alive", True) else "no",
    )


def detail_text(
    agent: Mapping[str, Any] | None, ties: Sequence[Mapping[str, Any]] = ()
) -> str:
    """The selected agent: needs bars, wallet, items, home and top ties."""
    if agent is None:
        return "No agent selected (j / k to select)."
    needs = agent.get("needs") or {}
    lines = [f"{agent['id']}  {agent.get('name', '')}  ({agent.get('profile', '?')})"]
    lines += [f"{n:<8}{need_bar(needs.get(n))}" for n in NEEDS]
    lines.append(f"wallet  {float(agent.get('wallet', 0.0)):.2f}")
    items = agent.get("items") or {}
    lines.append("items   " + ", ".join(f"{k} {v}" for k, v in sorted(items.items())))
    lines.append(f"home    {agent.get('home', '-')}  at {agent.get('position')}")
    friend = max(ties, key=lambda t: float(t.get("trust", 0)), default=None)
    rival = max(ties, key=lambda t: float(t.get("rivalry", 0)), default=None)
    if friend is not None:
        lines.append(f"friend  {friend['other']} trust {float(friend['trust']):.2f}")
    if rival is not None and float(rival.get("rivalry", 0)) > 0:
        lines.append(f"rival   {rival['other']} rivalry {float(rival['rivalry']):.2f}")
    return "\n".join(lines)


def narration_lines(narrations: Iterable[Mapping[str, Any]], limit: int = 50) -> str:
    """Newest first, priority marked with ``!``; a placeholder when empty."""
    items = list(narrations)[-limit:][::-1]
    if not items:
        return "No narrations yet."
    return "\n".join(
        f"{'!' if n.get('priority') else ' '} {n['tick']:>5} {n['message']}"
        for n in items
    )


def event_line(event: Mapping[str, Any]) -> str:
    """One notable world event in words (the dashboard's "Events" list).

    >>> event_line({"tick": 9, "name": "queue_conflict", "object_id": "till_1",
    ...             "kind": "cut_in", "actor": "a", "rival": "b"})
    '    9 queue conflict at till_1: a cut_in b'
    """
    name, tick = str(event.get("name")), int(event.get("tick", 0))
    if name == "queue_conflict":
        text = (
            f"queue conflict at {event.get('object_id')}: "
            f"{event.get('actor')} {event.get('kind')} {event.get('rival')}"
        )
    elif name == "perturbation_started":
        targets = " ".join(str(t) for t in event.get("targets") or [])
        text = f"{event.get('spec')} starts {targets}".rstrip()
        text += f" until {event.get('ends_at')}"
    elif name == "perturbation_ended":
        text = f"{event.get('spec')} ends"
    elif name == "agent_spawned":
        text = f"newcomer {event.get('agent_id')} ({event.get('agent_name')})"
    elif name == "utility_changed":
        state = "back" if event.get("up") else "out"
        text = f"{event.get('utility')} {state}"
    elif name == "shared_meal":
        text = "shared meal: " + " and ".join(str(a) for a in event.get("agents", []))
    else:
        text = name.replace("_", " ")
    return f"{tick:>5} {text}"


def kpi_line(name: str, value: Any, history: Sequence[float | None]) -> str:
    """``name  value  sparkline`` (``n/a`` while the window has not filled)."""
    shown = "n/a" if value is None else f"{float(value):.2f}"
    spark = sparkline(list(history)[-24:]) if history else ""
    return f"{name:<24}{shown:>5} {spark}".rstrip()


def economy_text(
    state_economy: Mapping[str, Any],
    utilities: Mapping[str, str],
    active: Sequence[Mapping[str, Any]] = (),
) -> str:
    """Prices (marked ``^`` above base), power / water, active perturbations.

    >>> print(economy_text({"prices": {"meal": 1.5}, "base_prices": {"meal": 1.0}},
    ...     {}, [{"spec": "price_spike", "targets": ["grocer"], "ends_at": 660}]))
    prices  meal 1.50^
    power: ON  water: ON
    price_spike grocer until 660
    """
    prices = state_economy.get("prices", {})
    base = state_economy.get("base_prices", {})
    parts = []
    for item in sorted(prices):
        mark = "^" if float(prices[item]) > float(base.get(item, prices[item])) else ""
        parts.append(f"{item} {float(prices[item]):.2f}{mark}")
    util = "  ".join(f"{k}: {v}" for k, v in sorted(utilities.items()))
    text = "prices  " + "  ".join(parts) + "\n" + (util or "power: ON  water: ON")
    for event in active:
        targets = " ".join(str(t) for t in event.get("targets") or [])
        name = f"{event.get('spec')} {targets}".rstrip()
        text += f"\n{name} until {event.get('ends_at')}"
    return text
