"""Property test: random envelopes never crash the handler or corrupt the world.

Hypothesis throws thousands of random envelopes (raw bytes, random JSON, and
near-valid commands with random argument values and tokens) at one console. Each gets
a well-formed reply with a known status and error code; the loop keeps ticking; and
at the end the world state still passes the import checks (a fresh world imports it)
and both worlds agree on its hash.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from console_helpers import ADMIN, VIEWER, Clock

hypothesis = pytest.importorskip(
    "hypothesis", reason="hypothesis (dev extra) is needed"
)
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from townlet.config import load_config  # noqa: E402
from townlet.config.console import ConsoleConfig  # noqa: E402
from townlet.console import CATALOGUE, ERROR_CODES, ConsoleService  # noqa: E402
from townlet.console.audit import AuditLog  # noqa: E402
from townlet.core.build import build_simulation  # noqa: E402

NAMES = sorted(set(CATALOGUE) - {"step", "snapshot_save", "snapshot"})
KEYS = sorted({p.name for spec in CATALOGUE.values() for p in spec.params})
AGENTS = [f"agent_{i}" for i in range(12)]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.sampled_from(AGENTS),
    st.sampled_from(["hunger", "meal", "blackout", "cafe"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(KEYS), st.text(max_size=5)), inner, max_size=4
        ),
    ),
    max_leaves=8,
)
near_valid = st.fixed_dictionaries(
    {"name": st.one_of(st.sampled_from(NAMES), st.text(max_size=10))},
    optional={
        "cmd_id": st.one_of(
            st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True), st.text(max_size=70)
        ),
        "args": st.dictionaries(st.sampled_from(KEYS), values, max_size=4),
        "issuer": values,
        "token": st.one_of(st.just(ADMIN), st.just(VIEWER), st.text(max_size=20)),
    },
)
agent = st.sampled_from(AGENTS)
unit = st.floats(-0.5, 1.5, allow_nan=False)
position = st.lists(st.integers(-3, 50), min_size=2, max_size=2)
needs = st.dictionaries(st.sampled_from(["hunger", "hygiene", "energy", "joy"]), unit)
well_typed_args = st.one_of(
    st.tuples(
        st.just("setneed"), st.fixed_dictionaries({"agent_id": agent, "needs": needs})
    ),
    st.tuples(
        st.just("teleport"),
        st.fixed_dictionaries({"agent_id": agent, "position": position}),
    ),
    st.tuples(
        st.just("spawn"),
        st.fixed_dictionaries(
            {},
            optional={"position": position, "wallet": st.floats(0, 10), "needs": needs},
        ),
    ),
    st.tuples(st.just("kill"), st.fixed_dictionaries({"agent_id": agent})),
    st.tuples(
        st.just("set_rel"),
        st.fixed_dictionaries(
            {"agent_a": agent, "agent_b": agent}, optional={"trust": st.floats(-1, 1)}
        ),
    ),
    st.tuples(
        st.just("force_chat"),
        st.fixed_dictionaries({"speaker": agent, "listener": agent}),
    ),
    st.tuples(
        st.just("price"),
        st.fixed_dictionaries(
            {
                "key": st.sampled_from(["meal", "raw_food", "gold"]),
                "value": st.floats(0, 5),
            }
        ),
    ),
    st.tuples(
        st.just("possess"),
        st.fixed_dictionaries(
            {"agent_id": agent, "action": st.sampled_from(["acquire", "release"])}
        ),
    ),
    st.tuples(
        st.just("act"),
        st.fixed_dictionaries(
            {
                "agent_id": agent,
                "action": st.fixed_dictionaries(
                    {
                        "kind": st.sampled_from(["move", "wait", "fly"]),
                        "dir": st.sampled_from(["N", "E", "S", "W", "Q"]),
                    }
                ),
            }
        ),
    ),
    st.tuples(
        st.just("perturbation_trigger"),
        st.fixed_dictionaries(
            {"spec": st.sampled_from(["blackout", "price_spike", "nope"])},
            optional={"duration": st.integers(1, 200), "starts_in": st.integers(0, 20)},
        ),
    ),
    st.tuples(st.just("exit_defer"), st.fixed_dictionaries({"agent_id": agent})),
    st.tuples(
        st.just("narrate"),
        st.fixed_dictionaries({"message": st.text(min_size=1, max_size=20)}),
    ),
)
well_typed = st.builds(
    lambda pair, n: {
        "cmd_id": f"w{n}",
        "name": pair[0],
        "args": pair[1],
        "token": ADMIN,
    },
    well_typed_args,
    st.integers(0, 10**9),
)
envelopes = st.one_of(
    well_typed,
    well_typed,
    near_valid,
    near_valid.map(lambda e: json.dumps(e, default=str).encode()),
    values,
    st.binary(max_size=64),
)
header_tokens = st.one_of(
    st.none(), st.just(ADMIN), st.just(VIEWER), st.text(max_size=20)
)


class World:
    """One console over one loop, shared by all examples of the test."""

    def __init__(self, tmp: Path) -> None:
        self.config = load_config()
        self.loop = build_simulation(self.config, world="python", run_id="fuzz")
        self.clock = Clock()
        self.service = ConsoleService(
            ConsoleConfig(rate={"per_s": 10_000, "burst": 10_000}),
            run_id="fuzz",
            audit=AuditLog(tmp / "audit.jsonl"),
            environ={"TOWNLET_ADMIN_TOKEN": ADMIN, "TOWNLET_VIEWER_TOKEN": VIEWER},
            clock=self.clock,
        )
        self.loop.start()
        self.service.attach(self.loop)
        self.count = 0
        self.accepted: list[Any] = []


def test_random_envelopes_get_well_formed_replies(tmp_path: Path) -> None:
    world = World(tmp_path)

    @settings(
        max_examples=2000,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(body=envelopes, token=header_tokens, remote=st.sampled_from(["a:1", "b:2"]))
    def check(body: Any, token: str | None, remote: str) -> None:
        world.count += 1
        world.clock.now += 7.0  # auth blocks expire now and then
        result = world.service.submit(body, token=token, remote=remote)
        reply = result.as_dict()
        json.dumps(reply, allow_nan=False)  # well-formed JSON, no NaN
        assert reply["status"] in ("accepted", "ok", "error")
        if reply["status"] == "error":
            assert reply["error"]["code"] in ERROR_CODES
            assert reply["error"]["code"] != "internal", reply
        assert ADMIN not in json.dumps(reply)
        if result.status == "accepted" and not result.replayed:
            world.accepted.append(result)
        if world.service.paused:
            world.service.paused = False
        if world.count % 40 == 0:
            world.loop.step()

    check()
    world.loop.step()
    # nothing lost: every accepted command got its final result
    assert world.accepted
    assert all(r.status in ("ok", "error") for r in world.accepted)
    assert all(r.applied_tick is not None for r in world.accepted)
    state = world.loop.world.export_state()
    fresh = build_simulation(world.config, world="python").world
    fresh.reset(0)
    fresh.import_state(state)  # the import checks accept the fuzzed world
    assert fresh.state_hash() == world.loop.world.state_hash()
    text = world.service.audit.path.read_text()
    assert ADMIN not in text
    assert VIEWER not in text
    world.loop.stop()
