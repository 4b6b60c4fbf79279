"""PPO network, trainer, checkpoints and the learned provider (learning.md 6);
needs torch."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from townlet.config import load_config
from townlet.errors import ConfigError
from townlet.policy.checkpoint import read_metadata

torch = pytest.importorskip("torch", reason="torch not installed (install townlet[ml])")

from townlet.core.build import build_simulation  # noqa: E402
from townlet.policy.ppo.io import load_checkpoint, net_policy_hash  # noqa: E402
from townlet.policy.ppo.network import (  # noqa: E402
    NetworkShape,
    PolicyNet,
    masked_entropy,
)
from townlet.policy.ppo.policy import pick_actions  # noqa: E402
from townlet.policy.ppo.rollout import apply_death_window, gae  # noqa: E402
from townlet.policy.ppo.trainer import PPOTrainer  # noqa: E402
from townlet.world.layout import observation_layout  # noqa: E402

pytestmark = pytest.mark.requires_torch
MICRO = Path(__file__).resolve().parents[2] / "configs" / "scenarios" / "micro.yaml"


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Two tiny PPO updates on the micro town (2 towns x 16 ticks each)."""
    cfg = load_config(MICRO)
    ppo = cfg.training.ppo.model_copy(
        update={
            "num_towns": 2,
            "rollout_ticks": 16,
            "total_agent_steps": 64,
            "checkpoint_every_updates": 1,
            "num_minibatches": 2,
        }
    )
    run = tmp_path_factory.mktemp("ppo")
    trainer = PPOTrainer(cfg, run, ppo)
    metrics = trainer.train()
    return cfg, run, trainer, metrics


def test_masked_logits_give_zero_probability_and_entropy_over_allowed():
    net = PolicyNet(NetworkShape(map_shape=None, features=4, actions=3))
    mask = torch.tensor([[True, False, True], [False, True, False]])
    logits, value = net(torch.zeros(2, 4), None, mask)
    probs = torch.softmax(logits, -1)
    assert probs[0, 1] == 0
    assert probs[1, 1] == 1
    assert value.shape == (2,)
    ent = masked_entropy(logits, mask)
    assert ent[1] == 0
    assert float(ent[0].detach()) == pytest.approx(
        np.log(2), abs=1e-3
    )  # near-uniform at init


def test_sampling_takes_the_first_cumulative_probability_over_the_draw():
    probs = np.array([[0.2, 0.0, 0.8], [0.5, 0.5, 0.0]])
    mask = np.array([[1, 0, 1], [1, 1, 0]], np.int8)
    assert pick_actions(probs, mask, np.array([0.1, 0.6])).tolist() == [0, 1]
    assert pick_actions(probs, mask, np.array([0.3, 0.9999999])).tolist() == [2, 1]
    # rounding leaves nothing over the draw: the last allowed action
    assert pick_actions(probs * 0.5, mask, np.array([0.99, 0.99])).tolist() == [2, 1]


def test_gae_cuts_at_terminations_and_bootstraps_truncations():
    r = torch.tensor([[1.0], [1.0], [1.0]])
    v = torch.zeros(3, 1)
    term = torch.tensor([[False], [True], [False]])
    trunc = torch.tensor([[False], [False], [True]])
    final = torch.tensor([[0.0], [0.0], [10.0]])
    live = torch.ones(3, 1, dtype=torch.bool)
    adv, ret = gae(r, v, torch.tensor([99.0]), term, trunc, final, live, 0.5, 1.0)
    assert adv[:, 0].tolist() == [1.5, 1.0, 6.0]
    assert torch.equal(ret, adv)


def test_death_window_stops_at_an_earlier_ending():
    r = np.full((6, 1), 0.1, np.float32)
    ended = np.zeros((6, 1), bool)
    ended[1, 0] = True  # a previous resident ended at t=1
    term = np.zeros((6, 1), bool)
    term[4, 0] = True
    assert apply_death_window(r, term, ended | term, 10) == 3
    assert r[:, 0].tolist() == pytest.approx([0.1, 0.1, 0.0, 0.0, 0.0, 0.1])


def test_trainer_logs_the_update_metrics(trained):
    _, run, trainer, metrics = trained
    lines = (run / "train.jsonl").read_text().splitlines()
    assert len(lines) == 2 == trainer.update
    for key in (
        "policy_loss",
        "value_loss",
        "entropy",
        "approx_kl",
        "clip_frac",
        "explained_variance",
        "sps",
        "lr",
        "agent_steps",
        "reward_per_agent_tick",
        "faints_per_agent_day",
        "forced_row_frac",
        "option_freq/Wait",
        "reward/survival",
        "death_window_adjusted",
    ):
        assert key in metrics, key
    assert json.loads(lines[-1])["agent_steps"] == 64


