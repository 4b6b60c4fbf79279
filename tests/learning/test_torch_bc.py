"""BC training, the gate record and the anneal provider (learning.md 7.2, 7.3);
needs torch."""

from __future__ import annotations

import json

import numpy as np
import pytest

from townlet.config import load_config
from townlet.errors import ConfigError
from townlet.policy.bc.capture import capture
from townlet.policy.bc.dataset import load
from townlet.policy.checkpoint import read_metadata, write_json_atomic

torch = pytest.importorskip("torch", reason="torch not installed (install townlet[ml])")

from townlet.core.build import build_simulation  # noqa: E402
from townlet.core.registry import resolve  # noqa: E402
from townlet.policy.bc.train import train_bc  # noqa: E402

pytestmark = pytest.mark.requires_torch


@pytest.fixture(scope="module")
def bc_run(tmp_path_factory):
    """One epoch of BC on 3 towns x 60 ticks of scripted play."""
    root = tmp_path_factory.mktemp("bc")
    capture(root / "data", towns=3, ticks=60, seed=0)
    cfg = load_config(None)
    bc = cfg.training.bc.model_copy(update={"epochs": 1, "batch_size": 256})
    result = train_bc(load(root / "data"), cfg, root / "run", bc)
    return cfg, root / "run" / "checkpoints", result


def test_bc_writes_a_bc_checkpoint_with_its_gate(bc_run):
    _, ckpts, result = bc_run
    meta = read_metadata(ckpts)
    gate = meta["bc_gate"]
    assert meta["algo"] == "bc"
    assert gate == json.loads(json.dumps(result["bc_gate"]))
    assert set(gate["checks"]) == {"accuracy", "switch_accuracy", "value_ev"}
    assert 0.0 <= gate["accuracy"] <= 1.0
    assert gate["passed"] == all(gate["checks"].values())
    assert gate["rows"] > 0


def test_bc_checkpoint_drives_the_town(bc_run):
    cfg, ckpts, _ = bc_run
    loop = build_simulation(cfg, policy=str(ckpts / "latest.pt"), telemetry="null")
    assert loop.policy_provider.name == "bc"
    with loop:
        loop.run(20)


def _with_gate(ckpts, passed: bool) -> None:
    meta = read_metadata(ckpts)
    meta["bc_gate"] = {**meta["bc_gate"], "passed": passed}
    write_json_atomic(ckpts / "latest.json", meta)


def test_anneal_refuses_a_checkpoint_without_a_passed_gate(bc_run, tmp_path):
    cfg, ckpts, _ = bc_run
    copy = tmp_path / "ckpts"
    copy.mkdir()
    for name in ("latest.pt", "latest.json"):
        (copy / name).write_bytes((ckpts / name).read_bytes())
    _with_gate(copy, False)
    # the .pt payload carries the original gate; the sidecar is what is checked first
    payload = torch.load(copy / "latest.pt", weights_only=True)
    payload["bc_gate"] = {**(payload["bc_gate"] or {}), "passed": False}
    torch.save(payload, copy / "latest.pt")
    with pytest.raises(ConfigError, match="no passed BC gate"):
        resolve("policy", f"anneal:{copy}", cfg)


@pytest.mark.parametrize("ratio", [0.0, 1.0])
def test_anneal_blend_is_scripted_at_zero_and_counts_overrides(bc_run, tmp_path, ratio):
    cfg, ckpts, _ = bc_run
    payload = torch.load(ckpts / "latest.pt", weights_only=True)
    payload["bc_gate"] = {**(payload["bc_gate"] or {}), "passed": True}
    copy = tmp_path / "ok"
    copy.mkdir()
    torch.save(payload, copy / "latest.pt")
    (copy / "latest.json").write_bytes((ckpts / "latest.json").read_bytes())
    _with_gate(copy, True)
    cfg_r = cfg.model_copy(
        update={
            "policy": cfg.policy.model_copy(
                update={
                    "anneal": cfg.policy.anneal.model_copy(
                        update={"ratios": (ratio or 0.2,)}
                    )
                }
            )
        }
    )
    anneal = build_simulation(cfg_r, policy=f"anneal:{copy}", telemetry="null", seed=1)
    anneal.policy.ratio = ratio
    scripted = build_simulation(cfg_r, policy="scripted", telemetry="null", seed=1)
    with anneal, scripted:
        anneal.run(60)
        scripted.run(60)
        same = anneal.world.state_hash() == scripted.world.state_hash()
    assert same == (ratio == 0.0) or anneal.policy.learned_rows_total == 0
    if ratio == 0.0:
        assert anneal.policy.learned_rows_total == 0
    else:
        assert anneal.policy.learned_rows_total > 0
    assert anneal.policy.identity().name == "anneal"
    assert np.isfinite(anneal.policy.overrides_total)


def test_capture_with_a_learned_actor_keeps_scripted_labels(bc_run, tmp_path):
    from townlet.policy.ppo.policy import LearnedPolicy

    cfg, ckpts, _ = bc_run
    actor = LearnedPolicy.from_checkpoint(ckpts, cfg)
    manifest = capture(tmp_path / "dagger", towns=3, ticks=30, seed=0, actor=actor)
    assert manifest["actor"] == {"policy_hash": actor.meta["policy_hash"], "share": 0.5}
    plain = load(tmp_path / "dagger")
    a = plain.arrays
    assert (a["mask"][np.arange(plain.rows), a["action"]] == 1).all()
