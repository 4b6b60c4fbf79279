"""``townlet config validate | show | doc``."""

from __future__ import annotations

from pathlib import Path

import yaml

from townlet.config import config_id, generate_reference, load_config

REPO = Path(__file__).resolve().parents[2]
DEFAULT = REPO / "configs" / "default.yaml"


def test_validate_ok_prints_config_id(invoke):
    result = invoke("config", "validate", str(DEFAULT))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == f"ok {DEFAULT} {config_id(load_config(DEFAULT))}"


def test_validate_reports_every_bad_file(invoke, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("world:\n  agentz: 3\n")
    result = invoke(
        "config", "validate", str(DEFAULT), str(bad), str(tmp_path / "no.yaml")
    )
    assert result.exit_code == 2
    assert result.stdout.startswith("ok ")
    assert "agentz" in result.stderr
    assert "no.yaml" in result.stderr


def test_show_id(invoke):
    result = invoke("config", "show", str(DEFAULT), "--id")
    assert result.exit_code == 0
    assert result.stdout.strip() == config_id(load_config(DEFAULT))


def test_show_as_written_and_resolved(invoke):
    written = invoke("config", "show", str(DEFAULT))
    assert written.stdout == DEFAULT.read_text()
    resolved = invoke("config", "show", str(DEFAULT), "--resolved")
    assert resolved.exit_code == 0
    tree = yaml.safe_load(resolved.stdout)
    assert tree["world"]["lifecycle"]["population_target"] == 10
    assert "providers" in tree


def test_doc_writes_and_checks(invoke, tmp_path):
    out = tmp_path / "ref.md"
    assert invoke("config", "doc", "--out", str(out), "--check").exit_code == 3
    assert invoke("config", "doc", "--out", str(out)).exit_code == 0
    assert out.read_text() == generate_reference()
    assert invoke("config", "doc", "--out", str(out), "--check").exit_code == 0
    out.write_text(out.read_text() + "stale\n")
    stale = invoke("config", "doc", "--out", str(out), "--check")
    assert stale.exit_code == 3
    assert "stale" in stale.stderr


def test_committed_reference_is_current(invoke):
    result = invoke(
        "config", "doc", "--out", str(REPO / "docs" / "config-reference.md"), "--check"
    )
    assert result.exit_code == 0, result.stderr