def test_checkpoint_round_trip_keeps_hash_and_metadata(trained):
    cfg, run, trainer, _ = trained
    ckpts = run / "checkpoints"
    assert {p.name for p in ckpts.iterdir()} >= {
        "ckpt_000001.pt",
        "ckpt_000001.json",
        "ckpt_000002.pt",
        "latest.pt",
        "latest.json",
    }
    meta = read_metadata(ckpts)
    layout = observation_layout(cfg, "hybrid", "option")
    assert meta["algo"] == "ppo"
    assert meta["obs_fingerprint"] == layout.fingerprint
    assert meta["progress"] == {"update": 2, "agent_steps": 64, "social_stage": "off"}
    net, payload = load_checkpoint(ckpts, layout)
    assert net_policy_hash(net) == meta["policy_hash"] == net_policy_hash(trainer.net)
    assert payload["optimizer_state"] is not None
    torch.load(ckpts / "latest.pt", weights_only=True)


def test_loading_against_another_layout_fails(trained):
    _, run, _, _ = trained
    with pytest.raises(ConfigError, match="observation layout mismatch"):
        load_checkpoint(run / "checkpoints", observation_layout(None, "full", "option"))


def test_resume_restores_progress_and_trains_on(trained, tmp_path):
    cfg, run, trainer, _ = trained
    ppo = trainer.ppo.model_copy(update={"total_agent_steps": 96})
    again = PPOTrainer(cfg, tmp_path, ppo)
    again.resume(run / "checkpoints" / "ckpt_000002.pt")
    assert again.update == 2
    assert again.agent_steps == 64
    assert net_policy_hash(again.net) == net_policy_hash(trainer.net)
    again.train()
    assert again.update == 3
    assert read_metadata(tmp_path / "checkpoints")["progress"]["agent_steps"] == 96


def test_run_drives_the_town_from_a_checkpoint_path(trained):
    cfg, run, _, _ = trained
    loop = build_simulation(cfg, policy=str(run / "checkpoints"), telemetry="null")
    assert loop.policy_provider.name == "ppo"
    with loop:
        loop.run(30)
    ident = loop.policy.identity()
    assert ident.name == "ppo"
    assert ident.checkpoint_hash == read_metadata(run / "checkpoints")["policy_hash"]


def test_sampling_is_reproducible_from_the_policy_stream(trained):
    cfg, run, _, _ = trained
    hashes = []
    for _ in range(2):
        loop = build_simulation(
            cfg, policy=f"ppo:{run}/checkpoints", telemetry="null", seed=3
        )
        with loop:
            loop.run(40)
            hashes.append(loop.world.state_hash())
    assert hashes[0] == hashes[1]


def test_periodic_evaluation_writes_a_scorecard_into_the_next_checkpoint(tmp_path):
    cfg = load_config(MICRO, set_args=("training.eval.towns=1", "training.eval.days=1"))
    ppo = cfg.training.ppo.model_copy(
        update={
            "num_towns": 1,
            "rollout_ticks": 8,
            "total_agent_steps": 8,
            "eval_every_updates": 1,
            "num_minibatches": 1,
            "update_epochs": 1,
        }
    )
    PPOTrainer(cfg, tmp_path, ppo).train()
    card = json.loads((tmp_path / "eval" / "000001.json").read_text())
    assert card["policy"].startswith("ppo:")
    assert len(card["towns"]) == 1
    assert card["towns"][0]["seed"] == 10_000
    assert read_metadata(tmp_path / "checkpoints")["eval"]["update"] == 1


def test_check_exits_3_exactly_when_its_verdict_fails(tmp_path):
    from click.testing import CliRunner

    from townlet.cli.main import cli

    result = CliRunner().invoke(
        cli,
        [
            "train",
            "--algo",
            "check",
            "--tier",
            "micro",
            "--total-agent-steps",
            "256",
            "--set",
            "training.eval.towns=1",
            "--set",
            "training.eval.days=1",
            "--set",
            "training.ppo.rollout_ticks=32",
            "--run-dir",
            str(tmp_path),
            "--no-progress",
        ],
        catch_exceptions=False,
    )
    report = json.loads((tmp_path / "check.json").read_text())
    verdict = report["verdict"]
    assert result.exit_code == (0 if verdict["passed"] else 3)
    assert set(report["scorecards"]) == {"ppo", "rand", "scr"}
    assert verdict["R"]["scr"] == report["scorecards"]["scr"]["reward_per_agent_tick"]


def test_a_ppo_run_resumes_from_a_snapshot_bit_for_bit(trained, tmp_path):
    """S-20 with a fixed checkpoint on CPU: N ticks, save, resume, M ticks equal the
    unbroken N + M (the learned policy samples from the loop's ``policy`` stream)."""
    from townlet.snapshots import resume_simulation
    from townlet.snapshots.manager import build_document

    cfg, run, _, _ = trained
    policy = f"ppo:{run}/checkpoints"
    loop = build_simulation(cfg, policy=policy, telemetry="null", seed=5)
    loop.start()
    loop.run(60)
    doc = build_document(loop, cfg, kind="manual")
    expected = []
    for _ in range(60):
        loop.step()
        expected.append(loop.world.state_hash())
    loop.stop()
    resumed = resume_simulation(doc, policy=policy)
    got = []
    for _ in range(60):
        resumed.loop.step()
        got.append(resumed.loop.world.state_hash())
    resumed.loop.stop()
    assert got == expected
