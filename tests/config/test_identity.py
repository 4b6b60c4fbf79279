"""config_id: stable across directories and machines, sensitive to content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from townlet.config import config_id, load_config
from townlet.config.files import packaged_configs_dir

DATA = packaged_configs_dir()


def copy_town(root: Path) -> Path:
    """Copy the default config and every file it names under ``root``."""
    for rel in (
        "default.yaml",
        "towns/default.map",
        "affordances/default.yaml",
        "perturbations/default.yaml",
    ):
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(DATA / rel, target)
    return root / "default.yaml"


def test_config_id_is_hex_sha256() -> None:
    cid = config_id(load_config())
    assert len(cid) == 64
    assert int(cid, 16) >= 0


def test_same_config_in_two_directories_has_one_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = copy_town(tmp_path / "a")
    second = copy_town(tmp_path / "deeper" / "b")
    monkeypatch.chdir(tmp_path / "a")
    id_first = config_id(load_config(first))
    monkeypatch.chdir(tmp_path)
    id_second = config_id(load_config(second))
    assert id_first == id_second == config_id(load_config())


def test_changing_one_map_byte_changes_the_id(tmp_path: Path) -> None:
    path = copy_town(tmp_path)
    before = config_id(load_config(path))
    map_file = tmp_path / "towns" / "default.map"
    text = map_file.read_text(encoding="utf-8")
    map_file.write_text(text.replace("name default", "name defaulT"), encoding="utf-8")
    assert config_id(load_config(path)) != before


def test_changing_the_manifest_or_perturbations_changes_the_id(tmp_path: Path) -> None:
    path = copy_town(tmp_path)
    before = config_id(load_config(path))
    manifest = tmp_path / "affordances" / "default.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "\n# note\n")
    after_manifest = config_id(load_config(path))
    assert after_manifest != before
    perturbations = tmp_path / "perturbations" / "default.yaml"
    perturbations.write_text(perturbations.read_text(encoding="utf-8") + "\n# note\n")
    assert config_id(load_config(path)) != after_manifest


def test_simulation_values_change_the_id() -> None:
    assert config_id(load_config(overrides={"world.agents": 9})) != config_id(
        load_config()
    )


@pytest.mark.parametrize(
    "arg",
    [
        "seed=7",
        "label=other",
        "serve.port=9000",
        "log.level=DEBUG",
        "snapshot.root=elsewhere",
        "console.queue_capacity=10",
        "providers.world=python",
        "telemetry.every_n_ticks=5",
        "training.ppo.learning_rate=0.001",
    ],
)
def test_operator_settings_do_not_change_the_id(arg: str) -> None:
    assert config_id(load_config(set_args=[arg])) == config_id(load_config())


def test_narration_settings_change_the_id() -> None:
    changed = load_config(set_args=["telemetry.narration.max_per_tick=1"])
    assert config_id(changed) != config_id(load_config())


def test_model_built_config_has_the_default_files() -> None:
    from townlet.config import TownletConfig

    cfg = TownletConfig()
    assert cfg.map_sha256 == load_config().map_sha256
    assert cfg.manifest_sha256 == load_config().manifest_sha256
