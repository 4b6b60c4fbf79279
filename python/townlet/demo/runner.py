"""The demo runner: a story injected into a local session (operations.md 7.2).

:class:`DemoRun` owns a :class:`~townlet.ui.dashboard.session.LocalSession` (principal
``system:demo``) and a :class:`~townlet.console.script.ScriptRunner`. It ticks the
session until the story's last tick, then pauses. :func:`run_headless` is
``townlet demo --ui none``: it returns the narrations, which depend only on the
story, its config and its seed, so ``tests/golden/demo_day_one_narrations.jsonl``
pins them.

    run = run_headless(load_story(), workdir=tmp)
    run.narrations[0]["message"]  # 'Dawn in Townlet. Ten residents, ...'
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from townlet.console.envelope import Result
from townlet.console.script import ScriptRunner, ScriptStep
from townlet.demo.story import Story
from townlet.ui.dashboard.session import LocalSession

__all__ = ["DemoOutcome", "DemoRun", "friend_pairs", "narrations_jsonl", "run_headless"]

GOLDEN_FIELDS = ("tick", "category", "message")


class DemoRun:
    """A story running on a fresh local session.

    Args:
        story: the validated story.
        workdir: audit log and snapshots (default: the config's paths).
        world: world provider (default: the config's).
    """

    def __init__(
        self, story: Story, workdir: str | Path | None = None, world: str | None = None
    ) -> None:
        self.story = story
        self.session = LocalSession(
            story.config,
            seed=story.script.seed,
            principal="system:demo",
            workdir=workdir,
            world=world,
        )
        self.runner = ScriptRunner(
            story.script, self.session.console, principal="system:demo"
        )

    def start(self) -> None:
        """Start the session; the runner submits before the console drains."""
        self.runner.attach(self.session.loop)
        self.session.start()

    def stop(self) -> None:
        """Stop the session."""
        self.session.stop()

    @property
    def finished(self) -> bool:
        """Whether the story's last tick has run."""
        return self.session.tick_count >= self.story.ticks

    def advance(self) -> bool:
        """Run one tick unless paused or finished; pause at the end.

        Returns:
            Whether a tick ran.
        """
        if self.finished:
            return False
        ran = self.session.tick()
        if self.finished and not self.session.paused:
            self.session.command("pause")
        return ran

    def resolve(self, value: Any) -> Any:
        """A camera ``focus``: ``$ref`` becomes the agent id its step returned."""
        if isinstance(value, str) and value.startswith("$"):
            found = self.runner.refs.get(value[1:])
            data = (found.result or {}) if found is not None else {}
            return data.get("agent_id", value)
        return value

    def outcome(self) -> DemoOutcome:
        """What the run showed so far: narrations, command results, event counts."""
        events = self.session.tap.event_totals
        return DemoOutcome(
            narrations=list(self.session.tap.narrations),
            step_results=list(self.runner.results),
            event_counts=dict(events),
            ticks=self.session.tick_count,
            friend_pairs=friend_pairs(self.session.ties()),
        )


@dataclass
class DemoOutcome:
    """A finished (or stopped) demo.

    Attributes:
        narrations: ``{tick, category, message, priority, focus}`` in order.
        step_results: ``(step, result envelope)`` of every injected step.
        event_counts: world events by name, over the whole run.
        ticks: the last tick run.
        friend_pairs: agent pairs with mutual trust >= 0.5 at the end (sorted).
    """

    narrations: list[dict[str, Any]]
    step_results: list[tuple[ScriptStep, Result]] = field(default_factory=list)
    event_counts: dict[str, int] = field(default_factory=dict)
    ticks: int = 0
    friend_pairs: list[tuple[str, str]] = field(default_factory=list)

    @property
    def results(self) -> list[tuple[str, str]]:
        """``(command, status)`` of every injected step."""
        return [(step.name, result.status) for step, result in self.step_results]


def friend_pairs(
    ties: dict[str, list[dict[str, Any]]], threshold: float = 0.5
) -> list[tuple[str, str]]:
    """Unordered pairs whose trust is >= ``threshold`` both ways (operations.md 1.9).

    >>> friend_pairs({"a": [{"other": "b", "trust": 0.6}],
    ...               "b": [{"other": "a", "trust": 0.5}]})
    [('a', 'b')]
    """
    trust = {
        (agent, str(tie["other"])): float(tie.get("trust", 0.0))
        for agent, agent_ties in ties.items()
        for tie in agent_ties
    }
    return sorted(
        (a, b)
        for (a, b), value in trust.items()
        if a < b and value >= threshold and trust.get((b, a), 0.0) >= threshold
    )


def narrations_jsonl(narrations: list[dict[str, Any]]) -> str:
    """The golden-file form: one ``{tick, category, message}`` JSON object a line.

    >>> narrations_jsonl([{"tick": 1, "category": "c", "message": "m", "focus": None}])
    '{"tick": 1, "category": "c", "message": "m"}\\n'
    """
    lines = [
        json.dumps({k: n[k] for k in GOLDEN_FIELDS}, ensure_ascii=False)
        for n in narrations
    ]
    return "".join(line + "\n" for line in lines)


def run_headless(
    story: Story,
    *,
    tps: float = 0.0,
    workdir: str | Path | None = None,
    world: str | None = None,
) -> DemoOutcome:
    """Play a story with no UI (``townlet demo --ui none``).

    Args:
        story: the validated story.
        tps: ticks per second (0: as fast as possible; pacing never changes results).
        workdir: audit log and snapshots.
        world: world provider.
    """
    run = DemoRun(story, workdir=workdir, world=world)
    period = 1.0 / tps if tps > 0 else 0.0
    run.start()
    try:
        while run.advance():
            if period:
                time.sleep(period)
        return run.outcome()
    finally:
        run.stop()
