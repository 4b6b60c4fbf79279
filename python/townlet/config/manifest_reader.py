"""Validation of manifest YAML into a :class:`~townlet.config.manifest.Manifest`.

One pass over the document collects every problem with its world.md 3.7 code and
line; problems are then sorted by line (stable), which is document order. Checks
that refer to other sections (items named by object types and affordances, types
named by affordances) read the declared names first, so a file may declare its
sections in any order.
"""

from __future__ import annotations

from typing import Any

from townlet.config.base import IDENTIFIER
from townlet.config.manifest import (
    HOOK_STAGES,
    UTILITIES,
    Affordance,
    Effects,
    ItemSpec,
    Manifest,
    ObjectTypeSpec,
)
from townlet.config.manifest_values import ValueReader, describe_kind
from townlet.config.source import KeyPath, YamlDocument, format_path, parse_yaml

# The one import of the runtime from config, allowed by a scoped exception in
# [tool.importlinter]: townlet.world.expr is a pure leaf (it imports only itself and
# townlet.errors), so the manifest is checked by the very code the world runs.
from townlet.world.expr import Context, ExprError, Precondition

__all__ = ["read_manifest"]

TOP_KEYS = ("manifest_version", "items", "object_types", "affordances")
TYPE_KEYS = ("capacity", "ownable", "requires", "stock", "stock_limit", "restock")
AFFORDANCE_KEYS = (
    "id",
    "object_type",
    "item",
    "duration",
    "preconditions",
    "cost",
    "consume",
    "take",
    "per_tick",
    "on_complete",
    "decay_multipliers",
    "allows_chat",
    "sells",
    "tags",
    "hooks",
)
HOOK_KEYS = ("on_start", "on_complete", "on_fail")


