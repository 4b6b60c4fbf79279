"""Release, shadow candidate, promotion, streak resets, rollback and quarantine
(learning.md 8.2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from townlet.config.stability import PromotionConfig
from townlet.stability import (
    PromotionError,
    PromotionManager,
    ReleaseIdentity,
    scorecard_failures,
)

SCRIPTED = ReleaseIdentity("scripted", None, None, "fp", "cfg")
PPO = ReleaseIdentity("ppo", "hash1", None, "fp", "cfg")
ANNEAL = ReleaseIdentity("anneal", "hash1", 0.4, "fp", "cfg")
GOOD = {"starvation_incidents": 0, "faints": 0, "evictions": 0,
        "needs_ok_fraction": 0.97, "attendance": 0.95, "presence": 0.9}  # fmt: skip


def manager(tmp_path: Path | None = None, **config: object) -> PromotionManager:
    journal = None if tmp_path is None else tmp_path / "promotion.jsonl"
    return PromotionManager(SCRIPTED, PromotionConfig(**config), journal=journal)


def test_two_passing_windows_promote_the_candidate(tmp_path: Path) -> None:
    m = manager(tmp_path)
    m.set_candidate(PPO, tick=0)
    assert m.candidate_window(999, 0, passed=True) == "pass"
    assert (m.state, m.pass_streak) == ("monitoring", 1)
    m.candidate_window(1999, 1, passed=True)
    assert (m.state, m.release, m.previous, m.candidate) == (
        "promoted",
        PPO,
        SCRIPTED,
        None,
    )
    (line,) = (tmp_path / "promotion.jsonl").read_text().splitlines()
    entry = json.loads(line)
    assert entry == {
        "tick": 1999,
        "event": "promoted",
        "release": SCRIPTED.as_dict(),
        "candidate": PPO.as_dict(),
        "reason": "2 passing windows",
    }
    assert list(m.history) == [entry]


def test_without_auto_promote_the_candidate_waits_ready() -> None:
    m = manager(auto_promote=False)
    m.set_candidate(PPO, tick=0)
    m.candidate_window(999, 0, passed=True)
    m.candidate_window(1999, 1, passed=True)
    assert m.state == "candidate_ready"
    assert m.release == SCRIPTED
    m.promote(2000, reason="operator")
    assert m.state == "promoted"
    assert m.history[-1]["reason"] == "operator"


def test_promote_refuses_a_candidate_that_is_not_ready() -> None:
    m = manager()
    with pytest.raises(PromotionError, match="state monitoring with candidate None"):
        m.promote(5)
    with pytest.raises(PromotionError, match="no candidate"):
        m.candidate_window(999, 0, passed=True)


@pytest.mark.parametrize(
    "reset", ["failed window", "new candidate", "swap", "rollback"]
)
def test_streak_resets(reset: str) -> None:
    m = manager(required_passes=3)
    m.set_candidate(PPO, tick=0)
    m.swap(ANNEAL, tick=1)  # gives a previous release to roll back to
    m.set_candidate(PPO, tick=2)
    m.candidate_window(999, 0, passed=True)
    m.candidate_window(1999, 1, passed=True)
    assert m.pass_streak == 2
    if reset == "failed window":
        m.candidate_window(2999, 2, passed=False)
        assert m.last_result == "fail"
    elif reset == "new candidate":
        m.set_candidate(ReleaseIdentity("ppo", "hash2"), tick=2500)
    elif reset == "swap":
        m.swap(SCRIPTED, tick=2500)
    else:
        m.rollback(2500, reason="test")
    assert m.pass_streak == 0
    assert m.state == "monitoring"


def test_a_failed_window_takes_back_readiness() -> None:
    m = manager(auto_promote=False)
    m.set_candidate(PPO, tick=0)
    m.candidate_window(999, 0, passed=True)
    m.candidate_window(1999, 1, passed=True)
    m.candidate_window(2999, 2, passed=False)
    assert m.state == "monitoring"


def test_scorecard_must_meet_targets_and_stay_near_the_release() -> None:
    m = manager()
    m.set_candidate(PPO, tick=0)
    worse = dict(GOOD, attendance=0.89)  # 6.3 % below the release, under target
    assert m.candidate_window(999, 0, passed=True, scorecard=worse,
                              release_scorecard=GOOD) == "fail"  # fmt: skip
    near = dict(GOOD, attendance=0.91)  # 4.2 % below: within 5 %
    assert m.candidate_window(1999, 1, passed=True, scorecard=near,
                              release_scorecard=GOOD) == "pass"  # fmt: skip


def test_scorecard_failures_lists_each_miss() -> None:
    assert scorecard_failures(GOOD, GOOD) == []
    bad = dict(GOOD, evictions=1, presence=0.5)
    assert scorecard_failures(bad, GOOD) == [
        "evictions = 1, want <= 0",
        "presence = 0.5, want >= 0.855 (release 0.9 - 5%)",
    ]


def promoted(tmp_path: Path | None = None, **config: object) -> PromotionManager:
    m = manager(tmp_path, **config)
    m.set_candidate(PPO, tick=0)
    m.candidate_window(999, 0, passed=True)
    m.candidate_window(1999, 1, passed=True)
    assert m.release == PPO
    return m


def test_two_failed_release_windows_roll_back_and_quarantine(tmp_path: Path) -> None:
    m = promoted(tmp_path)
    assert not m.release_window(2999, 2, passed=False)
    assert m.release_window(3999, 3, passed=False)
    assert (m.release, m.previous, m.state) == (SCRIPTED, None, "monitoring")
    assert m.is_quarantined(PPO)
    events = [json.loads(x)["event"] for x in (tmp_path / "promotion.jsonl").open()]
    assert events == ["promoted", "rollback", "quarantined"]
    assert m.history[-1]["release"] == PPO.as_dict()
    assert m.history[-1]["reason"] == "window 3: 2 failed windows"


def test_a_passing_window_breaks_the_failure_run() -> None:
    m = promoted()
    m.release_window(2999, 2, passed=False)
    m.release_window(3999, 3, passed=True)
    assert not m.release_window(4999, 4, passed=False)
    assert m.release == PPO


def test_two_starvation_incidents_roll_back_at_once() -> None:
    m = promoted()
    assert not m.release_window(2999, 2, passed=False, starvation_incidents=1)
    m.release_window(3999, 3, passed=True)
    assert m.release_window(4999, 4, passed=False, starvation_incidents=2)
    assert m.history[-1]["reason"] == "window 4: 2 starvation incidents"


def test_the_initial_release_has_nothing_to_roll_back_to() -> None:
    m = manager()
    for k in range(4):
        assert not m.release_window(999 + 1000 * k, k, passed=False)
    assert m.release == SCRIPTED
    assert m.release_fail_streak == 4
    with pytest.raises(PromotionError, match="no previous release"):
        m.rollback(5000)


def test_quarantined_candidate_is_never_promoted_automatically() -> None:
    m = promoted()
    m.release_window(2999, 2, passed=False, starvation_incidents=3)
    m.set_candidate(PPO, tick=3000)
    for k in range(3, 7):
        m.candidate_window(999 + 1000 * k, k, passed=True)
    assert m.state == "candidate_ready"
    assert m.release == SCRIPTED
    m.promote(7000, reason="operator insists")  # by hand it still may
    assert m.release == PPO


def test_history_keeps_the_last_entries() -> None:
    m = manager(history=3)
    for i in range(5):
        m.swap(PPO if i % 2 else SCRIPTED, tick=i)
    assert [e["tick"] for e in m.history] == [2, 3, 4]
    assert all(e["event"] == "swap" for e in m.history)


def test_telemetry_payload_shape() -> None:
    m = promoted()
    section = m.telemetry()
    assert set(section) == {"state", "release", "candidate", "pass_streak",
                            "required_passes", "last_result", "last_window",
                            "history"}  # fmt: skip
    assert section["release"] == PPO.as_dict()
    assert section["last_window"] == 1
    json.dumps(section, allow_nan=False)


def test_state_round_trip() -> None:
    m = promoted()
    m.release_window(2999, 2, passed=False, starvation_incidents=2)
    m.set_candidate(ANNEAL, tick=3000)
    m.candidate_window(3999, 3, passed=True)
    state = json.loads(json.dumps(m.export_state()))
    copy = manager()
    copy.import_state(state)
    assert copy.export_state() == m.export_state()
    assert copy.is_quarantined(PPO)
    assert copy.candidate == ANNEAL
    copy.candidate_window(4999, 4, passed=True)
    assert copy.release == ANNEAL
    assert copy.previous == SCRIPTED


def test_import_state_rejects_bad_input() -> None:
    m = manager()
    state = m.export_state()
    with pytest.raises(ValueError, match="state: expected one of"):
        m.import_state(dict(state, state="dancing"))
    with pytest.raises(ValueError, match="release identity: expected keys"):
        m.import_state(dict(state, release={"provider": "x"}))
    del state["quarantined"]
    with pytest.raises(ValueError, match="missing key 'quarantined'"):
        m.import_state(state)


def test_identity_key_is_canonical() -> None:
    assert ANNEAL.key() == (
        '{"anneal_ratio":0.4,"config_id":"cfg","obs_fingerprint":"fp",'
        '"policy_hash":"hash1","provider":"anneal"}'
    )
