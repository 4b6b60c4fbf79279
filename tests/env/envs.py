"""Builders shared by the env API tests (imported as ``envs``).

``CHURN`` is the scenario whose fast hunger decay makes residents faint and newcomers
arrive within 1,000 ticks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

import townlet

REPO = Path(__file__).resolve().parents[2]
CHURN = REPO / "configs" / "scenarios" / "churn.yaml"


def config(path: Path | None = None, **overrides: Any) -> Any:
    """A loaded config (the packaged default town when ``path`` is None)."""
    return townlet.load_config(path, overrides=overrides or None)


def random_actions(env: Any, rng: np.random.Generator) -> dict[str, int]:
    """Seeded uniform actions over the whole action space (masks ignored)."""
    return {a: int(rng.integers(env.action_space(a).n)) for a in env.agents}


def masked_actions(
    env: Any, obs: dict[str, Any], rng: np.random.Generator
) -> dict[str, int]:
    """Seeded uniform actions over each live agent's allowed actions."""
    out = {}
    for a in env.agents:
        allowed = np.flatnonzero(obs[a]["action_mask"])
        out[a] = int(allowed[rng.integers(allowed.size)])
    return out
