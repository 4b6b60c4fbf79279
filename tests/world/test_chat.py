"""The CHAT primitive (world.md 6.3, 10.4, 13 step 6; learning.md 2.5; Decision D16).

Both worlds: id 17 resolves to the best candidate or WAIT, a valid chat makes exactly
one ``world`` draw (checked against a twin of the stream), sets the speaker's cooldown
and emits ``chat_succeeded`` or ``chat_failed`` with its pair event, and mask column
17 is 1 iff a candidate exists.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from towns import TINY_MAP, build_world

from townlet.core.types import ObservationBuffers
from townlet.world.rng import Rng

CHAT = 17


def relationships(**chat: Any) -> dict[str, Any]:
    params = {
        "base_p": 0.7,
        "trust_coeff": 0.3,
        "fam_coeff": 0.2,
        "ext_coeff": 0.1,
        "p_min": 0.05,
        "p_max": 0.95,
        "cooldown_ticks": 30,
        "max_distance": 1,
    }
    params.update(chat)
    return {
        "max_ties": 6,
        "admission_threshold": 0.2,
        "decay_per_hour": [0.002, 0.002, 0.01],
        "drop_below": 0.01,
        "modifiers": {
            "enabled": True,
            "c_forgive": 0.5,
            "c_ambition": 0.3,
            "c_ext_fam": 0.02,
        },
        "avoid_threshold": 0.7,
        "chat": params,
    }


def town(provider: str, seed: int = 0, **chat: Any) -> Any:
    """Two balanced agents (extroversion 0) on the tiny map, no mortality."""
    world = build_world(
        provider,
        TINY_MAP,
        seed=seed,
        lifecycle__population_target=2,
        lifecycle__mortality=False,
        personalities__distribution=[["balanced", 1.0]],
        relationships=relationships(**chat),
    )
    return world


def command(cmd: str, /, **args: Any) -> dict[str, Any]:
    return {"cmd_id": "c", "name": cmd, "args": args}


def step(world: Any, actions: list[int], *commands: Any) -> Any:
    for c in commands:
        world.apply_command(c)
    return world.step(np.array(actions, dtype=np.int32), "primitive")


def place(world: Any, **positions: list[int]) -> None:
    """Teleport agents (``agent_0=[x, y]``) in one waiting step."""
    cmds = [command("teleport", agent_id=a, position=p) for a, p in positions.items()]
    step(world, [0] * len(world.agent_ids()), *cmds)


def agent(world: Any, agent_id: str) -> dict[str, Any]:
    return next(a for a in world.export_state()["agents"] if a["id"] == agent_id)


def of(result: Any, *names: str) -> list[dict[str, Any]]:
    return [e for e in result.events if e["name"] in names]


def twin(world: Any) -> Rng:
    return Rng.from_hex(world.export_state()["rng"]["world"])


def draws_between(before: Rng, world: Any, limit: int = 10) -> int:
    """How many draws take ``before`` to the world's current stream state."""
    after = world.export_state()["rng"]["world"]
    for n in range(limit):
        if before.state_hex() == after:
            return n
        before.next_u64()
    raise AssertionError("stream advanced by more than the limit")


def mask(world: Any) -> np.ndarray:
    spec = world.observation_spec("compact", "primitive")
    buffers = ObservationBuffers.allocate(spec, len(world.agent_ids()))
    world.observe(buffers)
    return np.asarray(buffers.action_mask)


def hand_p(trust: float, fam: float, ext: float) -> float:
    p = ((0.7 * (1.0 + 0.3 * trust)) * (1.0 + 0.2 * fam)) * (1.0 + 0.1 * ext)
    return min(max(p, 0.05), 0.95)


def test_draws_decide_success_and_failure_with_the_hand_computed_p(
    provider: str,
) -> None:
    world = town(provider, cooldown_ticks=0)
    place(world, agent_0=[3, 3], agent_1=[4, 4])  # Chebyshev distance 1
    outcomes = set()
    for _ in range(40):
        state = world.export_state()
        tie = next((t for t in state["agents"][1]["ties"] if t["other"] == 0), None)
        trust, fam = (0.0, 0.0) if tie is None else (tie["trust"], tie["familiarity"])
        expected_p = hand_p(trust, fam, state["agents"][1]["extroversion"])
        rng = twin(world)
        rng.rand_index(2)  # the shuffle of two agents
        u = rng.rand_f64()
        result = step(world, [CHAT, 0])
        chats = of(result, "chat_succeeded", "chat_failed")
        assert len(chats) == 1
        chat = chats[0]
        assert (chat["speaker"], chat["listener"]) == ("agent_0", "agent_1")
        assert chat["p"] == expected_p
        assert draws_between(twin_of(state), world) == 2  # shuffle + one chat draw
        speaker = agent(world, "agent_0")
        rel = of(result, "relationship_event")
        if u < expected_p:
            quality = min(max((0.5 + 0.3 * trust) + 0.2 * fam, 0.1), 1.0)
            assert chat == {
                "tick": result.tick,
                "seq": chat["seq"],
                "name": "chat_succeeded",
                "speaker": "agent_0",
                "listener": "agent_1",
                "p": expected_p,
                "quality": quality,
                "forced": False,
            }
            assert speaker["last_action"] == {"kind": "chat", "ok": True, "reason": 0}
            assert speaker["last_chat_tick"] == result.tick
            assert agent(world, "agent_1")["last_chat_tick"] == result.tick
            assert rel[0]["kind"] == "chat_good"
            outcomes.add("ok")
        else:
            assert set(chat) == {"tick", "seq", "name", "speaker", "listener", "p"}
            assert speaker["last_action"] == {
                "kind": "chat",
                "ok": False,
                "reason": 32,
            }
            assert rel[0]["kind"] == "chat_failed"
            assert rel[0]["a_to_b"]["rivalry"] == 0.05
            outcomes.add("rejected")
        assert rel[0]["seq"] == chat["seq"] + 1
        assert speaker["chat_cooldowns"] == {"1": result.tick}  # cooldown 0
        assert not of(result, "action_failed")
    assert outcomes == {"ok", "rejected"}


