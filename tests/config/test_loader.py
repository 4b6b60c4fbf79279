"""Loading configs: defaults, overrides, --set, unknown keys, bad values, paths."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from townlet.config import TownletConfig, load_config
from townlet.config.files import packaged_configs_dir
from townlet.config.loader import parse_set_arg
from townlet.errors import ConfigError

DATA = packaged_configs_dir()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_default_config_loads_with_spec_defaults() -> None:
    cfg = load_config()
    assert isinstance(cfg, TownletConfig)
    assert cfg.label == "town-default"
    assert cfg.seed == 0
    assert cfg.world.time.ticks_per_day == 1440
    assert cfg.world.needs.decay.hunger == 0.0012
    assert cfg.world.lifecycle.population_target == 10
    assert cfg.world.embedding.max_slots == 64
    assert list(cfg.world.perturbations.specs) == [
        "price_spike",
        "blackout",
        "water_outage",
        "arranged_meet",
    ]
    assert cfg.source_path == DATA / "default.yaml"
    assert cfg.map_text.startswith("; Townlet default town")
    assert list(cfg.manifest.items) == ["raw_food", "meal"]


def test_repository_copy_equals_packaged_default() -> None:
    repo = Path(__file__).resolve().parents[2] / "configs" / "default.yaml"
    assert load_config(repo) == load_config()


def test_overrides_apply_dotted_keys_and_agents_shorthand() -> None:
    cfg = load_config(overrides={"world.agents": 20, "world.time.start_minute": 0})
    assert cfg.world.lifecycle.population_target == 20
    assert cfg.world.agents.names[0] == "Alice"  # the agents section is untouched
    assert cfg.world.time.start_minute == 0


def test_set_args_parse_values_as_yaml_and_apply_last() -> None:
    cfg = load_config(
        overrides={"world.lifecycle.mortality": True},
        set_args=[
            "world.lifecycle.mortality=false",
            "world.lifecycle.spawn_delay_ticks=[1, 2]",
            "world.perturbations.enabled=no",
            "label=my town",
        ],
    )
    assert cfg.world.lifecycle.mortality is False
    assert cfg.world.lifecycle.spawn_delay_ticks == (1, 2)
    assert cfg.world.perturbations.enabled is False
    assert len(cfg.world.perturbations.specs) == 4  # merged over the file
    assert cfg.label == "my town"


def test_agents_shorthand_in_a_file(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path / "c.yaml", "world:\n  agents: 3\n"))
    assert cfg.world.lifecycle.population_target == 3


def test_agents_shorthand_conflicting_with_population_target(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.yaml",
        "world:\n  agents: 3\n  lifecycle: {population_target: 4}\n",
    )
    with pytest.raises(ConfigError, match=r"world\.agents: conflicts with"):
        load_config(path)


@pytest.mark.parametrize("arg", ["no_equals", "=3", "a.=1"])
def test_malformed_set_args_are_refused(arg: str) -> None:
    with pytest.raises(ConfigError, match="invalid"):
        load_config(set_args=[arg])


def test_parse_set_arg_empty_value_is_null() -> None:
    assert parse_set_arg("label=") == ("label", None)


def test_unknown_key_names_full_path_and_suggests_closest(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.yaml", "world:\n  needs:\n    decay:\n      hungr: 0.1\n"
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    err = info.value
    assert err.key == "world.needs.decay.hungr"
    assert err.hint == "did you mean world.needs.decay.hunger?"
    assert err.errors == [
        f"invalid config {path}: world.needs.decay.hungr: unknown key "
        "(did you mean world.needs.decay.hunger?) [line 4]"
    ]


def test_unknown_set_key_is_marked_and_suggested() -> None:
    with pytest.raises(ConfigError, match=r"\[--set\]") as info:
        load_config(set_args=["world.lifecycle.populaton_target=3"])
    assert info.value.hint == "did you mean world.lifecycle.population_target?"


def test_key_in_the_wrong_section_is_suggested_by_its_name() -> None:
    with pytest.raises(ConfigError) as info:
        load_config(set_args=["world.rent_per_day=1"])
    assert info.value.hint == "did you mean world.economy.rent_per_day?"


def test_missing_file_suggests_a_similar_one(tmp_path: Path) -> None:
    write(tmp_path / "town.yaml", "{}\n")
    with pytest.raises(ConfigError, match=r"config not found: .*towm\.yaml") as info:
        load_config(tmp_path / "towm.yaml")
    assert info.value.hint == f"did you mean {tmp_path / 'town.yaml'}?"


def test_missing_file_without_similar_file_has_no_hint(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config not found") as info:
        load_config(tmp_path / "nothing.yaml")
    assert info.value.hint is None


def test_every_bad_value_is_listed_sorted_by_path(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.yaml",
        "world:\n"
        "  economy:\n"
        "    rent_per_day: -1\n"
        "  time:\n"
        "    ticks_per_day: 1441\n"
        "  needs:\n"
        "    decay: {hunger: .nan}\n"
        "seed: -5\n"
        "observations: {window: 12}\n",
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    err = info.value
    prefix = f"invalid config {path}: "
    assert err.errors == [
        prefix + "observations.window: must be odd (got 12) [line 9]",
        prefix + "seed: must be >= 0 (got -5) [line 8]",
        prefix + "world.economy.rent_per_day: must be >= 0.0 (got -1) [line 3]",
        prefix + "world.needs.decay.hunger: must be a finite number (got nan) [line 7]",
        prefix
        + "world.time.ticks_per_day: must be a multiple of 60 (got 1441) [line 5]",
    ]
    assert err.message == "\n".join(err.errors)
    assert err.key == "observations.window"
    assert err.code == "config.invalid"
    assert err.file == str(path)


def test_strings_are_not_coerced_to_numbers() -> None:
    with pytest.raises(ConfigError, match="expected a number"):
        load_config(set_args=["world.economy.rent_per_day='2'"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["world.agents=70"], "population_target: must be <= embedding.max_slots 64"),
        (["world.time.start_minute=1440"], "start_minute: must be < ticks_per_day"),
        (["world.lifecycle.spawn_delay_ticks=[9, 3]"], "0 <= min <= max <= 10080"),
        (["world.personalities.distribution={balanced: 0}"], "positive weight"),
        (["world.personalities.distribution={nobody: 1}"], "unknown profile"),
        (["world.time.ticks_per_day=120"], "must be >= 240"),
        (["world.jobs=[{id: a, site: b, shift_start: 1200}]"], "before midnight"),
        (["world.economy.price_groups={meal: [meal]}"], "collides"),
        (
            ["world.perturbations.specs.price_spike.targets=[gold]"],
            "unknown price key or group 'gold'",
        ),
        (["world.agents.items={gold: 1}"], r"agents\.items\.gold: unknown item"),
        (["world.agents.items={meal: 3}"], "must be <= carry_limit 2"),
        (["rewards.punctuality_bonus=0.5"], "punctuality_bonus: must be <="),
        (["rewards.wage_coeff=1.0"], "wage_coeff: wage_coeff x highest wage"),
        (["training.ppo.gamma=0.99"], "shaping_gamma: must equal training.ppo.gamma"),
    ],
)
def test_cross_checks(args: list[str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(set_args=args)


def test_custom_profile_is_added_after_builtins() -> None:
    cfg = load_config(
        set_args=[
            "world.personalities.profiles={grump: {forgiveness: -0.9}}",
            "world.personalities.distribution={grump: 1, balanced: 1}",
        ]
    )
    assert list(cfg.world.personalities.profiles) == [
        "balanced",
        "socialite",
        "industrious",
        "stoic",
        "grump",
    ]


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "c.yaml", "world:\n  time: [1,\n")
    with pytest.raises(ConfigError, match=r"invalid YAML in .*c\.yaml: .*\[line"):
        load_config(path)


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="expected a mapping at the top level"):
        load_config(write(tmp_path / "c.yaml", "- 1\n"))


def test_relative_paths_resolve_against_the_config_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    town = tmp_path / "town"
    (town / "maps").mkdir(parents=True)
    shutil.copy(DATA / "towns" / "default.map", town / "maps" / "mine.map")
    write(town / "c.yaml", "world:\n  map_file: maps/mine.map\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    cfg = load_config(Path("..") / "town" / "c.yaml")
    assert Path(cfg.world.map_file) == (town / "maps" / "mine.map").resolve()
    assert cfg.files.map_name == "maps/mine.map"
    # the manifest was not named: the packaged default is used
    assert Path(cfg.world.manifest_file) == DATA / "affordances" / "default.yaml"


def test_set_paths_resolve_against_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(DATA / "towns" / "default.map", tmp_path / "here.map")
    monkeypatch.chdir(tmp_path)
    cfg = load_config(set_args=["world.map_file=here.map"])
    assert Path(cfg.world.map_file) == tmp_path / "here.map"


def test_missing_map_is_a_config_error(tmp_path: Path) -> None:
    path = write(tmp_path / "c.yaml", "world:\n  map_file: nowhere.map\n")
    with pytest.raises(ConfigError, match=r"map not found: nowhere\.map") as info:
        load_config(path)
    assert info.value.key == "world.map_file"


def test_config_is_frozen() -> None:
    cfg = load_config()
    with pytest.raises(ValueError, match="frozen"):
        cfg.world.time.start_minute = 3  # type: ignore[misc]


def test_map_checks_are_opt_in() -> None:
    assert load_config(overrides={"world.agents": 20}, map_checks=False)
    with pytest.raises(ConfigError, match=r"number of beds of the map \(10\)") as info:
        load_config(overrides={"world.agents": 20}, map_checks=True)
    assert info.value.code == "config.beds"
    assert load_config(map_checks=True).world.lifecycle.population_target == 10


def test_map_checks_job_site_and_meet_location() -> None:
    with pytest.raises(ConfigError) as info:
        load_config(
            set_args=[
                "world.jobs=[{id: miner, site: mine}]",
                "world.perturbations.specs.arranged_meet.location=pub",
            ],
            map_checks=True,
        )
    err = info.value
    assert err.code == "config.job_site"  # the first line, sorted by key path
    assert [line.split(": ")[1] for line in err.errors] == [
        "world.jobs[0].site",
        "world.perturbations.specs.arranged_meet.location",
    ]
    assert "names no zone of the map (zones: home_1" in err.errors[0]
