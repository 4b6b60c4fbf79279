"""``townlet demo``: scripted stories on a local simulation (operations.md 7).

- :func:`load_story`: a console script plus its ending (:mod:`townlet.demo.story`).
- :class:`DemoRun`, :func:`run_headless`: the runner (:mod:`townlet.demo.runner`).
- :func:`start_web_demo`: the ``--ui web`` entry (:mod:`townlet.demo.web`).
"""

from __future__ import annotations

from townlet.demo.runner import DemoOutcome, DemoRun, narrations_jsonl, run_headless
from townlet.demo.story import DEFAULT_STORY, END_MESSAGE, Story, load_story
from townlet.demo.web import start_web_demo

__all__ = [
    "DEFAULT_STORY",
    "END_MESSAGE",
    "DemoOutcome",
    "DemoRun",
    "Story",
    "load_story",
    "narrations_jsonl",
    "run_headless",
    "start_web_demo",
]
