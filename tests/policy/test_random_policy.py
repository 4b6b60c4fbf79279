"""The random policy: masks, one draw per live row, the policy stream."""

from __future__ import annotations

import numpy as np
import pytest

from townlet.core.protocols import PolicyBackend, StochasticPolicy
from townlet.core.types import (
    PRIMITIVE_ACTION_NAMES,
    ObservationBatch,
    ObservationBuffers,
    ObservationSpec,
)
from townlet.errors import ProviderError
from townlet.policy.random import RandomPolicy, choose_allowed
from townlet.world.rng import Rng

SPEC = ObservationSpec(action_mode="primitive", action_names=PRIMITIVE_ACTION_NAMES)


def batch_with(mask_rows, alive) -> ObservationBatch:
    buffers = ObservationBuffers.allocate(SPEC, rows=len(mask_rows) + 2)
    buffers.action_mask[: len(mask_rows)] = np.array(mask_rows, dtype=np.int8)
    buffers.alive[: len(alive)] = alive
    ids = [f"a{i}" for i in range(len(mask_rows))]
    return ObservationBatch(tick=0, agent_ids=ids, buffers=buffers, spec=SPEC)


def random_masks(rng: np.random.Generator, rows: int) -> np.ndarray:
    mask = (rng.random((rows, len(PRIMITIVE_ACTION_NAMES))) < 0.3).astype(np.int8)
    mask[:, 0] = 1  # wait is always allowed
    return mask


def test_is_a_stochastic_policy_backend():
    policy = RandomPolicy()
    assert isinstance(policy, PolicyBackend)
    assert isinstance(policy, StochasticPolicy)
    assert policy.identity().name == "random"
    assert policy.action_mode == "primitive"


def test_respects_masks():
    gen = np.random.default_rng(0)
    policy = RandomPolicy(Rng.for_stream(5, "policy"))
    for _ in range(50):
        mask = random_masks(gen, 12)
        batch = batch_with(mask, [True] * 12)
        actions = policy.decide(batch)
        assert actions.dtype == np.int32
        assert actions.shape == (12,)
        assert all(mask[i, a] == 1 for i, a in enumerate(actions))


def test_matches_the_spec_rule_draw_for_draw():
    mask = random_masks(np.random.default_rng(1), 8)
    alive = [True, False, True, True, False, True, True, True]
    actions = RandomPolicy(Rng.for_stream(9, "policy")).decide(batch_with(mask, alive))
    reference = Rng.for_stream(9, "policy")
    for row, is_alive in enumerate(alive):
        if not is_alive:
            assert actions[row] == 0  # no draw for non-alive rows
            continue
        allowed = np.flatnonzero(mask[row])
        assert actions[row] == allowed[reference.rand_index(len(allowed))]


def test_one_draw_per_live_row():
    rng = Rng.for_stream(2, "policy")
    RandomPolicy(rng).decide(
        batch_with(
            random_masks(np.random.default_rng(3), 5), [True, False] * 2 + [True]
        )
    )
    reference = Rng.for_stream(2, "policy")
    for _ in range(3):
        reference.next_u64()
    assert rng.state_hex() == reference.state_hex()


def test_same_stream_same_actions():
    mask = random_masks(np.random.default_rng(4), 10)
    batch = batch_with(mask, [True] * 10)
    first = RandomPolicy(Rng.for_stream(1, "policy")).decide(batch)
    second = RandomPolicy(Rng.for_stream(1, "policy")).decide(batch)
    other = RandomPolicy(Rng.for_stream(2, "policy")).decide(batch)
    assert first.tolist() == second.tolist()
    assert first.tolist() != other.tolist()


def test_row_without_allowed_actions_waits_without_a_draw():
    mask = np.zeros((1, 4), dtype=np.int8)
    rng = Rng.for_stream(0, "policy")
    before = rng.state_hex()
    assert choose_allowed(mask, np.array([True]), rng).tolist() == [0]
    assert rng.state_hex() == before


def test_decide_without_stream_is_a_provider_error():
    with pytest.raises(ProviderError, match="no random stream"):
        RandomPolicy().decide(batch_with([[1] * 19], [True]))
