"""learning.md 9 rules 2 to 5: everything but training works without torch, and
every torch feature says how to get it. These tests fake a missing torch, so they
run with and without the ml extra."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from townlet.core.registry import resolve
from townlet.errors import ProviderError
from townlet.policy._torch import TorchUnavailableError, require_torch

HINT = "pip install 'townlet[ml]'"
MICRO = Path(__file__).resolve().parents[2] / "configs" / "scenarios" / "micro.yaml"


def test_importing_townlet_does_not_import_torch():
    code = (
        "import sys, townlet, townlet.env, townlet.policy, townlet.core.providers, "
        "townlet.policy.checkpoint, townlet.policy.bc.capture, "
        "townlet.policy.bc.dataset, townlet.policy.ppo.evaluate, "
        "townlet.policy.anneal, townlet.cli.main\n"
        "print('torch' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_require_torch_names_the_feature_and_the_extra(no_torch):
    with pytest.raises(TorchUnavailableError) as err:
        require_torch("ppo training")
    assert str(err.value) == "ppo training requires PyTorch, which is not installed"
    assert err.value.hint == HINT
    assert isinstance(err.value, ProviderError)
    assert isinstance(err.value, ImportError)


@pytest.mark.parametrize("name", ["ppo", "bc", "anneal"])
def test_torch_providers_fail_with_one_line_naming_the_extra(no_torch, name):
    with pytest.raises(ProviderError, match=r"requires PyTorch.*townlet\[ml\]"):
        resolve("policy", f"{name}:missing.pt")


@pytest.mark.parametrize("name", ["ppo", "bc", "anneal"])
def test_allow_fallback_resolves_to_scripted_marked_as_stub(no_torch, name):
    policy, info = resolve("policy", name, allow_fallback=True)
    assert policy.provider == "scripted"
    assert info.is_stub
    assert info.name == "scripted"
    assert "torch" in info.reason


@pytest.mark.parametrize("algo", ["ppo", "bc", "check"])
def test_train_needs_torch_exit_2(no_torch, invoke, algo):
    result = invoke("train", "--algo", algo, "--data", "x", "--no-progress")
    assert result.exit_code == 2
    assert "error: " in result.stderr
    assert "requires PyTorch" in result.stderr
    assert f"hint: {HINT}" in result.stderr


def test_run_with_a_checkpoint_path_needs_torch_exit_2(no_torch, invoke, tmp_path):
    side = tmp_path / "latest.json"
    side.write_text(
        json.dumps({"format": "townlet.policy", "format_version": 1, "algo": "ppo"})
    )
    result = invoke(
        "run",
        "--ticks",
        "2",
        "--telemetry",
        "none",
        "--policy",
        str(tmp_path / "latest.pt"),
    )
    assert result.exit_code == 2
    assert "requires PyTorch" in result.stderr
    assert HINT in result.stderr


def test_eval_of_scripted_needs_no_torch(no_torch, invoke, tmp_path):
    result = invoke(
        "train",
        "--algo",
        "eval",
        "--policy",
        "random",
        "--config",
        str(MICRO),
        "--towns",
        "1",
        "--days",
        "2",
        "--run-dir",
        str(tmp_path),
    )
    assert result.exit_code == 0, result.stderr
    card = json.loads(result.stdout)
    assert card["live_agent_ticks"] > 0
    assert (tmp_path / "eval" / "scorecard.json").is_file()
