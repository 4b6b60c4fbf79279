"""BC capture and dataset loading without torch (learning.md 7.1)."""

from __future__ import annotations

import numpy as np
import pytest

from townlet.errors import ConfigError
from townlet.policy.bc.capture import capture, value_targets
from townlet.policy.bc.dataset import load, split_towns
from townlet.world.layout import observation_layout


@pytest.fixture(scope="module")
def dataset_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("bc") / "tiny"
    capture(out, towns=3, ticks=40, seed=0)
    return out


def test_split_is_by_town_with_one_val_and_a_fifth_heldout():
    assert split_towns(3) == ("train", "val", "heldout")
    assert split_towns(10).count("heldout") == 2
    with pytest.raises(ConfigError, match="at least 3 towns"):
        split_towns(2)


def test_capture_writes_live_rows_with_the_scripted_actions(dataset_dir):
    data = load(dataset_dir, observation_layout(None, "hybrid", "option"))
    a = data.arrays
    assert data.rows == 3 * 10 * 40  # every seat is live in the first 40 ticks
    assert a["features"].shape == (data.rows, 146)
    assert a["map"].shape[1:] == (6, 11, 11)
    chosen = a["mask"][np.arange(data.rows), a["action"]]
    assert (chosen == 1).all()
    assert data.manifest["split"] == {"0": "train", "1": "val", "2": "heldout"}
    assert data.split_mask("heldout").sum() == 400
    # nobody terminates in 40 ticks, so every row is within the 600-tick horizon
    assert not a["value_valid"].any()


def test_load_refuses_a_corrupt_shard_and_another_layout(dataset_dir, tmp_path):
    with pytest.raises(ConfigError, match="observation layout mismatch"):
        load(dataset_dir, observation_layout(None, "compact", "option"))
    broken = tmp_path / "broken"
    broken.mkdir()
    for file in dataset_dir.iterdir():
        (broken / file.name).write_bytes(file.read_bytes())
    shard = broken / "shard_00000.npz"
    shard.write_bytes(shard.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(ConfigError, match="is corrupt"):
        load(broken)


def test_value_targets_apply_the_death_window_and_horizon():
    rewards = np.array([0.5, 0.5, 0.5, -1.0, 0.2, 0.2], np.float32)
    resident = np.array([0, 0, 0, 0, 1, 1], np.int64)
    terminated = np.array([0, 0, 0, 1, 0, 0], bool)
    values, valid = value_targets(rewards, resident, terminated, 0.5, 1)
    # resident 0: reward at t=2 zeroed by the window; resident 1 never ended
    assert values[3] == pytest.approx(-1.0)
    assert values[2] == pytest.approx(-0.5)
    assert values[1] == pytest.approx(0.5 - 0.25)
    assert values[0] == pytest.approx(0.5 + 0.5 * 0.25)
    assert valid.tolist() == [True, True, True, True, False, False]