class _Reader(ValueReader):
    """Reads the manifest sections into specs, collecting problems."""

    def __init__(self, doc: YamlDocument, price_keys: tuple[str, ...] | None) -> None:
        super().__init__(doc)
        self.price_keys = price_keys
        self.items: dict[str, ItemSpec] = {}
        self.type_caps: dict[str, int] = {}

    # ---------------------------------------------------------------- sections
    def read(self) -> tuple[dict[str, ObjectTypeSpec], list[Affordance]]:
        top = self.mapping(self.doc.value, ())
        if not top:
            if isinstance(self.doc.value, dict) or self.doc.value is None:
                self.error("schema", (), "empty manifest")
            return {}, []
        for key in TOP_KEYS:
            if key not in top:
                self.error("schema", (), f"missing top-level key '{key}'")
        self.fields(top, (), TOP_KEYS)
        if "manifest_version" in top and top["manifest_version"] != 1:
            self.error(
                "schema",
                ("manifest_version",),
                f"must be 1 (got {top['manifest_version']!r})",
            )
        for path, line in self.doc.duplicates:
            self.problems.append(
                (
                    line,
                    f"manifest.duplicate_id: {format_path(path)}: duplicate key "
                    f"[line {line}]",
                )
            )
        raw_items = self.mapping(top.get("items", {}), ("items",), allow_null=True)
        raw_types = self.mapping(
            top.get("object_types", {}), ("object_types",), allow_null=True
        )
        self.item_names = [k for k in raw_items if isinstance(k, str)]
        self.read_items(raw_items)
        types = self.read_types(raw_types)
        raw_affordances = top.get("affordances", [])
        if raw_affordances is None:
            raw_affordances = []
        if not isinstance(raw_affordances, list):
            self.error(
                "schema",
                ("affordances",),
                f"expected a list (got {describe_kind(raw_affordances)})",
            )
            raw_affordances = []
        affordances = self.read_affordances(raw_affordances)
        return types, affordances

    def read_items(self, raw: dict[Any, Any]) -> None:
        for name, spec in raw.items():
            path: KeyPath = ("items", str(name))
            if not isinstance(name, str) or not IDENTIFIER.match(name):
                self.error("schema", path, "item names must match [a-z][a-z0-9_]*")
                continue
            body = self.mapping(spec, path)
            self.fields(body, path, ("carry_limit",))
            if "carry_limit" not in body:
                if isinstance(spec, dict):
                    self.error("schema", path, "missing required key 'carry_limit'")
                continue
            limit = self.integer(body["carry_limit"], (*path, "carry_limit"), 0, 99)
            if limit is not None:
                self.items[name] = ItemSpec(name=name, carry_limit=limit)

    def read_types(self, raw: dict[Any, Any]) -> dict[str, ObjectTypeSpec]:
        types: dict[str, ObjectTypeSpec] = {}
        for name, spec in raw.items():
            path: KeyPath = ("object_types", str(name))
            if not isinstance(name, str) or not IDENTIFIER.match(name):
                self.error(
                    "schema", path, "object type names must match [a-z][a-z0-9_]*"
                )
                continue
            body = self.mapping(spec, path, allow_null=True)
            self.fields(body, path, TYPE_KEYS)
            capacity = self.integer(body.get("capacity", 1), (*path, "capacity"), 0, 16)
            ownable = self.boolean(body.get("ownable", False), (*path, "ownable"))
            requires = []
            for i, utility in enumerate(
                self.name_list(body.get("requires"), (*path, "requires"))
            ):
                if utility not in UTILITIES:
                    self.error(
                        "unknown_utility",
                        (*path, "requires", i),
                        f"unknown utility '{utility}' (utilities: power, water)",
                    )
                elif utility not in requires:
                    requires.append(utility)
            stock = self.item_counts(body.get("stock"), (*path, "stock"), 0)
            limit = self.item_counts(body.get("stock_limit"), (*path, "stock_limit"), 0)
            restock = self.item_counts(body.get("restock"), (*path, "restock"), 0)
            for key, table in (("stock", stock), ("restock", restock)):
                for item, count in table.items():
                    if count > limit.get(item, 0):
                        self.error(
                            "range",
                            (*path, key, item),
                            f"{count} exceeds stock_limit {limit.get(item, 0)}",
                        )
            self.type_caps[name] = capacity if capacity is not None else 1
            types[name] = ObjectTypeSpec(
                name=name,
                capacity=capacity if capacity is not None else 1,
                ownable=ownable,
                requires=tuple(requires),
                stock=stock,
                stock_limit=limit,
                restock=restock,
            )
        return types

    def read_affordances(self, raw: list[Any]) -> list[Affordance]:
        out: list[Affordance] = []
        seen_ids: set[str] = set()
        item_uses: set[str] = set()
        for index, spec in enumerate(raw):
            path: KeyPath = ("affordances", index)
            body = self.mapping(spec, path)
            if not body:
                continue
            self.fields(body, path, AFFORDANCE_KEYS)
            affordance = self.read_affordance(body, path, seen_ids, item_uses)
            if affordance is not None:
                out.append(affordance)
        return out

    def read_affordance(
        self,
        body: dict[Any, Any],
        path: KeyPath,
        seen_ids: set[str],
        item_uses: set[str],
    ) -> Affordance | None:
        ok = True
        ident = body.get("id")
        if ident is None:
            self.error("schema", path, "missing required key 'id'")
            ok = False
        elif not isinstance(ident, str) or not IDENTIFIER.match(ident):
            self.error(
                "schema",
                (*path, "id"),
                f"id must match [a-z][a-z0-9_]* (got {ident!r})",
            )
            ok = False
        elif ident in seen_ids:
            self.error(
                "duplicate_id", (*path, "id"), f"duplicate affordance id '{ident}'"
            )
        else:
            seen_ids.add(ident)
        object_type = body.get("object_type")
        item = body.get("item")
        if (object_type is None) == (item is None):
            self.error("target", path, "give exactly one of object_type and item")
            ok = False
        elif object_type is not None:
            if not isinstance(object_type, str) or object_type not in self.type_caps:
                self.error(
                    "unknown_object_type",
                    (*path, "object_type"),
                    f"unknown object type '{object_type}'",
                )
                ok = False
            elif self.type_caps[object_type] == 0:
                self.error(
                    "decor_affordance",
                    (*path, "object_type"),
                    f"object type '{object_type}' has capacity 0 (decor)",
                )
        else:
            if not isinstance(item, str) or item not in self.item_names:
                self.error("unknown_item", (*path, "item"), f"unknown item '{item}'")
                ok = False
            elif item in item_uses:
                self.error(
                    "item_use_conflict",
                    (*path, "item"),
                    f"item '{item}' already has a use affordance",
                )
            else:
                item_uses.add(item)
        if "duration" not in body:
            self.error("schema", path, "missing required key 'duration'")
            ok = False
        duration = self.integer(body.get("duration", 1), (*path, "duration"), 1, 10080)
        preconditions = self.name_list(
            body.get("preconditions"), (*path, "preconditions")
        )
        self.check_preconditions(
            body.get("preconditions"), (*path, "preconditions"), item
        )
        cost, cost_price = self.read_cost(body.get("cost", 0), (*path, "cost"))
        consume = self.item_counts(body.get("consume"), (*path, "consume"), 1)
        take = self.item_counts(body.get("take"), (*path, "take"), 1)
        if item is not None and "take" in body:
            self.error("target", (*path, "take"), "take is not allowed on an item use")
        per_tick = self.read_effects(
            body.get("per_tick"), (*path, "per_tick"), ("needs", "money")
        )
        on_complete = self.read_effects(
            body.get("on_complete"),
            (*path, "on_complete"),
            ("needs", "money", "items", "stock"),
        )
        if (
            item is not None
            and isinstance(body.get("on_complete"), dict)
            and "stock" in body["on_complete"]
        ):
            self.error(
                "target",
                (*path, "on_complete", "stock"),
                "stock is not allowed on an item use",
            )
        multipliers = self.need_values(
            body.get("decay_multipliers"), (*path, "decay_multipliers"), 0.0, 4.0
        )
        allows_chat = self.boolean(
            body.get("allows_chat", False), (*path, "allows_chat")
        )
        sells = body.get("sells")
        if sells is not None and (
            not isinstance(sells, str) or sells not in self.item_names
        ):
            self.error("unknown_item", (*path, "sells"), f"unknown item '{sells}'")
            sells = None
        tags = self.name_list(body.get("tags"), (*path, "tags"))
        for i, tag in enumerate(tags):
            if not IDENTIFIER.match(tag):
                self.error(
                    "schema",
                    (*path, "tags", i),
                    f"tags must match [a-z][a-z0-9_]* (got {tag!r})",
                )
        hooks = self.read_hooks(body.get("hooks"), (*path, "hooks"))
        if not ok or duration is None:
            return None
        return Affordance(
            id=str(ident),
            object_type=object_type,
            item=item,
            duration=duration,
            preconditions=tuple(preconditions),
            cost=cost,
            cost_price=cost_price,
            consume=consume,
            take=take,
            per_tick=per_tick,
            on_complete=on_complete,
            decay_multipliers=multipliers,
            allows_chat=allows_chat,
            sells=sells,
            tags=tuple(tags),
            hooks=hooks,
        )

    def check_preconditions(self, sources: Any, path: KeyPath, item: Any) -> None:
        """Compile each precondition (world.md 3.6); record a coded error per bad one.

        Price keys are those given to :func:`read_manifest` (none when not given);
        ``object.*`` names are refused in an item use.
        """
        context = Context(
            tuple(self.item_names),
            self.price_keys or (),
            allow_object=item is None,
        )
        for i, source in enumerate(sources if isinstance(sources, list) else ()):
            if not isinstance(source, str):
                continue  # a schema problem already
            try:
                Precondition.compile(source, context)
            except ExprError as err:
                self.error(
                    str(err.code).removeprefix("manifest."), (*path, i), str(err)
                )

    def read_cost(self, value: Any, path: KeyPath) -> tuple[float, str | None]:
        if isinstance(value, str):
            prefix, _, key = value.partition(".")
            if prefix != "price" or not key:
                self.error(
                    "schema",
                    path,
                    f"expected a number >= 0 or price.<key> (got {value!r})",
                )
                return 0.0, None
            if self.price_keys is not None and key not in self.price_keys:
                known = ", ".join(self.price_keys)
                self.error(
                    "unknown_price", path, f"unknown price key '{key}' (known: {known})"
                )
            return 0.0, key
        number = self.number(value, path, 0.0, None)
        return (number if number is not None else 0.0), None

    def read_effects(
        self, value: Any, path: KeyPath, allowed: tuple[str, ...]
    ) -> Effects:
        body = self.mapping(value, path, allow_null=True)
        self.fields(body, path, allowed)
        needs = self.need_values(body.get("needs"), (*path, "needs"), None, None)
        money = 0.0
        if "money" in body:
            checked = self.number(body["money"], (*path, "money"), 0.0, None)
            money = checked if checked is not None else 0.0
        items = (
            self.item_counts(body.get("items"), (*path, "items"), 1)
            if "items" in allowed
            else {}
        )
        stock = (
            self.item_counts(body.get("stock"), (*path, "stock"), 1)
            if "stock" in allowed
            else {}
        )
        return Effects(needs=needs, money=money, items=items, stock=stock)

    def read_hooks(self, value: Any, path: KeyPath) -> dict[str, tuple[str, ...]]:
        body = self.mapping(value, path, allow_null=True)
        self.fields(body, path, HOOK_KEYS)
        hooks: dict[str, tuple[str, ...]] = {}
        for stage in HOOK_KEYS:
            names = self.name_list(body.get(stage), (*path, stage))
            for i, hook in enumerate(names):
                if hook not in HOOK_STAGES:
                    known = ", ".join(HOOK_STAGES)
                    self.error(
                        "unknown_hook",
                        (*path, stage, i),
                        f"unknown hook '{hook}' (known: {known})",
                    )
                elif stage not in HOOK_STAGES[hook]:
                    allowed = ", ".join(HOOK_STAGES[hook])
                    self.error(
                        "hook_stage",
                        (*path, stage, i),
                        f"hook '{hook}' runs only at {allowed}",
                    )
            if names:
                hooks[stage] = tuple(names)
        return hooks


def read_manifest(
    text: str, *, name: str, sha256: str, price_keys: tuple[str, ...] | None
) -> tuple[Manifest | None, list[str]]:
    """Validate manifest text.

    Args:
        text: the YAML text.
        name: file name for messages.
        sha256: hex sha256 of the file bytes.
        price_keys: declared price keys, or None to skip ``price.<key>`` checks.

    Returns:
        ``(manifest, [])`` when valid, else ``(None, problems)`` in document order.
    """
    doc = parse_yaml(text, name, code="manifest.schema")
    reader = _Reader(doc, price_keys)
    types, affordances = reader.read()
    if reader.problems:
        ordered = sorted(reader.problems, key=lambda entry: entry[0])
        return None, [message for _, message in ordered]
    manifest = Manifest(
        items=dict(reader.items),
        object_types=types,
        affordances=tuple(affordances),
        sha256=sha256,
        name=name,
    )
    return manifest, []
