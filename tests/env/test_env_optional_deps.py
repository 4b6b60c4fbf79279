"""``townlet.env`` without PettingZoo or Gymnasium (the ``rl`` extra; learning.md 9)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import townlet.env
from townlet.env import RLUnavailableError
from townlet.errors import ProviderError


@pytest.mark.parametrize(
    ("build", "module"),
    [
        (townlet.env.parallel_env, "pettingzoo"),
        (townlet.env.parallel_env, "gymnasium"),
        (townlet.env.single_agent_env, "gymnasium"),
    ],
)
def test_building_an_env_without_the_rl_extra_names_it(
    monkeypatch: pytest.MonkeyPatch, build: object, module: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # the import now fails
    with pytest.raises(RLUnavailableError) as caught:
        build()  # type: ignore[operator]
    err = caught.value
    assert isinstance(err, ProviderError)
    assert isinstance(err, ImportError)
    assert err.module == module
    assert err.hint == "pip install 'townlet[rl]'"
    assert f"requires {module}, which is not installed" in str(err)
    assert "pip install 'townlet[rl]'" in str(err)


def test_importing_townlet_env_needs_neither_rl_libraries_nor_torch() -> None:
    code = (
        "import sys\n"
        "for name in ('pettingzoo', 'gymnasium', 'torch'):\n"
        "    sys.modules[name] = None\n"
        "import townlet, townlet.env\n"
        "from townlet.env import parallel_env, single_agent_env\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
