"""Manifest loading: the default manifest and one test per error code (world.md 3.7)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from townlet.config import Manifest, load_manifest
from townlet.config.files import packaged_configs_dir
from townlet.config.manifest import parse_manifest
from townlet.errors import ConfigError

DEFAULT = packaged_configs_dir() / "affordances" / "default.yaml"

BASE = """\
manifest_version: 1
items:
  food: {carry_limit: 2}
object_types:
  box: {capacity: 1}
  rock: {capacity: 0}
affordances:
"""


def check(
    affordances: str, *, head: str = BASE, price_keys: tuple[str, ...] = ()
) -> ConfigError:
    text = head + textwrap.indent(textwrap.dedent(affordances), "  ")
    with pytest.raises(ConfigError) as info:
        parse_manifest(text.encode(), name="m.yaml", price_keys=price_keys)
    return info.value


def test_default_manifest_matches_world_md_3_8() -> None:
    manifest = load_manifest(DEFAULT, price_keys=("raw_food", "meal", "shower_fee"))
    assert isinstance(manifest, Manifest)
    assert {n: i.carry_limit for n, i in manifest.items.items()} == {
        "raw_food": 3,
        "meal": 2,
    }
    types = manifest.object_types
    assert [t.capacity for t in types.values()] == [1, 1, 1, 1, 1, 1, 2, 0, 0, 0]
    assert types["bed"].ownable
    assert types["till"].restock == {"raw_food": 40}
    assert types["counter"].requires == ("power",)
    assert [a.id for a in manifest.affordances] == [
        "sleep",
        "shower",
        "public_shower",
        "cook_meal",
        "buy_raw_food",
        "buy_meal",
        "store_raw_food",
        "take_raw_food",
        "store_meal",
        "take_meal",
        "rest",
        "eat_meal",
        "eat_raw_food",
    ]
    sleep = manifest.affordance("sleep")
    assert sleep.decay_multipliers == {"hunger": 0.5, "hygiene": 0.5, "energy": 0.0}
    assert sleep.tags == ("sleep",)
    assert manifest.affordance("public_shower").cost_price == "shower_fee"
    assert manifest.affordance("eat_meal").hooks == {"on_complete": ("shared_meal",)}
    assert manifest.affordance("eat_meal").is_item_use
    assert manifest.affordance("cook_meal").preconditions == (
        "(agent.home != null and object.zone == agent.home) "
        'or object.zone_kind == "cafe"',
    )
    assert [a.id for a in manifest.offered("fridge")] == [
        "store_raw_food",
        "take_raw_food",
        "store_meal",
        "take_meal",
    ]


def test_missing_manifest_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="manifest not found"):
        load_manifest(tmp_path / "none.yaml")


def test_schema_unknown_top_level_key_and_wrong_version() -> None:
    err = check(
        "[]\n",
        head="manifest_version: 2\nitems: {}\nobject_types: {}\nextra: 1\naffordances:",
    )
    assert err.code == "manifest.schema"
    assert err.errors == [
        "manifest.schema: manifest_version: must be 1 (got 2) [line 1]",
        "manifest.schema: extra: unknown key 'extra' (allowed: manifest_version, "
        "items, object_types, affordances) [line 4]",
    ]
    assert err.file == "m.yaml"
    assert err.key == "world.manifest_file"
    assert err.message.startswith("invalid manifest m.yaml: manifest.schema: ")
    assert err.message.endswith("(+1 more)")


def test_schema_missing_required_fields_and_types() -> None:
    err = check("- {id: a, object_type: box, allows_chat: 3}\n")
    assert err.code == "manifest.schema"
    assert [e.split(":")[0] for e in err.errors] == ["manifest.schema"] * 2
    assert "missing required key 'duration'" in err.errors[0]
    assert "allows_chat: expected true or false" in err.errors[1]


def test_schema_missing_top_level_keys() -> None:
    with pytest.raises(ConfigError, match="missing top-level key 'affordances'"):
        parse_manifest(b"manifest_version: 1\nitems: {}\nobject_types: {}\n")


def test_duplicate_affordance_id() -> None:
    err = check(
        "- {id: a, object_type: box, duration: 1}\n"
        "- {id: a, object_type: box, duration: 1}\n"
    )
    assert err.code == "manifest.duplicate_id"
    assert err.errors == [
        "manifest.duplicate_id: affordances[1].id: duplicate affordance id 'a' [line 9]"
    ]


def test_duplicate_item_key() -> None:
    head = BASE.replace(
        "  food: {carry_limit: 2}\n",
        "  food: {carry_limit: 2}\n  food: {carry_limit: 1}\n",
    )
    err = check("[]\n", head=head.replace("affordances:\n", "affordances:"))
    assert err.code == "manifest.duplicate_id"


def test_unknown_item() -> None:
    err = check("- {id: a, object_type: box, duration: 1, consume: {gold: 1}}\n")
    assert err.code == "manifest.unknown_item"
    assert "affordances[0].consume.gold: unknown item 'gold'" in err.errors[0]


def test_unknown_item_in_object_type_stock() -> None:
    head = BASE.replace(
        "  box: {capacity: 1}", "  box: {capacity: 1, stock: {gold: 1}}"
    )
    err = check("[]\n", head=head.replace("affordances:\n", "affordances:"))
    assert err.errors == [
        "manifest.unknown_item: object_types.box.stock.gold: "
        "unknown item 'gold' [line 5]"
    ]


def test_unknown_object_type() -> None:
    err = check("- {id: a, object_type: boat, duration: 1}\n")
    assert err.code == "manifest.unknown_object_type"


def test_unknown_need() -> None:
    err = check(
        "- {id: a, object_type: box, duration: 1, per_tick: {needs: {joy: 0.1}}}\n"
    )
    assert err.code == "manifest.unknown_need"
    assert "per_tick.needs.joy" in err.errors[0]


def test_unknown_utility() -> None:
    head = BASE.replace("  box: {capacity: 1}", "  box: {capacity: 1, requires: [gas]}")
    err = check("[]\n", head=head.replace("affordances:\n", "affordances:"))
    assert err.code == "manifest.unknown_utility"


def test_unknown_hook() -> None:
    err = check(
        "- {id: a, object_type: box, duration: 1, hooks: {on_fail: [explode]}}\n"
    )
    assert err.code == "manifest.unknown_hook"


def test_hook_at_the_wrong_stage() -> None:
    err = check(
        "- {id: a, object_type: box, duration: 1, hooks: {on_start: [shared_meal]}}\n"
    )
    assert err.code == "manifest.hook_stage"
    assert "hook 'shared_meal' runs only at on_complete" in err.errors[0]


@pytest.mark.parametrize(
    "affordance",
    [
        "- {id: a, object_type: box, duration: 0}\n",
        "- {id: a, object_type: box, duration: 10081}\n",
        "- {id: a, object_type: box, duration: 1, cost: -1}\n",
        "- {id: a, object_type: box, duration: 1, consume: {food: 0}}\n",
        "- {id: a, object_type: box, duration: 1, decay_multipliers: {energy: 5}}\n",
        "- {id: a, object_type: box, duration: 1, on_complete: {money: -1}}\n",
        "- {id: a, object_type: box, duration: 1, per_tick: {needs: {energy: .inf}}}\n",
    ],
)
def test_range(affordance: str) -> None:
    assert check(affordance).code == "manifest.range"


def test_range_of_items_and_stock_limits() -> None:
    head = BASE.replace(
        "  food: {carry_limit: 2}", "  food: {carry_limit: 100}"
    ).replace(
        "  box: {capacity: 1}",
        "  box: {capacity: 17, stock: {food: 3}, stock_limit: {food: 2}}",
    )
    err = check("[]\n", head=head.replace("affordances:\n", "affordances:"))
    assert [e.split(" [")[0] for e in err.errors] == [
        "manifest.range: items.food.carry_limit: must be in 0..99 (got 100)",
        "manifest.range: object_types.box.capacity: must be in 0..16 (got 17)",
        "manifest.range: object_types.box.stock.food: 3 exceeds stock_limit 2",
    ]


def test_unknown_price() -> None:
    err = check(
        "- {id: a, object_type: box, duration: 1, cost: price.gold}\n",
        price_keys=("meal",),
    )
    assert err.code == "manifest.unknown_price"


@pytest.mark.parametrize(
    "affordance",
    [
        "- {id: a, duration: 1}\n",
        "- {id: a, object_type: box, item: food, duration: 1}\n",
        "- {id: a, item: food, duration: 1, take: {food: 1}}\n",
        "- {id: a, item: food, duration: 1, on_complete: {stock: {food: 1}}}\n",
    ],
)
def test_target(affordance: str) -> None:
    assert check(affordance).code == "manifest.target"


def test_item_use_conflict() -> None:
    err = check(
        "- {id: a, item: food, duration: 1}\n- {id: b, item: food, duration: 1}\n"
    )
    assert err.code == "manifest.item_use_conflict"


def test_decor_affordance() -> None:
    err = check("- {id: a, object_type: rock, duration: 1}\n")
    assert err.code == "manifest.decor_affordance"


def test_all_errors_in_document_order() -> None:
    err = check(
        "- {id: a, object_type: rock, duration: 1}\n"
        "- {id: b, object_type: boat, duration: 1}\n"
        "- {id: c, item: gold, duration: 0}\n"
    )
    assert [e.split(":")[0] for e in err.errors] == [
        "manifest.decor_affordance",
        "manifest.unknown_object_type",
        "manifest.unknown_item",
        "manifest.range",
    ]
    assert err.code == "manifest.decor_affordance"


def test_invalid_yaml_is_a_schema_error() -> None:
    with pytest.raises(ConfigError, match=r"invalid YAML in m\.yaml") as info:
        parse_manifest(b"items: [\n", name="m.yaml")
    assert info.value.code == "manifest.schema"


def test_config_load_reports_manifest_errors(tmp_path: Path) -> None:
    from townlet.config import load_config

    bad = tmp_path / "bad.yaml"
    bad.write_text(BASE + "  - {id: a, object_type: rock, duration: 1}\n")
    with pytest.raises(ConfigError, match=r"manifest\.decor_affordance") as info:
        load_config(set_args=[f"world.manifest_file={bad}"])
    assert info.value.key == "world.manifest_file"


@pytest.mark.parametrize(
    ("source", "line"),
    [
        (
            "agent.wallet >",
            "manifest.expression_syntax: affordances[0].preconditions[0]: column 15: "
            "expected a name, a literal or '(', found end of input [line 8]",
        ),
        (
            "price.gold > 1",
            "manifest.expression_name: affordances[0].preconditions[0]: column 1: "
            "unknown price key 'gold' in 'price.gold' (declared: food) [line 8]",
        ),
        (
            "agent.wallet",
            "manifest.expression_type: affordances[0].preconditions[0]: column 1: "
            "expression must be bool, found num [line 8]",
        ),
    ],
)
def test_expression_errors(source: str, line: str) -> None:
    err = check(
        f"- {{id: a, object_type: box, duration: 1, preconditions: ['{source}']}}\n",
        price_keys=("food",),
    )
    assert err.code == line.split(":", 1)[0]
    assert err.errors == [line]
    assert str(err).startswith(f"invalid manifest m.yaml: {line}")


def test_expression_errors_name_each_entry_and_refuse_object_in_item_use() -> None:
    err = check(
        "- {id: a, object_type: box, duration: 1,\n"
        "   preconditions: ['agent.wallet > 1', 'item.food.count > 0']}\n"
        "- {id: b, item: food, duration: 1, preconditions: ['object.zone == null']}\n",
        price_keys=("food",),
    )
    assert err.errors == [
        "manifest.expression_name: affordances[0].preconditions[1]: column 1: "
        "unknown name 'item.food.count' [line 9]",
        "manifest.expression_name: affordances[1].preconditions[0]: column 1: "
        "'object.zone' is not available in an item-use affordance [line 10]",
    ]


def test_default_manifest_preconditions_compile_with_default_prices() -> None:
    manifest = load_manifest(DEFAULT, price_keys=("raw_food", "meal", "shower_fee"))
    assert manifest.affordance("sleep").preconditions == ("object.owner == agent.id",)
