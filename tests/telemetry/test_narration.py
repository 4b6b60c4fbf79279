"""Narration templates and the deterministic limiter (operations.md 1.8)."""

from __future__ import annotations

import pytest

from townlet.config.telemetry import NarrationConfig
from townlet.errors import ConfigError
from townlet.telemetry.aggregation.narration import Narrator, load_templates


def conflict(tick, seq, actor="agent_1", rival="agent_2", obj="stove_1", kind="cut_in"):
    return {
        "eid": f"{tick}:{seq}", "tick": tick, "object_id": obj, "type": kind,
        "actor": actor, "rival": rival, "queue_length": 1,
    }  # fmt: skip


def narrator(**limits):
    n = Narrator(NarrationConfig(**limits))
    n.observe(
        "agent_spawned",
        {"agent_id": "agent_1", "agent_name": "Alice", "cause": "initial"},
    )
    n.observe(
        "agent_spawned",
        {"agent_id": "agent_2", "agent_name": "Bob", "cause": "initial"},
    )
    return n


def test_templates_render_display_names():
    n = narrator()
    n.observe("queue_conflict", conflict(5, 0))
    (story,) = n.end_tick(5)
    assert story["message"] == "Alice and Bob clash over the stove_1 queue (cut_in)."
    assert (story["category"], story["priority"], story["agents"]) == (
        "queue_conflict", False, ["agent_1", "agent_2"],
    )  # fmt: skip


def test_dedupe_window_suppresses_the_same_key():
    n = narrator(global_cooldown_ticks=0)
    accepted = []
    for tick in (10, 50, 131):
        n.observe("queue_conflict", conflict(tick, 0, rival="agent_2"))
        n.observe("queue_conflict", conflict(tick, 1, rival="agent_2"))
        accepted.append(len(n.end_tick(tick)))
    # tick 10: first accepted, its twin deduped; 50: both deduped; 131: window over
    assert accepted == [1, 0, 1]
    assert n.suppressed["dedupe"] == 4


def test_per_tick_cap_and_priority_first_ordering():
    n = narrator(max_per_tick=2, global_cooldown_ticks=0)
    for seq, obj in enumerate(("a", "b", "c")):
        n.observe("queue_conflict", conflict(7, seq, obj=obj))
    n.observe("queue_conflict", conflict(7, 9, obj="d", kind="blocked"))
    stories = n.end_tick(7)
    assert [s["object_id"] for s in stories] == ["d", "a"]  # priority, then eid
    assert n.suppressed["tick_cap"] == 2


def test_cooldown_applies_to_non_priority_only():
    n = narrator()
    n.observe("queue_conflict", conflict(100, 0, obj="a"))
    assert len(n.end_tick(100)) == 1
    n.observe("queue_conflict", conflict(101, 0, obj="b"))
    n.observe("queue_conflict", conflict(101, 1, obj="c", kind="blocked"))
    assert [s["object_id"] for s in n.end_tick(101)] == ["c"]
    assert n.suppressed["cooldown"] == 1


def test_window_limits_every_candidate():
    n = narrator(window_limit=2, window_ticks=600, global_cooldown_ticks=0)
    accepted = []
    for tick, obj in ((1, "a"), (2, "b"), (3, "c")):
        n.observe("queue_conflict", conflict(tick, 0, obj=obj, kind="blocked"))
        accepted.append(len(n.end_tick(tick)))
    assert accepted == [1, 1, 0]
    assert n.suppressed["window"] == 1


def test_limiter_state_round_trips_for_snapshots():
    n = narrator()
    n.observe("queue_conflict", conflict(10, 0))
    n.end_tick(10)
    copy = narrator()
    copy.import_state(n.export_state())
    n.observe("queue_conflict", conflict(20, 0))
    copy.observe("queue_conflict", conflict(20, 0))
    assert n.end_tick(20) == copy.end_tick(20)
    assert copy.export_state() == n.export_state()


def test_unknown_placeholder_is_a_config_error(tmp_path):
    bad = tmp_path / "n.yaml"
    bad.write_text("faint:\n  template: '{agent.name} fainted'\n  fields: [agent]\n")
    with pytest.raises(ConfigError, match=r"placeholder \{agent.name\}"):
        load_templates(bad)
    bad.write_text("faint:\n  template: '{agent:>10}'\n  fields: [agent]\n")
    with pytest.raises(ConfigError, match=r"format other than :\.2f"):
        load_templates(bad)


def test_friendship_fires_once_when_trust_crosses_upwards():
    n = narrator()
    stories = []
    for tick, trust in ((1, 0.4), (2, 0.6), (3, 0.7)):
        event = {"eid": f"{tick}:0", "tick": tick, "agent_a": "agent_1"}
        event["agent_b"] = "agent_2"
        event["a_to_b"] = {"trust": trust, "familiarity": 0.5, "rivalry": 0.0}
        event["b_to_a"] = None
        n.observe("relationship_event", event)
        stories.extend(n.end_tick(tick))
    assert [s["category"] for s in stories] == ["friendship_formed"]
    assert stories[0]["message"] == "Alice now counts Bob as a friend (trust 0.60)."


def test_console_narrate_goes_through_the_limiter_into_the_frames(tmp_path):
    """The console ``narrate`` command becomes an ``operator_story`` narration in the
    stream; the same message again within the dedupe window is suppressed."""
    from townlet.config import load_config
    from townlet.console import ConsoleService
    from townlet.console.audit import AuditLog
    from townlet.core.build import build_simulation
    from townlet.telemetry.reader import read_jsonl

    config = load_config()
    out = tmp_path / "t.jsonl"
    loop = build_simulation(config, world="python", telemetry=f"file:{out}")
    console = ConsoleService(
        config.console, run_id=loop.run_id, audit=AuditLog(tmp_path / "a.jsonl")
    )
    with loop:
        console.attach(loop)
        for _ in range(2):
            result = console.submit_local(
                "narrate",
                {"message": "The baker opens early.", "focus": "agent_3"},
                principal="local:test",
            )
            assert result.status in ("ok", "accepted"), result.as_dict()
            loop.run(3)
    told = [
        n
        for frame in read_jsonl(out)
        for n in frame.get("narrations", ())
        if n["category"] == "operator_story"
    ]
    assert len(told) == 1
    assert told[0]["message"] == "The baker opens early."
    assert told[0]["agents"] == ["agent_3"]
