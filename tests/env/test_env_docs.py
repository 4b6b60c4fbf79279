"""The examples of docs/train.md run as written."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("pettingzoo", reason="pettingzoo not installed (townlet[rl])")

from envs import REPO

BLOCKS = re.findall(
    r"```python\n(.*?)```", (REPO / "docs" / "train.md").read_text(), re.DOTALL
)


def test_train_md_has_the_three_examples() -> None:
    assert len(BLOCKS) == 3
    assert "parallel_env" in BLOCKS[0]
    assert "single_agent_env" in BLOCKS[1]
    assert "VectorTownlet" in BLOCKS[2]


@pytest.mark.parametrize("index", [0, 1])
def test_train_md_example_runs(index: int) -> None:
    scope: dict[str, object] = {}
    exec(compile(BLOCKS[index], f"docs/train.md[{index}]", "exec"), scope)
    env = scope["env"]
    assert env.session.world.tick > 0  # type: ignore[attr-defined]


def test_train_md_vector_example_runs() -> None:
    scope: dict[str, object] = {}
    exec(compile(BLOCKS[2], "docs/train.md[2]", "exec"), scope)
    env = scope["env"]
    assert env.num_rows == 80  # type: ignore[attr-defined]
    assert scope["rewards"].shape == (80,)  # type: ignore[attr-defined]
    assert isinstance(scope["returns"], list)
