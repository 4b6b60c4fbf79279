"""Ties, the event table, admission, decay and chat formulas: townlet.world.ties.

The shared sequences of tests/data/ties_cases.json replay here and in the Rust core
(rust/townlet-core/src/ties/tests.rs) with the same expected ties and reports, and a
seeded soup of random operations pins both to the same canonical digest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from townlet.config.relationships import RelationshipsConfig
from townlet.world.canonical import canonical_hash
from townlet.world.rng import Rng
from townlet.world.ties import (
    BLOCKED,
    CHAT_FAILED,
    QUEUE_CUT,
    SHARED_MEAL,
    TOOK_SHIFT,
    Applied,
    ChatParams,
    Deltas,
    Modifiers,
    PairOutcome,
    Party,
    Tie,
    TieEvent,
    Ties,
    TieSettings,
    Traits,
    apply_direction,
    apply_pair,
    chat_good,
    chat_probability,
    chat_quality,
    decay_ties,
    friends_ranked,
    listener_view,
    modified_deltas,
    rivals_ranked,
    social_slots,
    weakest,
)

CASES_PATH = Path(__file__).parents[1] / "data" / "ties_cases.json"
EVENT_NAMES = (
    "shared_meal",
    "queue_polite",
    "blocked",
    "queue_cut",
    "took_shift",
    "helped_late",
    "chat_good",
    "chat_failed",
)


def settings_from(over: dict[str, Any]) -> TieSettings:
    """Default settings with the overrides of a case (``modifiers`` as a dict)."""
    base = TieSettings()
    mods = {**Modifiers().__dict__, **over.get("modifiers", {})}
    return TieSettings(
        max_ties=over.get("max_ties", base.max_ties),
        admission_threshold=over.get("admission_threshold", base.admission_threshold),
        decay_per_hour=tuple(over.get("decay_per_hour", base.decay_per_hour)),
        drop_below=over.get("drop_below", base.drop_below),
        modifiers=Modifiers(**mods),
    )


def tie_row(tie: Tie) -> list[Any]:
    return [
        tie.other,
        tie.trust,
        tie.familiarity,
        tie.rivalry,
        tie.created_tick,
        tie.updated_tick,
    ]


def applied_row(applied: Applied | None) -> Any:
    if applied is None:
        return None
    evicted = None if applied.evicted is None else tie_row(applied.evicted)
    return {"deltas": list(applied.deltas), "evicted": evicted}


def pair_row(outcome: PairOutcome | None) -> Any:
    if outcome is None:
        return None
    return {
        "a_to_b": applied_row(outcome.a_to_b),
        "b_to_a": applied_row(outcome.b_to_a),
    }


class Town:
    """Owners' stores and traits of one sequence, created on first use."""

    def __init__(self, traits: dict[str, list[float]]) -> None:
        self.traits = {int(uid): Traits(*t) for uid, t in traits.items()}
        self.stores: dict[int, Ties] = {}

    def party(self, uid: int) -> Party:
        return Party(uid, self.stores.setdefault(uid, Ties()), self.traits_of(uid))

    def traits_of(self, uid: int) -> Traits:
        return self.traits.get(uid, Traits())

    def rows(self) -> dict[str, list[list[Any]]]:
        return {str(u): [tie_row(t) for t in s] for u, s in sorted(self.stores.items())}


def run_step(town: Town, step: dict[str, Any], settings: TieSettings) -> Any:
    """One operation of a shared sequence and its report, in the JSON's words."""
    op = step["op"]
    if op == "pair":
        event = TieEvent(step["event"], step.get("quality", 0.0))
        a, b = town.party(step["a"]), town.party(step["b"])
        if a.uid == b.uid:
            return pair_row(apply_pair(event, a, a, step["t"], settings))
        return pair_row(apply_pair(event, a, b, step["t"], settings))
    if op == "decay":
        owner = step["owner"]
        ties = town.party(owner).ties
        return [
            tie_row(t) for t in decay_ties(ties, town.traits_of(owner)[1], settings)
        ]
    if op == "set":
        row = step["tie"]
        town.party(step["owner"]).ties.insert(Tie(*row))
        return None
    if op == "slots":
        friends, rivals = social_slots(
            town.party(step["owner"]).ties, step["friends"], step["rivals"]
        )
        return [[t.other for t in friends], [t.other for t in rivals]]
    assert op == "chat"
    trust, fam = listener_view(town.party(step["listener"]).ties, step["speaker"])
    e = town.traits_of(step["listener"]).extroversion
    return [chat_probability(trust, fam, e, settings.chat), chat_quality(trust, fam)]


