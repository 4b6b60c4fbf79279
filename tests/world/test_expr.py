"""The precondition language (world.md 3.6): townlet.world.expr.

The shared vectors of tests/data/expr_cases.json run here and in the Rust core
(rust/townlet-core/src/expr/tests.rs), so the two implementations agree on every
result and every error message; the fragment soup pins the same outcomes by digest.
"""

from __future__ import annotations

import doctest
import hashlib
import importlib
import json
from pathlib import Path
from typing import Any

import pytest

from townlet.errors import ConfigError
from townlet.world.expr import (
    NAME,
    SYNTAX,
    TYPE,
    Context,
    ExprError,
    Name,
    NameKind,
    Precondition,
    evaluate,
    first_false,
    parse,
    resolve,
    syntax,
    tokenize,
)
from townlet.world.expr.check import CmpNum, EqBool, EqText, Expr, InNum, InText
from townlet.world.expr.lexer import TokenKind
from townlet.world.expr.names import FIXED_NAMES
from townlet.world.expr.parser import MAX_DEPTH

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "data" / "expr_cases.json").read_text()
)


def vector_context(allow_object: bool = True) -> Context:
    ctx = VECTORS["context"]
    return Context(tuple(ctx["items"]), tuple(ctx["price_keys"]), allow_object)


class TableEnv:
    """The environment of the vectors: the base ``env`` with overrides, by name id."""

    def __init__(self, overrides: dict[str, Any] | None = None) -> None:
        values = {**VECTORS["env"], **(overrides or {})}
        self.values = {resolve(p, vector_context())[0]: v for p, v in values.items()}

    def num(self, name: Name) -> float:
        return float(self.values[name])

    def text(self, name: Name) -> str | None:
        value = self.values[name]
        assert value is None or isinstance(value, str)
        return value

    def flag(self, name: Name) -> bool:
        return bool(self.values[name])


def outcome(case: dict[str, Any]) -> Any:
    """What compiling and evaluating a shared case gives, in the JSON's words."""
    try:
        p = Precondition.compile(case["expr"], vector_context(not case.get("item_use")))
    except ExprError as err:
        return {"code": err.code, "message": str(err)}
    return evaluate(p.expr, TableEnv(case.get("env")))


@pytest.mark.parametrize(
    "case", VECTORS["cases"], ids=lambda c: c["expr"][:60].replace(" ", "_")
)
def test_shared_case_gives_its_result_or_its_error(case: dict[str, Any]) -> None:
    expected = case["result"] if "result" in case else case["error"]
    assert outcome(case) == expected


@pytest.mark.parametrize("case", VECTORS["lists"])
def test_shared_list_reports_its_first_false_precondition(case: dict[str, Any]) -> None:
    ctx = vector_context()
    preconditions = [Precondition.compile(s, ctx) for s in case["preconditions"]]
    expected = case["first_false"]
    got = first_false(preconditions, TableEnv(case.get("env")))
    assert got == (tuple(expected) if expected is not None else None)


def test_the_shared_cases_cover_every_default_manifest_expression() -> None:
    exprs = {case["expr"] for case in VECTORS["cases"] if "result" in case}
    home = "agent.home != null and object.zone == agent.home"
    assert {
        "object.owner == agent.id",
        home,
        'object.zone_kind == "gym"',
        f'({home}) or object.zone_kind == "cafe"',
    } <= exprs
    codes = [case["error"]["code"] for case in VECTORS["cases"] if "error" in case]
    assert {SYNTAX, NAME, TYPE} == set(codes)


class SplitMix64:
    """The soup's generator; the Rust test draws the same numbers."""

    def __init__(self, seed: int) -> None:
        self.state = seed

    def below(self, n: int) -> int:
        mask = (1 << 64) - 1
        self.state = (self.state + 0x9E3779B97F4A7C15) & mask
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        return (z ^ (z >> 31)) % n


