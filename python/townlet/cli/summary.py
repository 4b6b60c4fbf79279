"""The end summary of ``townlet run`` (architecture.md section 6).

One record, two renderings: text lines for stderr and the ``--summary-json`` object
(``ticks``, ``final_tick``, ``seed``, ``config_id``, ``wall_seconds``,
``ticks_per_second``, ``agent_steps_per_second``, ``providers``, ``state_hash``,
``deaths``, ``kpis``). ``kpis`` holds the loop's KPI tracker (learning.md 5.4,
:mod:`townlet.policy.kpi`) by the spec's names; empty without a tracker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from townlet.core.loop import SimulationLoop
from townlet.core.registry import is_degraded
from townlet.policy.kpi import SPEC_KPIS

__all__ = ["RunSummary", "format_summary"]


@dataclass(frozen=True)
class RunSummary:
    """What a run did, for humans and for ``--summary-json``.

    Attributes:
        ticks: ticks run by this command.
        final_tick: the world's tick at the end.
        seed: master seed.
        config_id: identity of the config.
        run_id: identifier of the run.
        wall_seconds: wall time of the ticks (start-up excluded).
        agent_steps: alive-agent decisions made.
        providers: ``{kind: {name, requested, is_stub, reason}}``.
        degraded: ``[{code, message}]``.
        state_hash: hash of the final world state.
        deaths: terminations by reason.
        invalid_actions: actions outside the mask, run as 0.
        telemetry: the sink's counters.
        kpis: town-life KPIs by name (``None`` where a denominator is empty).
    """

    ticks: int
    final_tick: int
    seed: int
    config_id: str
    run_id: str
    wall_seconds: float
    agent_steps: int
    providers: dict[str, dict[str, Any]]
    degraded: list[dict[str, str]]
    state_hash: str
    deaths: dict[str, int]
    invalid_actions: int
    telemetry: dict[str, Any]
    kpis: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_loop(
        cls, loop: SimulationLoop, *, ticks_run: int, wall_seconds: float
    ) -> RunSummary:
        """Collect the summary of a finished (stopped) loop."""
        status = loop.telemetry.status()
        return cls(
            ticks=ticks_run,
            final_tick=loop.tick,
            seed=loop.seed,
            config_id=loop.config_id,
            run_id=loop.run_id,
            wall_seconds=wall_seconds,
            agent_steps=loop.counters.agent_steps,
            providers=loop.providers_payload(),
            degraded=is_degraded(loop),
            state_hash=loop.world.state_hash(),
            deaths=dict(sorted(loop.counters.deaths.items())),
            invalid_actions=loop.counters.invalid_actions,
            telemetry={
                "provider": status.provider,
                "sent": status.sent,
                "dropped": status.dropped,
                "last_error": status.last_error,
            },
            kpis=loop.kpis.as_dict() if loop.kpis is not None else {},
        )

    @property
    def ticks_per_second(self) -> float:
        """Ticks per wall-clock second (0 when no time elapsed)."""
        return self.ticks / self.wall_seconds if self.wall_seconds > 0 else 0.0

    @property
    def agent_steps_per_second(self) -> float:
        """Alive-agent decisions per wall-clock second."""
        return self.agent_steps / self.wall_seconds if self.wall_seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        """The ``--summary-json`` object."""
        return {
            "ticks": self.ticks,
            "final_tick": self.final_tick,
            "seed": self.seed,
            "config_id": self.config_id,
            "run_id": self.run_id,
            "wall_seconds": self.wall_seconds,
            "ticks_per_second": self.ticks_per_second,
            "agent_steps": self.agent_steps,
            "agent_steps_per_second": self.agent_steps_per_second,
            "providers": self.providers,
            "degraded": self.degraded,
            "state_hash": self.state_hash,
            "deaths": self.deaths,
            "invalid_actions": self.invalid_actions,
            "telemetry": self.telemetry,
            "kpis": self.kpis,
        }


SHOWN_KPIS = (
    *SPEC_KPIS,
    "needs_floor_ratio",
    "attendance_ratio",
    "late_shift_ratio",
    "lateness_mean_ticks",
)
"""KPIs printed in the text summary, in order (all of them go to the JSON)."""


def _kpi_lines(kpis: dict[str, Any]) -> list[str]:
    """``kpis`` lines: measured window first, then the values, four per line.

    >>> _kpi_lines({})
    ['  kpis       none (no KPI tracker)']
    """
    if not kpis:
        return [f"  {'kpis':<10} none (no KPI tracker)"]
    if not kpis.get("measured_ticks"):
        return [f"  {'kpis':<10} n/a (KPIs are measured from the second day on)"]
    cells = []
    for name in SHOWN_KPIS:
        value = kpis.get(name)
        shown = "n/a" if value is None else f"{value:.4g}"
        cells.append(f"{name} {shown}")
    head = f"  {'kpis':<10} over {kpis['measured_ticks']} ticks: "
    rows = [", ".join(cells[i : i + 4]) for i in range(0, len(cells), 4)]
    return [head + rows[0], *(f"  {'':<10} {row}" for row in rows[1:])]


def format_summary(summary: RunSummary) -> str:
    """Human-readable summary lines (for stderr)."""
    deaths = (
        ", ".join(f"{reason} {n}" for reason, n in summary.deaths.items()) or "none"
    )
    lines = [
        f"ran {summary.ticks} ticks in {summary.wall_seconds:.2f} s: "
        f"{summary.ticks_per_second:,.0f} ticks/s, "
        f"{summary.agent_steps_per_second:,.0f} agent-steps/s",
    ]
    for kind in ("world", "policy", "telemetry"):
        info = summary.providers[kind]
        stub = " [stub]" if info["is_stub"] else ""
        lines.append(f"  {kind:<10} {info['name']}{stub} ({info['reason']})")
    lines.append(f"  {'deaths':<10} {deaths}")
    lines.extend(_kpi_lines(summary.kpis))
    lines.append(
        f"  {'events':<10} {summary.telemetry['sent']} sent to telemetry, "
        f"{summary.telemetry['dropped']} dropped"
    )
    lines.extend(f"  degraded   {notice['message']}" for notice in summary.degraded)
    lines.append(
        f"  {'final':<10} tick {summary.final_tick}, state_hash {summary.state_hash}"
    )
    return "\n".join(lines)