def replay(case: dict[str, Any]) -> dict[str, Any]:
    settings = settings_from(case.get("settings", {}))
    town = Town(case.get("traits", {}))
    reports = [run_step(town, step, settings) for step in case["steps"]]
    return {"reports": reports, "ties": town.rows()}


def soup(spec: dict[str, Any]) -> list[Any]:
    """Outcomes of the seeded soup; the Rust test draws and applies the same."""
    rng = Rng.for_stream(spec["seed"], "ties_soup")
    settings = settings_from(spec["settings"])
    n = spec["agents"]
    traits = [
        Traits(*((rng.rand_f64() * 2.0) - 1.0 for _ in range(3))) for _ in range(n)
    ]
    stores = [Ties() for _ in range(n)]
    out: list[Any] = []
    for t in range(spec["ops"]):
        k = rng.rand_index(10)
        if k < 7:
            name = EVENT_NAMES[rng.rand_index(len(EVENT_NAMES))]
            q = rng.rand_f64()
            a, b = rng.rand_index(n), rng.rand_index(n)
            pa = Party(a, stores[a], traits[a])
            pb = Party(b, stores[b], traits[b])
            out.append(pair_row(apply_pair(TieEvent(name, q), pa, pb, t, settings)))
        elif k < 9:
            listener, speaker = rng.rand_index(n), rng.rand_index(n)
            trust, fam = listener_view(stores[listener], speaker)
            e = traits[listener].extroversion
            p = chat_probability(trust, fam, e, settings.chat)
            out.append([p, chat_quality(trust, fam)])
        else:
            faded = [
                decay_ties(s, traits[u].forgiveness, settings)
                for u, s in enumerate(stores)
            ]
            out.append([[tie_row(tie) for tie in f] for f in faded])
    out.append([[tie_row(tie) for tie in s] for s in stores])
    return out


CASES: dict[str, Any] = (
    json.loads(CASES_PATH.read_text()) if CASES_PATH.exists() else {}
)


@pytest.mark.parametrize("case", CASES.get("sequences", []), ids=lambda c: c["name"])
def test_shared_sequence_gives_its_reports_and_ties(case: dict[str, Any]) -> None:
    got = replay(case)
    reports = [s.get("expect") for s in case["steps"]]
    expected = {"reports": reports, "ties": case["ties"]}
    assert got == expected
    # Same bits and kinds, not just equal values: compare the round-trip text.
    assert json.dumps(got) == json.dumps(expected)


def test_soup_matches_the_pinned_digest() -> None:
    spec = CASES["soup"]
    assert canonical_hash(soup(spec)) == spec["sha256"]


def test_settings_defaults_match_the_config_defaults() -> None:
    cfg = RelationshipsConfig()
    s = TieSettings()
    assert (s.max_ties, s.admission_threshold, s.drop_below, s.avoid_threshold) == (
        cfg.max_ties,
        cfg.admission_threshold,
        cfg.drop_below,
        cfg.avoid_threshold,
    )
    d = cfg.decay_per_hour
    assert s.decay_per_hour == (d.trust, d.familiarity, d.rivalry)
    assert s.modifiers == Modifiers(**cfg.modifiers.model_dump())
    assert s.chat == ChatParams(**cfg.chat.model_dump())


def test_store_iterates_in_ascending_uid_and_replaces_same_other() -> None:
    ties = Ties()
    for other in (5, 1, 3):
        ties.insert(Tie(other, 0.1, 0.0, 0.0, 0, 0))
    ties.insert(Tie(3, 0.9, 0.0, 0.0, 1, 1))
    assert [(t.other, t.trust) for t in ties] == [(1, 0.1), (3, 0.9), (5, 0.1)]
    assert ties.remove(3) is not None
    assert ties.remove(3) is None
    assert len(ties) == 2


def test_weakest_breaks_ties_by_updated_tick_then_uid() -> None:
    ties = Ties()
    ties.insert(Tie(1, 0.2, 0.0, 0.0, 0, 5))
    ties.insert(Tie(2, 0.0, 0.2, 0.0, 0, 3))
    ties.insert(Tie(3, 0.0, 0.0, 0.2, 0, 3))
    ties.insert(Tie(4, 0.5, 0.0, 0.0, 0, 0))
    w = weakest(ties)
    assert w is not None
    assert w.other == 2