class Soup:
    """The sources of the soup: a grammar walk and fragment soup (see its 'about')."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.draws = SplitMix64(spec["seed"])

    def pick(self, key: str) -> str:
        items: list[str] = self.spec[key]
        return items[self.draws.below(len(items))]

    def grammar(self, depth: int) -> str:
        k = self.draws.below(8) if depth < 3 else 0
        if k <= 3:
            return self.comparison()
        if k in (4, 5):
            left = self.grammar(depth + 1)
            op = " or " if k == 4 else " and "
            return left + op + self.grammar(depth + 1)
        if k == 6:
            return "not " + self.grammar(depth + 1)
        return "(" + self.grammar(depth + 1) + ")"

    def comparison(self) -> str:
        k = self.draws.below(4)
        left = self.pick("operands")
        if k == 0:
            return left
        if k in (1, 2):
            op = self.pick("ops")
            return f"{left} {op} {self.pick('operands')}"
        op = (" in ", " not in ")[self.draws.below(2)]
        n = self.draws.below(3)
        items = [self.pick("literals") for _ in range(n)]
        return f"{left}{op}[{', '.join(items)}]"

    def fragments(self) -> str:
        n = 1 + self.draws.below(self.spec["max_fragments"])
        return " ".join(self.pick("fragments") for _ in range(n))


def soup_outcomes() -> list[str]:
    """Outcome lines of the soup: ``true``/``false`` or ``<code>|<message>``."""
    soup = Soup(VECTORS["soup"])
    lines = []
    for round_ in range(VECTORS["soup"]["count"]):
        source = soup.grammar(0) if round_ % 2 == 0 else soup.fragments()
        try:
            p = Precondition.compile(source, vector_context(round_ % 3 != 2))
        except ExprError as err:
            columns_ok = 1 <= err.column <= len(source) + 1
            lines.append(f"{err.code}|{err}" if columns_ok else f"bad column|{err}")
            continue
        lines.append("true" if evaluate(p.expr, TableEnv()) else "false")
    return lines


def test_fragment_soup_matches_the_pinned_digest() -> None:
    lines = soup_outcomes()
    assert not [line for line in lines if line.startswith("bad column")]
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    assert len({line.split("|")[0] for line in lines}) == 5  # ok, false and 3 codes
    assert digest == VECTORS["soup"]["sha256"]


@pytest.mark.parametrize(
    "source",
    [
        "9" * 5000,
        "0." + "0" * 5000 + "1 > 0",
        "a." * 1000,
        "[" * 10_000,
        ")" * 10_000,
        "(" * 100_000 + "a" + ")" * 100_000,
        "not " * 100_000 + "a",
        "(not " * 50_000 + "a" + ")" * 50_000,
        " and ".join(["utility.power"] * 50_000),
        "\U0010ffff\ufeff\u200b",
        '"\ud800"',
        "agent.id in [" + '"x",' * 10_000 + '"y"]',
    ],
    ids=lambda s: s[:12],
)
def test_odd_strings_give_a_result_or_an_expr_error(source: str) -> None:
    column = 1
    try:
        Precondition.compile(source, Context(("meal",), ("meal",), True))
    except ExprError as err:
        column = err.column
    assert 1 <= column <= len(source) + 1


def test_random_characters_give_a_result_or_an_expr_error() -> None:
    alphabet = 'ab_.z09 -"\\()[],=!<>\t\n\0é€😀AZ$'
    draws = SplitMix64(11)
    for _ in range(3000):
        source = "".join(
            alphabet[draws.below(len(alphabet))] for _ in range(draws.below(30))
        )
        column = 1
        try:
            Precondition.compile(source, Context(("meal",), ("meal",), True))
        except ExprError as err:
            column = err.column
        assert 1 <= column <= len(source) + 1


def test_expr_error_is_a_config_error_with_code_and_column() -> None:
    with pytest.raises(
        ConfigError, match=r"^column 5: unexpected character '\$'$"
    ) as e:
        parse("a > $")
    assert isinstance(e.value, ExprError)
    assert (e.value.code, e.value.column, e.value.what) == (
        SYNTAX,
        5,
        "unexpected character '$'",
    )


def test_tokens_are_maximal_munch() -> None:
    kinds = [t.kind for t in tokenize("1.x ==!=<=>= -0 andx")]
    assert kinds == [
        TokenKind.NUMBER,
        TokenKind.DOT,
        TokenKind.IDENT,
        TokenKind.EQ,
        TokenKind.NE,
        TokenKind.LE,
        TokenKind.GE,
        TokenKind.NUMBER,
        TokenKind.IDENT,
        TokenKind.END,
    ]
    assert tokenize("9007199254740993")[0].value == 9007199254740992.0


def test_or_binds_looser_than_and_and_and_looser_than_not() -> None:
    ast = parse("a or not b and c")
    assert ast == syntax.Or(
        (
            syntax.Path(1, "a"),
            syntax.And((syntax.Not(6, syntax.Path(10, "b")), syntax.Path(16, "c"))),
        )
    )


def test_nesting_is_limited_but_long_chains_are_flat() -> None:
    parse("(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH)
    with pytest.raises(ExprError, match="nested deeper than 32 levels"):
        parse("not " * (MAX_DEPTH + 1) + "a")
    assert isinstance(parse(" or ".join(["a"] * 10_000)), syntax.Or)


def test_every_fixed_name_resolves_to_its_own_kind() -> None:
    for path, kind, ty in FIXED_NAMES:
        assert resolve(path, vector_context()) == (Name(kind), ty)
    assert len({kind for _, kind, _ in FIXED_NAMES}) == len(FIXED_NAMES)
    assert resolve("price.shower_fee", vector_context())[0] == Name(NameKind.PRICE, 2)


def test_comparisons_are_specialised_by_type() -> None:
    def compiled(source: str) -> Expr:
        return Precondition.compile(source, vector_context()).expr

    home = Name(NameKind.AGENT_HOME)
    assert compiled("agent.home != null") == EqText(True, home, None)
    assert isinstance(compiled("agent.items.meal >= 1"), CmpNum)
    assert isinstance(compiled("utility.power == true"), EqBool)
    assert isinstance(compiled('agent.job in ["cook"]'), InText)
    assert isinstance(compiled("world.hour not in [1]"), InNum)


class CountingEnv:
    """Counts every read, to show what short-circuits; ``agent.home`` is null."""

    def __init__(self) -> None:
        self.reads = 0

    def num(self, name: Name) -> float:
        self.reads += 1
        return 2.5 if name.kind is NameKind.AGENT_WALLET else float("nan")

    def text(self, name: Name) -> str | None:
        self.reads += 1
        return None if name.kind is NameKind.AGENT_HOME else "a_1"

    def flag(self, name: Name) -> bool:
        self.reads += 1
        return True


@pytest.mark.parametrize(
    ("source", "result", "reads"),
    [
        ("utility.power or agent.wallet > 1", True, 1),
        ("not utility.power and agent.wallet > 1", False, 1),
        ('agent.wallet > 1 and agent.wallet < 3 and agent.id == "a_1"', True, 3),
        ("agent.hunger == agent.hunger", False, 2),
        ("agent.hunger != agent.hunger", True, 2),
        ('agent.home not in ["a_1"]', True, 1),
    ],
)
def test_evaluation_short_circuits_and_follows_ieee(
    source: str, result: bool, reads: int
) -> None:
    env = CountingEnv()
    p = Precondition.compile(source, Context((), (), True))
    assert (evaluate(p.expr, env), env.reads) == (result, reads)


def test_first_false_is_none_when_everything_holds() -> None:
    assert first_false([], CountingEnv()) is None
    ok = Precondition.compile("true", Context((), (), True))
    assert first_false([ok, ok], CountingEnv()) is None


@pytest.mark.parametrize(
    "module", ["error", "lexer", "syntax", "parser", "names", "check", "eval"]
)
def test_docstring_examples_hold(module: str) -> None:
    mod = importlib.import_module(f"townlet.world.expr.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
