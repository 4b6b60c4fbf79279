"""Every docstring example in the package runs and stays true (STYLE.md 6)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import townlet

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(townlet.__path__, prefix="townlet.")
    # _native is the compiled extension; __main__ runs the CLI when imported.
    if not info.name.startswith("townlet._native")
    and not info.name.endswith("__main__")
)


def test_the_walk_finds_the_packages() -> None:
    assert {"townlet.world.rng", "townlet.config.loader", "townlet.cli.options"} <= set(
        MODULES
    )


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name: str) -> None:
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as err:
        if err.name != "torch":
            raise
        pytest.skip("torch not installed (install townlet[ml])")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
