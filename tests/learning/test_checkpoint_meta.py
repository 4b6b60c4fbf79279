"""Checkpoint metadata without torch (learning.md 6.4, 1.9 rule 5)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from townlet.errors import ConfigError
from townlet.policy.checkpoint import (
    check_layout,
    checkpoint_path,
    layout_fields,
    policy_hash,
    read_metadata,
    write_json_atomic,
)
from townlet.world.layout import observation_layout


def test_checkpoint_path_resolves_directories_and_sidecars(tmp_path):
    assert checkpoint_path(tmp_path) == tmp_path / "latest.pt"
    assert checkpoint_path(tmp_path / "ckpt_000001.json").name == "ckpt_000001.pt"


def test_read_metadata_reads_the_sidecar(tmp_path):
    meta = {"format": "townlet.policy", "format_version": 1, "algo": "bc"}
    write_json_atomic(tmp_path / "latest.json", meta)
    assert read_metadata(tmp_path)["algo"] == "bc"
    assert read_metadata(tmp_path / "latest.pt")["algo"] == "bc"


def test_read_metadata_refuses_missing_and_foreign_files(tmp_path):
    with pytest.raises(ConfigError, match="no metadata file"):
        read_metadata(tmp_path / "nope.pt")
    (tmp_path / "x.json").write_text(json.dumps({"format": "other"}))
    with pytest.raises(ConfigError, match="not a Townlet policy checkpoint"):
        read_metadata(tmp_path / "x.pt")
    (tmp_path / "y.json").write_text(
        json.dumps({"format": "townlet.policy", "format_version": 9})
    )
    with pytest.raises(ConfigError, match="format_version 9"):
        read_metadata(tmp_path / "y.pt")


def test_layout_mismatch_names_both_fingerprints():
    hybrid = observation_layout(None, "hybrid", "option")
    compact = observation_layout(None, "compact", "option")
    meta = layout_fields(compact)
    check_layout(meta, compact)
    with pytest.raises(ConfigError) as err:
        check_layout(meta, hybrid)
    expected = (
        f"observation layout mismatch: checkpoint {compact.fingerprint[:12]} "
        f"(compact, F={len(compact.features)}) vs env {hybrid.fingerprint[:12]} "
        f"(hybrid, F={len(hybrid.features)})"
    )
    assert str(err.value) == expected


def test_action_names_mismatch_is_refused():
    layout = observation_layout(None, "hybrid", "option")
    meta = {**layout_fields(layout), "action_names": ["Wait"]}
    with pytest.raises(ConfigError, match="action names mismatch"):
        check_layout(meta, layout)


def test_policy_hash_depends_on_values_dtype_and_shape_not_order():
    a = {"w": np.arange(4, dtype=np.float32), "b": np.zeros(2, np.float32)}
    same = {"b": np.zeros(2, np.float32), "w": np.arange(4, dtype=np.float32)}
    assert policy_hash(a) == policy_hash(same)
    assert policy_hash(a) != policy_hash({**a, "w": np.arange(4, dtype=np.float64)})
    assert policy_hash(a) != policy_hash({**a, "w": np.arange(4.0).reshape(2, 2)})
    assert policy_hash(a) != policy_hash({**a, "b": np.ones(2, np.float32)})
