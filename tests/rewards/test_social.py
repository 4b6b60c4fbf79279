"""Social stages C1, C2, C3, the needs override and the avoid rule (learning.md 3.4)."""

from __future__ import annotations

import numpy as np
import pytest
from scenes import agent, engine, tick, tie

from townlet.core.types import REWARD_COMPONENTS

COL = {name: k for k, name in enumerate(REWARD_COMPONENTS)}
CHAT = {"name": "chat_succeeded", "speaker": "agent_0", "listener": "agent_1"}
FAIL = {"name": "chat_failed", "speaker": "agent_0", "listener": "agent_1"}


def pair() -> list[dict[str, object]]:
    """Two agents with asymmetric ties after the chat."""
    return [
        agent(0, ties=[tie(1, 0.5, 0.25, 0.2)]),
        agent(1, ties=[tie(0, 0.1, 0.4)]),
    ]


def test_stage_off_pays_no_social_terms() -> None:
    result, tree = tick(pair(), events=[{**CHAT, "quality": 1.0}, FAIL])
    out = engine().step(result, tree)
    assert not out.components[:, COL["chat"] : COL["avoid"] + 1].any()


def test_c1_chat_uses_each_recipients_own_tie() -> None:
    result, tree = tick(pair(), events=[{**CHAT, "quality": 0.5}])
    out = engine(social_stage="C1").step(result, tree)
    assert out.components[0, COL["chat"]] == np.float32(
        (0.01 + 0.03 * 0.5 + 0.02 * 0.25) * 0.5
    )
    assert out.components[1, COL["chat"]] == np.float32(
        (0.01 + 0.03 * 0.1 + 0.02 * 0.4) * 0.5
    )


def test_c1_chat_fail_charges_speaker_and_listener() -> None:
    result, tree = tick(pair(), events=[FAIL])
    out = engine(social_stage="C1").step(result, tree)
    assert out.components[0, COL["chat_fail"]] == np.float32(-0.005)
    assert out.components[1, COL["chat_fail"]] == np.float32(-0.0025)


def test_needs_override_blocks_the_chat_reward() -> None:
    result, tree = tick(
        pair(), after=[[1, 0.14, 1], [1, 1, 1]], events=[{**CHAT, "quality": 1.0}]
    )
    out = engine(social_stage="C1").step(result, tree)
    assert out.components[0, COL["chat"]] == 0.0
    assert out.components[1, COL["chat"]] > 0.0


def test_c3_scales_the_chat_by_the_tie() -> None:
    result, tree = tick(pair(), events=[{**CHAT, "quality": 1.0}])
    out = engine(social_stage="C3").step(result, tree)
    base = 0.01 + 0.03 * 0.5 + 0.02 * 0.25
    x = (0.5 + 0.25) / 2 - 0.2
    assert out.components[0, COL["chat"]] == np.float32(base * (1 + 0.25 * x))


def avoided(t: int) -> tuple[object, dict[str, object]]:
    """A tick where agent_0 avoids agent_1."""
    ev = [{"name": "rival_avoided", "agent_id": "agent_0", "rival": "agent_1"}]
    return tick([agent(0), agent(1)], t=t, events=ev)


@pytest.mark.parametrize("stage", ["C1", "C2"])
def test_avoid_is_paid_from_c2_once_per_pair_per_60_ticks(stage: str) -> None:
    eng = engine(social_stage=stage)
    paid = []
    for t in (100, 101, 159, 160, 230):
        result, tree = avoided(t)
        paid.append(float(eng.step(result, tree).components[0, COL["avoid"]]))
    want = 0.005 if stage == "C2" else 0.0
    assert paid == pytest.approx([want, 0.0, 0.0, want, want])


def test_avoid_memory_round_trips() -> None:
    eng = engine(social_stage="C2")
    eng.step(*avoided(100))  # type: ignore[arg-type]
    other = engine()
    other.import_state(eng.export_state())
    out = other.step(*avoided(120))  # type: ignore[arg-type]
    assert out.components[0, COL["avoid"]] == 0.0
    assert other.stage == "C2"
