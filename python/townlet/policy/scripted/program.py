"""The scripted policy's rules compiled to a few matrices (speed, learning.md 5).

Every condition of learning.md 5.2 is a *literal*: a linear inequality in the
gathered feature row, true when ``x @ a + b < 0``. Every utility rule is a *term*:
a conjunction of literals (each used plain or negated) with a value that is a
constant or linear in ``x`` (the 1..2 ramp, the extroversion bonus). An option's
utility is the largest value among its true terms, 0 when none holds. With literals
``B`` (``N x L`` bool), the term matrix ``D`` (+1 plain, -1 negated) and ``P`` plain
literals per term, a term holds exactly when ``B @ D == P``; so ``decide`` costs a
handful of whole-array numpy calls whatever the number of rules.

>>> b = Builder(("n",))
>>> b.lit("low", {"n": 1.0}, -0.5)          # n < 0.5
>>> b.term(0, [], [], 0.1)                  # always
>>> b.term(1, ["low"], [], 2.0)
>>> p = b.build(options=2)
>>> u, lits = evaluate(np.array([[0.2], [0.7]]), p)
>>> u.tolist()
[[0.1, 2.0], [0.1, 0.0]]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Builder", "Program", "evaluate"]

Array = npt.NDArray[np.float64]
Linear = tuple[Mapping[str, float], float]
"""A linear value: ``({column: coefficient}, constant)``."""


@dataclass(frozen=True)
class Program:
    """The compiled rules.

    Terms are laid out option-major in ``slots`` columns per option (unused slots
    are terms that never hold), so the per-option maximum is one reshape-and-max.

    Attributes:
        weights: ``(K, L + O*S)`` literal coefficients, then term value
            coefficients, over the gathered columns.
        bias: ``(L + O*S,)`` literal constants, then term value constants; literal
            ``i`` holds when ``(x @ weights + bias)[:, i] < 0``.
        term_d: ``(L, O*S)`` +1 plain, -1 negated, 0 unused literal.
        term_p: ``(O*S,)`` number of plain literals of each term (``L + 1`` for an
            unused slot, which can never hold).
        options: ``O``.
        slots: ``S``, term slots per option.
        literals: literal name -> column of the literal matrix.
    """

    weights: Array
    bias: Array
    term_d: Array
    term_p: Array
    options: int
    slots: int
    literals: Mapping[str, int]


class Builder:
    """Collects literals and terms, then :meth:`build` makes a :class:`Program`.

    Args:
        columns: the gathered column names (coefficient keys).
    """

    def __init__(self, columns: Sequence[str]) -> None:
        self._col = {name: i for i, name in enumerate(columns)}
        self._lits: list[tuple[str, Linear]] = []
        self._terms: list[tuple[int, list[str], list[str], Linear]] = []

    def lit(self, name: str, coefs: Mapping[str, float], const: float) -> None:
        """Literal ``name``: ``sum(coefs[c] * x[c]) + const < 0``."""
        if any(n == name for n, _ in self._lits):
            raise ValueError(f"literal {name!r} defined twice")
        self._lits.append((name, (dict(coefs), float(const))))

    def term(
        self,
        option: int,
        plain: Sequence[str],
        negated: Sequence[str],
        value: float | Linear,
    ) -> None:
        """A rule: ``option`` scores ``value`` when every ``plain`` literal holds
        and no ``negated`` one does."""
        linear = ({}, float(value)) if isinstance(value, int | float) else value
        self._terms.append((option, list(plain), list(negated), linear))

    def build(self, options: int) -> Program:
        """Compile; every option needs at least one term.

        Raises:
            ValueError: an option without terms.
        """
        index = {name: i for i, (name, _) in enumerate(self._lits)}
        k, n_lit = len(self._col), len(self._lits)
        by_option: list[list[tuple[list[str], list[str], Linear]]] = [
            [] for _ in range(options)
        ]
        for option, plain, negated, value in self._terms:
            by_option[option].append((plain, negated, value))
        missing = [o for o, terms in enumerate(by_option) if not terms]
        if missing:
            raise ValueError(f"options without a rule: {missing}")
        slots = max(len(terms) for terms in by_option)
        n_term = options * slots
        weights, bias = np.zeros((k, n_lit + n_term)), np.zeros(n_lit + n_term)
        for i, (_, (coefs, const)) in enumerate(self._lits):
            for name, coef in coefs.items():
                weights[self._col[name], i] = coef
            bias[i] = const
        term_d = np.zeros((n_lit, n_term))
        term_p = np.full(n_term, float(n_lit + 1))  # unused slots never hold
        for option, terms in enumerate(by_option):
            for slot, (plain, negated, (coefs, const)) in enumerate(terms):
                j = option * slots + slot
                for name in plain:
                    term_d[index[name], j] = 1.0
                for name in negated:
                    term_d[index[name], j] = -1.0
                term_p[j] = len(plain)
                for name, coef in coefs.items():
                    weights[self._col[name], n_lit + j] = coef
                bias[n_lit + j] = const
        return Program(weights, bias, term_d, term_p, options, slots, index)


def evaluate(x: Array, p: Program) -> tuple[Array, npt.NDArray[np.bool_]]:
    """Utilities ``(N, options)`` and the literal matrix ``(N, L)`` of rows ``x``."""
    both = np.dot(x, p.weights) + p.bias
    n_lit = p.term_d.shape[0]
    lits = both[:, :n_lit] < 0.0
    # float @ float takes the BLAS path; bool @ float is a slower generic loop
    counts = np.dot(lits.astype(np.float64), p.term_d)
    values = both[:, n_lit:] * (counts == p.term_p)
    u = _max_over_slots(values.reshape(x.shape[0], p.options, p.slots))
    return u, lits


def _max_over_slots(v: Array) -> Array:
    """``v.max(axis=2)`` by halving with ``np.maximum`` (on ten rows an axis
    reduction costs several times the log2(slots) elementwise calls).

    >>> v = np.arange(30.0).reshape(2, 3, 5) % 7
    >>> bool((_max_over_slots(v) == v.max(axis=2)).all())
    True
    """
    while v.shape[2] > 1:
        half = v.shape[2] // 2
        head = np.maximum(v[:, :, :half], v[:, :, half : 2 * half])
        v = head if v.shape[2] % 2 == 0 else np.concatenate((head, v[:, :, -1:]), 2)
    out: Array = v[:, :, 0]
    return out
