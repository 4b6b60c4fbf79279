"""The stub policy always decides action 0 (learning.md 4.5)."""

from __future__ import annotations

import numpy as np

from townlet.core.protocols import PolicyBackend, StochasticPolicy
from townlet.core.types import (
    PRIMITIVE_ACTION_NAMES,
    ObservationBatch,
    ObservationBuffers,
    ObservationSpec,
)
from townlet.policy.stub import StubPolicy


def test_always_action_zero():
    spec = ObservationSpec(action_mode="primitive", action_names=PRIMITIVE_ACTION_NAMES)
    buffers = ObservationBuffers.allocate(spec, rows=4)
    buffers.action_mask[:] = 1
    buffers.alive[:] = True
    batch = ObservationBatch(
        tick=3, agent_ids=["a", "b", "c"], buffers=buffers, spec=spec
    )
    actions = StubPolicy().decide(batch)
    assert actions.dtype == np.int32
    assert actions.tolist() == [0, 0, 0]


def test_is_a_policy_backend_without_a_stream():
    policy = StubPolicy()
    assert isinstance(policy, PolicyBackend)
    assert not isinstance(policy, StochasticPolicy)
    assert policy.provider == "stub"
    assert policy.identity().checkpoint_hash is None