def twin_of(state: dict[str, Any]) -> Rng:
    return Rng.from_hex(state["rng"]["world"])


def test_p_uses_the_listeners_tie_toward_the_speaker(provider: str) -> None:
    world = town(provider)
    place(world, agent_0=[3, 3], agent_1=[3, 4])
    step(
        world,
        [0, 0],
        command("set_rel", agent_a="agent_1", agent_b="agent_0", trust=0.5),
    )
    # set_rel sets both directions; make the speaker's side different.
    state = world.export_state()
    state["agents"][0]["ties"][0]["trust"] = -1.0
    world.import_state(state)
    result = step(world, [CHAT, 0])
    chat = of(result, "chat_succeeded", "chat_failed")[0]
    assert chat["p"] == hand_p(0.5, 0.0, 0.0) == (0.7 * (1.0 + 0.3 * 0.5))


def test_cooldown_blocks_a_second_chat_until_it_runs_out(provider: str) -> None:
    world = town(provider, cooldown_ticks=5)
    place(world, agent_0=[3, 3], agent_1=[3, 4])
    first = step(world, [CHAT, 0])
    assert len(of(first, "chat_succeeded", "chat_failed")) == 1
    until = first.tick + 5
    assert agent(world, "agent_0")["chat_cooldowns"] == {"1": until}
    for _ in range(4):  # ticks first+1 .. first+4 are blocked
        assert mask(world)[0, CHAT] == 0
        assert mask(world)[1, CHAT] == 1  # the cooldown is the speaker's
        before = twin(world)
        result = step(world, [CHAT, 0])
        assert not of(result, "chat_succeeded", "chat_failed", "action_failed")
        assert agent(world, "agent_0")["last_action"]["kind"] == "wait"
        assert draws_between(before, world) == 1  # the shuffle only
    assert mask(world)[0, CHAT] == 1  # the next tick is `until`
    result = step(world, [CHAT, 0])
    assert result.tick == until
    assert len(of(result, "chat_succeeded", "chat_failed")) == 1


def test_no_candidate_waits_without_an_event_or_a_draw(provider: str) -> None:
    world = town(provider)
    place(world, agent_0=[1, 4], agent_1=[3, 4])  # distance 2 > max_distance 1
    assert mask(world)[:, CHAT].tolist() == [0, 0]
    before = twin(world)
    result = step(world, [CHAT, CHAT])
    assert not of(result, "chat_succeeded", "chat_failed", "action_failed")
    assert draws_between(before, world) == 1
    for a in ("agent_0", "agent_1"):
        assert agent(world, a)["last_action"] == {
            "kind": "wait",
            "ok": True,
            "reason": 0,
        }
    # A listener killed in step 3 of the same tick is no candidate.
    place(world, agent_1=[2, 4])
    assert mask(world)[:, CHAT].tolist() == [1, 1]
    result = step(world, [CHAT, 0], command("kill", agent_id="agent_1"))
    assert not of(result, "chat_succeeded", "chat_failed", "action_failed")
    assert agent(world, "agent_0")["last_action"]["kind"] == "wait"


def test_max_distance_is_chebyshev(provider: str) -> None:
    world = town(provider, max_distance=2)
    place(world, agent_0=[1, 3], agent_1=[3, 5])
    assert mask(world)[:, CHAT].tolist() == [1, 1]
    place(world, agent_1=[4, 5])
    assert mask(world)[:, CHAT].tolist() == [0, 0]


