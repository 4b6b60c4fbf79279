"""``townlet config show --layout`` and ``townlet config doc --layout``."""

from __future__ import annotations

import json
from pathlib import Path

from townlet.config import load_config
from townlet.world.layout import observation_layout
from townlet.world.layout_doc import generate_layout_doc

REPO = Path(__file__).resolve().parents[2]
DEFAULT = REPO / "configs" / "default.yaml"


def test_show_layout_prints_the_configured_layout_as_json(invoke):
    result = invoke("config", "show", str(DEFAULT), "--layout")
    assert result.exit_code == 0, result.stderr
    cfg = load_config(DEFAULT)
    expected = observation_layout(cfg, cfg.observations.variant, cfg.actions.mode)
    assert json.loads(result.stdout) == expected.to_json()


def test_show_layout_takes_variant_and_mode_without_a_path(invoke):
    result = invoke(
        "config", "show", "--layout", "--variant", "full", "--mode", "option"
    )
    assert result.exit_code == 0, result.stderr
    tree = json.loads(result.stdout)
    assert (tree["variant"], tree["action_mode"]) == ("full", "option")
    assert tree["map_shape"] == [18, 11, 11]
    assert tree["fingerprint"] == observation_layout(None, "full", "option").fingerprint


def test_show_without_path_needs_layout(invoke):
    result = invoke("config", "show")
    assert result.exit_code == 2
    assert "Missing argument 'PATH'" in result.stderr


def test_layout_doc_writes_and_checks(invoke, tmp_path):
    out = tmp_path / "layout.md"
    assert (
        invoke("config", "doc", "--layout", "--out", str(out), "--check").exit_code == 3
    )
    assert invoke("config", "doc", "--layout", "--out", str(out)).exit_code == 0
    assert out.read_text() == generate_layout_doc()
    out.write_text(out.read_text() + "stale\n")
    stale = invoke("config", "doc", "--layout", "--out", str(out), "--check")
    assert stale.exit_code == 3
    assert "config doc --layout --out" in stale.stderr


def test_committed_layout_doc_is_current(invoke):
    out = REPO / "docs" / "observation-layout.md"
    result = invoke("config", "doc", "--layout", "--out", str(out), "--check")
    assert result.exit_code == 0, result.stderr
