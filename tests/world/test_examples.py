"""The docstring examples of the world modules run and stay true (STYLE.md 6)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import townlet.world

MODULES = sorted(m.name for m in pkgutil.iter_modules(townlet.world.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name: str) -> None:
    module = importlib.import_module(f"townlet.world.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
