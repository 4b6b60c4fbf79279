"""Regenerate tests/data/ties_cases.json from the Python ties module.

Run ``python tests/world/gen_ties_cases.py`` after a deliberate change to the ties
rules; the Rust tests replay the same file, so both sides must then agree. Review the
diff of the JSON by eye before committing it (golden file).
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import test_ties as cases  # noqa: E402


def pair(ev, a, b, t, q=None):
    d = {"op": "pair", "event": ev, "a": a, "b": b, "t": t}
    if q is not None:
        d["quality"] = q
    return d


def sett(owner, row):
    return {"op": "set", "owner": owner, "tie": row}


def decay(o):
    return {"op": "decay", "owner": o}


def chat(listener, speaker):
    return {"op": "chat", "listener": listener, "speaker": speaker}


def slots(o, f, r):
    return {"op": "slots", "owner": o, "friends": f, "rivals": r}


PROFILES = {
    "1": [0.6, 0.1, -0.1],
    "2": [-0.2, -0.1, 0.5],
    "3": [-0.3, 0.5, -0.2],
    "4": [0.0, 0.0, 0.0],
}
EXTREME = {"1": [1.0, 1.0, 1.0], "2": [-1.0, -1.0, -1.0], "3": [0.37, -0.73, 0.91]}
all_events = [
    pair("shared_meal", 1, 2, 1),
    pair("queue_polite", 2, 3, 2),
    pair("blocked", 3, 1, 3),
    pair("queue_cut", 1, 3, 4),
    pair("took_shift", 2, 1, 5),
    pair("helped_late", 3, 2, 6),
    pair("chat_good", 1, 2, 7, 0.83),
    pair("chat_failed", 2, 3, 8),
    pair("chat_good", 3, 1, 9, 0.1),
    pair("blocked", 4, 2, 10),
    pair("took_shift", 4, 3, 11),
]
seqs = [
    {
        "name": "every_event_with_profile_modifiers",
        "traits": PROFILES,
        "steps": all_events,
    },
    {
        "name": "every_event_with_extreme_traits_and_strong_coefficients",
        "traits": EXTREME,
        "settings": {
            "modifiers": {"c_forgive": 1.0, "c_ambition": 1.0, "c_ext_fam": 1.0}
        },
        "steps": all_events[:9],
    },
    {
        "name": "every_event_with_modifiers_disabled",
        "traits": PROFILES,
        "settings": {"modifiers": {"enabled": False}},
        "steps": all_events,
    },
    {
        "name": "pair_with_itself_is_ignored",
        "steps": [pair("shared_meal", 5, 5, 1), pair("chat_good", 5, 5, 2, 1.0)],
    },
    {
        "name": "components_clamp_at_their_bounds",
        "traits": {"1": [0.0, -1.0, 1.0]},
        "steps": [pair("took_shift", 1, 2, t) for t in range(1, 9)]
        + [pair("helped_late", 1, 2, t) for t in range(9, 20)]
        + [pair("shared_meal", 1, 2, t) for t in range(20, 26)]
        + [pair("queue_polite", 1, 2, t) for t in range(26, 50)],
    },
    {
        "name": "full_owner_evicts_weakest_by_strength_then_updated_tick_then_uid",
        "settings": {"max_ties": 3},
        "steps": [
            sett(1, [2, 0.1, 0.0, 0.0, 0, 5]),
            sett(1, [3, 0.0, 0.1, 0.0, 0, 4]),
            sett(1, [4, 0.0, 0.0, 0.1, 0, 4]),
            pair("chat_failed", 1, 5, 6),
            pair("took_shift", 1, 5, 7),
            pair("took_shift", 1, 6, 8),
            pair("shared_meal", 1, 7, 9),
            pair("shared_meal", 7, 1, 10),
        ],
    },
    {
        "name": "admission_needs_more_than_threshold_and_weakest",
        "settings": {"max_ties": 1},
        "steps": [
            sett(1, [2, 0.1, 0.1, 0.15, 0, 0]),
            pair("blocked", 1, 3, 1),
            sett(1, [2, 0.1, 0.05, 0.0, 0, 0]),
            pair("blocked", 1, 3, 2),
            sett(4, [9, 0.5, 0.5, 0.0, 0, 0]),
            pair("shared_meal", 4, 5, 3),
            pair("shared_meal", 5, 4, 4),
        ],
    },
    {
        "name": "admission_threshold_is_strict",
        "settings": {"max_ties": 1, "admission_threshold": 0.35},
        "steps": [
            sett(1, [2, 0.0, 0.0, 0.01, 0, 0]),
            pair("shared_meal", 1, 3, 1),
            sett(4, [2, 0.0, 0.0, 0.01, 0, 0]),
            pair("shared_meal", 4, 3, 2),
        ],
    },
    {
        "name": "no_room_at_all_refuses_every_direction",
        "settings": {"max_ties": 0},
        "steps": [pair("took_shift", 1, 2, 1), pair("shared_meal", 2, 1, 2)],
    },
    {
        "name": "decay_moves_toward_zero_and_fades",
        "traits": {"1": [0.0, 1.0, 0.0], "2": [0.0, -1.0, 0.0]},
        "steps": [
            sett(1, [2, 0.013, -0.013, 0.03, 0, 0]),
            sett(1, [3, 0.5, -0.2, 1.0, 0, 0]),
            sett(1, [4, 0.001, 0.0, 0.0, 0, 0]),
            sett(2, [1, 0.0, 0.0, 0.02, 0, 0]),
            sett(2, [3, -0.0015, 0.0115, 0.0, 0, 0]),
        ]
        + [decay(1), decay(2)] * 4,
    },
    {
        "name": "decay_with_modifiers_disabled_ignores_forgiveness",
        "traits": {"1": [0.0, 1.0, 0.0]},
        "settings": {
            "modifiers": {"enabled": False},
            "decay_per_hour": [0.1, 0.05, 0.3],
            "drop_below": 0.2,
        },
        "steps": [
            sett(1, [2, 0.35, -0.3, 0.9, 0, 0]),
            sett(1, [3, 0.25, 0.0, 0.0, 0, 0]),
        ]
        + [decay(1)] * 3,
    },
    {
        "name": "social_slots_fill_friends_then_remaining_rivals",
        "steps": [
            sett(1, [2, 0.3, 0.2, 0.4, 0, 0]),
            sett(1, [3, 0.1, 0.4, 0.0, 0, 0]),
            sett(1, [4, 0.4, 0.1, 0.9, 0, 0]),
            sett(1, [5, -0.5, 0.1, 0.9, 0, 0]),
            sett(1, [6, 0.0, 0.0, 0.2, 0, 0]),
            sett(1, [7, -0.1, 0.1, 0.0, 0, 0]),
            slots(1, 2, 2),
            slots(1, 1, 1),
            slots(1, 0, 4),
            slots(1, 4, 0),
        ],
    },
    {
        "name": "chat_probability_and_quality",
        "traits": {"1": [1.0, 0, 0], "2": [-1.0, 0, 0], "3": [0.6, 0, 0]},
        "steps": [
            chat(1, 2),
            chat(2, 1),
            chat(3, 1),
            sett(1, [2, 0.9, 0.8, 0.0, 0, 0]),
            chat(1, 2),
            sett(2, [1, -1.0, -1.0, 0.0, 0, 0]),
            chat(2, 1),
            sett(3, [1, 0.17, -0.33, 0.0, 0, 0]),
            chat(3, 1),
            pair("chat_good", 1, 3, 5, 0.61),
            chat(3, 1),
        ],
    },
    {
        "name": "chat_good_of_low_quality_can_hurt_familiarity",
        "traits": {"1": [-1.0, -0.5, 0.0]},
        "settings": {"modifiers": {"c_ext_fam": 0.05}},
        "steps": [
            pair("chat_good", 1, 2, 1, 0.1),
            pair("chat_good", 1, 2, 2, 0.3),
            pair("chat_good", 2, 1, 3, 0.0),
        ],
    },
]
seqs = [json.loads(json.dumps(s)) for s in seqs]
for s in seqs:
    s.setdefault("traits", {})
    s.setdefault("settings", {})
    got = cases.replay(s)
    for step, r in zip(s["steps"], got["reports"], strict=True):
        step["expect"] = r
    s["ties"] = got["ties"]
soup = {
    "seed": 2026,
    "agents": 8,
    "ops": 4000,
    "settings": {
        "max_ties": 3,
        "modifiers": {"c_forgive": 1.0, "c_ambition": 1.0, "c_ext_fam": 0.02},
    },
}
soup["sha256"] = cases.canonical_hash(cases.soup(soup))
doc = {
    "about": (
        "Shared ties cases (world.md 10): each sequence replays its steps on "
        "fresh stores (settings override the spec defaults; traits are "
        "[extroversion, forgiveness, ambition] by uid, 0 when absent); each "
        "step's 'expect' is its report and 'ties' the final stores, a tie being "
        "[other, trust, familiarity, rivalry, created_tick, updated_tick]. "
        "Reports: pair -> null for a == b, else {a_to_b, b_to_a}, each null "
        "when refused or {deltas [t, f, r], evicted tie or null}; decay -> "
        "faded ties; set -> null; slots -> [friend uids, rival uids]; chat -> "
        "[p, q] of the listener's view. The soup draws from "
        "Rng.for_stream(seed, 'ties_soup') as the tests do and pins the "
        "canonical sha256 of its outcomes. Floats are round-trip text."
    ),
    "sequences": seqs,
    "soup": soup,
}
(HERE.parent / "data" / "ties_cases.json").open("w").write(
    json.dumps(doc, indent=1) + "\n"
)
print(len(seqs), soup["sha256"])
