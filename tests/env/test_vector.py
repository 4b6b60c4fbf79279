"""VectorTownlet rules (learning.md 4.4, 10.4): same-step auto-reset per seat, final
observations, vacancies while a newcomer's delay runs, town rollover, threads,
caller-owned buffers, validation and read-only views; every rule on both backends."""

from __future__ import annotations

import re

import numpy as np
import pytest
from vec_towns import BACKENDS, churn_config, make

from townlet.config import load_config
from townlet.env import VectorTownlet
from townlet.env.vector_python import town_seed_state
from townlet.errors import ConfigError, ProviderError
from townlet.world.python_world import PythonWorld
from townlet.world.rng import SplitMix64

WAIT = 0


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Both backends (python only when the extension is not built)."""
    return str(request.param)


def test_reset_seats_every_resident_in_uid_order(backend: str) -> None:
    vec = make(2, backend)
    obs, infos = vec.reset()
    uid = obs.buffers.uid
    assert uid.tolist() == list(range(10)) * 2
    assert obs.buffers.alive.all()
    assert obs.buffers.ctx_reset.all()
    assert [i["town_reset"] for i in infos] == [True, True]
    assert obs.buffers.features.shape == (20, 146)
    assert obs.buffers.map is not None
    assert obs.buffers.map.shape == (20, 6, 11, 11)


def test_fainted_resident_ends_in_its_row_then_the_seat_waits(backend: str) -> None:
    vec = make(1, backend)
    vec.reset()
    before = vec.buffers["uid"].copy()
    for _ in range(200):
        obs, _rewards, terminated, truncated, infos = vec.step(np.zeros(10, np.int32))
        if terminated.any():
            break
    rows = np.flatnonzero(terminated)
    assert rows.size
    assert not truncated.any()
    b = vec.buffers
    for row in rows.tolist():
        # Same-step auto-reset: the row already shows a vacant seat.
        assert not obs.buffers.alive[row]
        assert obs.buffers.uid[row] == -1
        assert not obs.buffers.features[row].any()
        assert obs.buffers.action_mask[row].tolist() == [1, 0, 0, 0, 0, 0, 0, 0]
        # The departed resident's last observation: its needs, no ctx_reset.
        final = b["final_features"][row]
        assert final[:3].tolist() == b["needs_after"][row].astype(np.float32).tolist()
        assert final[40] == 0.0
        assert final[8] == 1.0
        assert b["terminal"][row] == 1
    records = infos[0]["episodes"]
    assert sorted(r["seat"] for r in records) == rows.tolist()
    assert all(r["reason"] == "faint" for r in records)
    assert {r["uid"] for r in records} == set(before[rows].tolist())
    assert all(r["length"] > 30 for r in records)


def test_newcomer_takes_the_lowest_free_seat_after_its_delay(backend: str) -> None:
    vec = make(1, backend)
    vec.reset()
    waits = 0
    seated: list[tuple[int, int, bool]] = []
    vacant_seen = False
    for _ in range(300):
        obs, _, _terminated, _, _ = vec.step(np.zeros(10, np.int32))
        alive = obs.buffers.alive
        if not alive.all():
            vacant_seen = True
        free_before = vec.buffers["spawned"].copy()
        for row in np.flatnonzero(alive & free_before).tolist():
            seated.append(
                (row, int(obs.buffers.uid[row]), bool(obs.buffers.ctx_reset[row]))
            )
        if vacant_seen and not seated:
            waits += 1
        if seated:
            break
    assert vacant_seen
    assert waits >= 4
    row, uid, ctx = seated[0]
    assert uid >= 10
    assert ctx
    assert row == min(r for r, _, _ in seated)


def test_town_rollover_truncates_and_takes_the_next_seed(backend: str) -> None:
    config = churn_config(**{"env.max_ticks": 12})
    vec = make(2, backend, config=config)
    vec.reset(seed=9)
    for tick in range(1, 13):
        obs, _, terminated, truncated, infos = vec.step(np.zeros(20, np.int32))
        if tick < 12:
            assert not truncated.any()
    assert truncated.all()
    assert not terminated.any()
    assert all(i["town_reset"] for i in infos)
    assert [r["reason"] for r in infos[1]["episodes"]] == ["truncated"] * 10
    assert [r["length"] for r in infos[1]["episodes"]] == [12] * 10
    assert obs.buffers.ctx_reset.all()
    assert obs.buffers.uid.tolist() == list(range(10)) * 2
    from townlet.config import world_settings

    settings = world_settings(config)
    settings["actions"]["mode"] = "option"
    seeds = SplitMix64(town_seed_state(9, 1))
    seeds.next_u64()
    fresh = PythonWorld(settings)
    fresh.reset(seeds.next_u64())
    assert vec.state_hash(1) == fresh.state_hash()


def test_caller_owned_buffers_are_written_in_place(backend: str) -> None:
    features = np.zeros((20, 146), dtype=np.float32)
    rewards = np.full(20, 7.0, dtype=np.float32)
    vec = make(2, backend, buffers={"features": features, "rewards": rewards})
    obs, _ = vec.reset()
    assert np.shares_memory(obs.buffers.features, features)
    assert features.any()
    _, out, _, _, _ = vec.step()
    assert np.shares_memory(out, rewards)


def test_views_are_read_only(backend: str) -> None:
    vec = make(1, backend)
    obs, _ = vec.reset()
    _, rewards, terminated, _truncated, _ = vec.step()
    for array in (obs.buffers.features, obs.buffers.action_mask, rewards, terminated):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1
    assert vec.actions.flags.writeable


@pytest.mark.parametrize(
    ("buffers", "message"),
    [
        ({"alive": np.zeros(10, np.int8)}, "alive: expected bool array of shape (10,)"),
        ({"features": np.zeros((10, 145), np.float32)}, "features: expected float32"),
        ({"uid": np.zeros(20, np.int64)[::2]}, "uid: expected a C-contiguous array"),
        ({"speed": np.zeros(10)}, "buffers: unknown buffer 'speed'"),
    ],
)
def test_bad_buffers_are_refused_by_name(
    backend: str, buffers: dict[str, np.ndarray], message: str
) -> None:
    with pytest.raises(ProviderError, match=re.escape(message)):
        make(1, backend, buffers=buffers)


def test_read_only_buffer_is_refused(backend: str) -> None:
    mask = np.zeros((10, 8), np.int8)
    mask.flags.writeable = False
    with pytest.raises(ProviderError, match="action_mask: array is not writeable"):
        make(1, backend, buffers={"action_mask": mask})


def test_bad_sizes_and_backend_are_refused() -> None:
    with pytest.raises(ProviderError, match="num_towns"):
        make(0, "python")
    with pytest.raises(ConfigError, match=r"env\.max_population"):
        load_config(overrides={"env.max_population": 5})
    with pytest.raises(ProviderError, match="backend"):
        make(1, "fortran")
    vec = make(1, "python")
    vec.reset()
    with pytest.raises(ProviderError, match=r"actions: expected shape \(10,\)"):
        vec.step(np.zeros(9, np.int32))


def test_compact_variant_has_no_map(backend: str) -> None:
    vec = VectorTownlet(
        1, churn_config(), "compact", "primitive", seed=0, backend=backend
    )
    obs, _ = vec.reset()
    assert obs.buffers.map is None
    assert obs.buffers.action_mask.shape == (10, 19)
    with pytest.raises(ProviderError, match="compact variant has no map"):
        VectorTownlet(
            1,
            churn_config(),
            "compact",
            "option",
            seed=0,
            backend=backend,
            buffers={"map": np.zeros((10, 6, 11, 11), np.float32)},
        )


def test_reset_without_seed_draws_the_next_master_seed(backend: str) -> None:
    vec = make(1, backend)
    vec.reset(seed=5)
    first = vec.state_hash(0)
    vec.reset()
    second = vec.state_hash(0)
    vec.reset(seed=SplitMix64(5).next_u64())
    assert vec.state_hash(0) == second != first