def test_rankings_order_by_key_then_ascending_uid() -> None:
    ties = Ties()
    ties.insert(Tie(4, 0.3, 0.1, 0.0, 0, 0))
    ties.insert(Tie(2, 0.1, 0.3, 0.6, 0, 0))
    ties.insert(Tie(7, -0.5, 0.0, 0.9, 0, 0))
    assert [t.other for t in friends_ranked(ties)] == [2, 4, 7]
    assert [t.other for t in rivals_ranked(ties)] == [7, 2, 4]
    friends, rivals = social_slots(ties, 1, 2)
    assert ([t.other for t in friends], [t.other for t in rivals]) == ([2], [7])


def test_modifiers_apply_in_order_ext_then_ambition_then_forgiveness() -> None:
    m = Modifiers()
    traits = Traits(extroversion=1.0, forgiveness=-1.0, ambition=1.0)
    d = modified_deltas(TOOK_SHIFT, traits, m)
    soften = 1.0 - (0.5 * -1.0)
    assert d == Deltas(-0.10 * soften, 0.0, (0.30 * (1.0 + (0.3 * 1.0))) * soften)
    g = modified_deltas(chat_good(0.5), traits, m)
    assert g == Deltas(0.05 * 0.5, 0.10 * 0.5 + (0.02 * 1.0), 0.0)
    assert modified_deltas(TOOK_SHIFT, traits, Modifiers(enabled=False)) == Deltas(
        -0.10, 0.0, 0.30
    )


def test_full_owner_admits_only_past_threshold_and_weakest() -> None:
    settings = TieSettings(max_ties=1)
    ties = Ties()
    ties.insert(Tie(1, 0.05, 0.05, 0.0, 0, 0))
    assert apply_direction(ties, 2, Deltas(0.0, -0.05, 0.1), 3, settings) is None
    applied = apply_direction(ties, 2, Deltas(0.1, 0.25, 0.0), 4, settings)
    assert applied is not None
    assert applied.evicted == Tie(1, 0.05, 0.05, 0.0, 0, 0)
    assert [t.other for t in ties] == [2]


def test_pair_with_itself_changes_nothing() -> None:
    ties = Ties()
    me = Party(3, ties, Traits())
    assert apply_pair(SHARED_MEAL, me, me, 0, TieSettings()) is None
    assert len(ties) == 0


def test_components_clamp_and_store_positive_zero() -> None:
    ties = Ties()
    ties.insert(Tie(1, -0.98, 0.02, 0.97, 0, 0))
    apply_direction(ties, 1, Deltas(-0.1, -0.02, 0.1), 9, TieSettings())
    tie = ties.get(1)
    assert tie is not None
    assert (tie.trust, tie.rivalry, tie.updated_tick) == (-1.0, 1.0, 9)
    assert str(tie.familiarity) == "0.0"


def test_decay_moves_toward_zero_and_fades_small_ties() -> None:
    ties = Ties()
    ties.insert(Tie(1, 0.001, -0.001, 0.0, 0, 0))
    ties.insert(Tie(2, 0.5, -0.5, 0.5, 0, 0))
    faded = decay_ties(ties, 1.0, TieSettings())
    assert [t.other for t in faded] == [1]
    assert (faded[0].trust, faded[0].familiarity) == (0.0, 0.0)
    tie = ties.get(2)
    assert tie is not None
    assert (tie.trust, tie.familiarity) == (0.5 - 0.002, -0.5 + 0.002)
    assert tie.rivalry == 0.5 - (0.01 * (1.0 + (0.5 * 1.0)))


def test_chat_formulas_clamp() -> None:
    chat = ChatParams()
    assert chat_probability(1.0, 1.0, 1.0, chat) == 0.95
    assert chat_probability(-1.0, -1.0, -1.0, chat) == ((0.7 * 0.7) * 0.8) * 0.9
    assert (chat_quality(-1.0, -1.0), chat_quality(1.0, 1.0)) == (0.1, 1.0)


def test_event_table_rows() -> None:
    assert [e.base_deltas() for e in (BLOCKED, QUEUE_CUT, CHAT_FAILED)] == [
        Deltas(0.0, -0.05, 0.15),
        Deltas(0.0, -0.05, 0.10),
        Deltas(0.0, -0.05, 0.05),
    ]