def test_a_listener_that_moves_away_first_makes_the_chat_too_far(
    provider: str,
) -> None:
    seen = set()
    for seed in range(12):
        world = town(provider, seed=seed)
        place(world, agent_0=[3, 3], agent_1=[3, 4])
        rng = twin(world)
        listener_first = rng.rand_index(2) == 0  # swap: order [1, 0]
        before = twin(world)
        result = step(world, [CHAT, 3])  # agent_1 moves south, out of reach
        speaker = agent(world, "agent_0")
        if listener_first:
            assert of(result, "action_failed") == [
                {
                    "tick": result.tick,
                    "seq": 0,
                    "name": "action_failed",
                    "agent_id": "agent_0",
                    "kind": "chat",
                    "reason": "too_far",
                }
            ]
            assert speaker["last_action"] == {"kind": "chat", "ok": False, "reason": 15}
            assert speaker["chat_cooldowns"] == {}
            assert draws_between(before, world) == 1  # no chat draw
            seen.add("too_far")
        else:
            assert len(of(result, "chat_succeeded", "chat_failed")) == 1
            assert draws_between(before, world) == 2
            seen.add("chatted")
    assert seen == {"too_far", "chatted"}


def test_the_best_target_wins_and_avoided_ones_are_skipped(provider: str) -> None:
    world = town(provider)
    step(
        world,
        [0, 0],
        command("spawn", position=[3, 3], profile="balanced"),
        command("spawn", position=[4, 4], profile="balanced"),
    )
    # agent_2 at (3, 3), agent_3 at (4, 4); put agent_0 between and agent_1 far away.
    place(world, agent_0=[3, 4], agent_1=[6, 6])
    ids = world.agent_ids()
    assert ids == ["agent_0", "agent_1", "agent_2", "agent_3"]
    chat_only = [CHAT, 0, 0, 0]

    def listener() -> str:
        result = step(world, chat_only)
        chats = of(result, "chat_succeeded", "chat_failed")
        assert len(chats) == 1
        return str(chats[0]["listener"])

    assert listener() == "agent_2"  # no ties: the lower uid
    # A warmer tie wins over the lower uid.
    step(
        world,
        [0, 0, 0, 0],
        command("set_rel", agent_a="agent_0", agent_b="agent_3", trust=0.5),
    )
    state = world.export_state()
    state["agents"][0]["chat_cooldowns"] = {}  # agent_2 is a candidate again
    world.import_state(state)
    assert listener() == "agent_3"
    assert listener() == "agent_2"  # agent_3 is in cooldown now
    assert mask(world)[0, CHAT] == 0  # both are: no candidate


def test_avoided_targets_are_skipped_by_resolution_and_mask(provider: str) -> None:
    world = town(provider)
    place(world, agent_0=[3, 3], agent_1=[3, 4])
    step(
        world,
        [0, 0],
        command("set_rel", agent_a="agent_0", agent_b="agent_1", rivalry=0.7),
    )
    assert mask(world)[:, CHAT].tolist() == [0, 0]  # rivalry >= avoid_threshold
    result = step(world, [CHAT, CHAT])
    assert not of(result, "chat_succeeded", "chat_failed", "action_failed")
    step(
        world,
        [0, 0],
        command("set_rel", agent_a="agent_0", agent_b="agent_1", rivalry=0.69),
    )
    assert mask(world)[:, CHAT].tolist() == [1, 1]
    # Avoidance reads the speaker's own tie: only agent_1 avoids agent_0 now.
    state = world.export_state()
    state["agents"][1]["ties"][0]["rivalry"] = 0.9
    world.import_state(state)
    assert mask(world)[:, CHAT].tolist() == [1, 0]
    # agent_1 avoids its only candidate: its id 17 waits.
    result = step(world, [0, CHAT])
    assert not of(result, "chat_succeeded", "chat_failed")


def test_each_valid_chat_draws_once_in_the_shuffled_order(provider: str) -> None:
    world = town(provider, cooldown_ticks=0)
    place(world, agent_0=[3, 3], agent_1=[3, 4])
    for _ in range(10):
        before = twin(world)
        result = step(world, [CHAT, CHAT])
        chats = of(result, "chat_succeeded", "chat_failed")
        assert sorted(c["speaker"] for c in chats) == ["agent_0", "agent_1"]
        assert draws_between(before, world) == 3  # shuffle + two chats


def test_mask_column_17_matches_the_resolution(provider: str) -> None:
    world = town(provider)
    m = mask(world)
    assert m[:, CHAT].tolist() == [0, 0]  # the beds are far apart
    place(world, agent_0=[5, 1])
    assert mask(world)[:, CHAT].tolist() == [1, 1]
    step(world, [0, 0], command("kill", agent_id="agent_1"))
    # agent_0's only candidate is dead; a dead row allows only 0.
    assert mask(world)[:, CHAT].tolist() == [0, 0]
    assert mask(world)[1].tolist() == [1] + [0] * 18


@pytest.mark.parametrize("seed", [0, 3])
def test_state_round_trips_with_cooldowns_and_chat_actions(
    provider: str, seed: int
) -> None:
    world = town(provider, seed=seed)
    place(world, agent_0=[3, 3], agent_1=[3, 4])
    step(world, [CHAT, CHAT])
    state = world.export_state()
    other = town(provider, seed=seed + 1)
    other.import_state(state)
    assert other.state_hash() == world.state_hash()
    assert state["agents"][0]["last_action"]["kind"] == "chat"
