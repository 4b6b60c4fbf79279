"""Demo stories: console scripts with an ending (operations.md 7.1, 7.2).

A story is a console script (:mod:`townlet.console.script`); :func:`load_story`
validates it (every problem listed, exit code 2), resolves its ``config`` (against
the working directory, else the story's own folder) and appends the ending: a
``demo_story`` narration "The day ends in Townlet." at tick ``ticks``, after which
the runner pauses.

>>> s = story_from_tree({"ticks": 3, "steps": []})
>>> s.script.steps[-1].args["message"], s.script.steps[-1].at
('The day ends in Townlet.', 3)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from townlet.console.script import Script, ScriptStep, parse_script
from townlet.errors import ConfigError

__all__ = [
    "DEFAULT_STORY",
    "END_MESSAGE",
    "Story",
    "default_story_path",
    "load_story",
    "story_from_tree",
]

DEFAULT_STORY = "configs/demo/story_day_one.yaml"
END_MESSAGE = "The day ends in Townlet."


@dataclass(frozen=True)
class Story:
    """A validated story: the script (ending included) and its resolved config.

    Attributes:
        script: the script, with the ending step last.
        config: the config path (``None``: the packaged default town).
        source: where the story was read from.
    """

    script: Script
    config: Path | None
    source: str

    @property
    def ticks(self) -> int:
        """The tick at which the story ends and the runner pauses."""
        return self.script.ticks


def _with_ending(script: Script) -> Script:
    """Append the ending narration at ``script.ticks``."""
    end = ScriptStep(
        index=len(script.steps),
        at=script.ticks,
        name="narrate",
        args={"message": END_MESSAGE, "category": "demo_story", "priority": True},
        cmd_id="demo-end",
    )
    script.steps.append(end)
    return script


def _resolve_config(name: str | None, base: Path | None) -> Path | None:
    """The story's config: as given when it exists, else next to the story (by
    its relative path, then by its file name)."""
    if name is None:
        return None
    path = Path(name)
    if path.exists() or path.is_absolute() or base is None:
        return path
    for beside in (base / path, base / path.name):
        if beside.exists():
            return beside
    return path


def default_story_path() -> Path:
    """``configs/demo/story_day_one.yaml`` in the working directory when it is
    there, else the copy packaged with townlet (``townlet/data/configs/demo``)."""
    local = Path(DEFAULT_STORY)
    if local.exists():
        return local
    from townlet.config.files import packaged_configs_dir

    return packaged_configs_dir() / "demo" / local.name


def story_from_tree(raw: Any, source: str = "story", base: Path | None = None) -> Story:
    """Validate a parsed story and add its ending.

    Raises:
        ConfigError: one line per problem.
    """
    script = _with_ending(parse_script(raw, source))
    return Story(script, _resolve_config(script.config, base), source)


def load_story(path: str | Path | None = None) -> Story:
    """Read and validate a story file (default: :func:`default_story_path`).

    Raises:
        ConfigError: unreadable, not YAML, or invalid (every problem listed).
    """
    path = Path(path) if path is not None else default_story_path()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"story not found: {path}", hint=f"the default story is {DEFAULT_STORY}"
        ) from None
    except (OSError, yaml.YAMLError) as err:
        raise ConfigError(f"cannot read story {path}: {err}") from None
    return story_from_tree(raw, str(path), path.parent)
