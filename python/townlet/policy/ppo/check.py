"""The learning check (learning.md 6.6): train from scratch, then compare
scorecards of the trained (``ppo``), random masked (``rand``) and scripted
(``scr``) policies on the evaluation towns.

Passes when ``R_scr > R_rand``, ``R_ppo - R_rand >= 0.25 (R_scr - R_rand)`` and
``Fa_ppo <= 0.5 Fa_rand`` (skipped when ``Fa_rand`` = 0), with R the pooled
``reward_per_agent_tick`` and Fa the pooled ``faints_per_agent_day``.

    result = run_check("micro", Path("runs/check"))
    result["passed"]
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from townlet.config import TownletConfig, load_config
from townlet.policy.ppo.evaluate import scorecard, write_scorecard
from townlet.policy.ppo.trainer import PPOTrainer, Progress

__all__ = ["TIERS", "judge", "run_check", "tier_config"]

TIERS: dict[str, dict[str, Any]] = {
    "micro": {
        "config": "micro",
        "num_towns": 8,
        "total_agent_steps": 300_000,
        "ppo": {"learning_rate": 1e-3},
    },
    "town": {
        "config": "calm",
        "num_towns": 16,
        "total_agent_steps": 5_000_000,
        "ppo": {},
    },
}
"""Setup of each tier: scenario, towns, agent steps (seed 0) and the PPO settings
that differ from ``training.ppo`` (docs/training.md says why)."""


def tier_config(tier: str, config: TownletConfig | None = None) -> TownletConfig:
    """The tier's town config (``config`` overrides the scenario file, which is
    found as ``reset(options={"scenario": ...})`` finds it).

    Raises:
        KeyError: unknown tier (the CLI offers only the known ones).
    """
    if config is not None:
        return config
    from townlet.env.scenario import find_scenario

    return load_config(find_scenario(str(TIERS[tier]["config"]), None))


def judge(r: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Margins and verdict from the three pooled scorecards ``ppo``/``rand``/``scr``.

    >>> card = lambda r, f: {"reward_per_agent_tick": r, "faints_per_agent_day": f}
    >>> cards = {"ppo": card(0.5, 0), "rand": card(0.0, 1.0), "scr": card(1.0, 0)}
    >>> judge(cards)["passed"]
    True
    """
    rp, rr, rs = (float(r[k]["reward_per_agent_tick"]) for k in ("ppo", "rand", "scr"))
    fp, fr = (float(r[k]["faints_per_agent_day"] or 0.0) for k in ("ppo", "rand"))
    sane = rs > rr
    margin = (rp - rr) / (rs - rr) if rs != rr else None
    beats = margin is not None and margin >= 0.25
    survives = True if fr == 0 else fp <= 0.5 * fr
    return {
        "R": {"ppo": rp, "rand": rr, "scr": rs},
        "Fa": {"ppo": fp, "rand": fr},
        "reward_gap_fraction": margin,
        "faint_ratio": None if fr == 0 else fp / fr,
        "rule1_scripted_beats_random": sane,
        "rule2_ppo_reward": beats,
        "rule3_ppo_faints": survives,
        "passed": bool(sane and beats and survives),
    }


def run_check(
    tier: str,
    run_dir: Path,
    *,
    config: TownletConfig | None = None,
    total_agent_steps: int | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Train the tier from scratch, evaluate the three policies, judge.

    Returns:
        ``{"tier", "training", "scorecards": {ppo, rand, scr}, "verdict"}``; the
        scorecards are also written under ``run_dir/eval``.
    """
    setup = TIERS[tier]
    cfg = tier_config(tier, config)
    steps = int(total_agent_steps or setup["total_agent_steps"])
    ppo = cfg.training.ppo.model_copy(
        update={
            "num_towns": setup["num_towns"],
            "total_agent_steps": steps,
            "seed": 0,
            "social_schedule": (),
            **setup["ppo"],
        }
    )
    trainer = PPOTrainer(cfg, run_dir, ppo, progress=progress)
    last = trainer.train()
    ckpt = run_dir / "checkpoints" / "latest.pt"
    cards = {
        "ppo": scorecard(f"ppo:{ckpt}", cfg),
        "rand": scorecard("random", cfg),
        "scr": scorecard("scripted", cfg),
    }
    for name, card in cards.items():
        write_scorecard(card, run_dir / "eval" / f"check_{name}.json")
    verdict = judge({k: v["pooled"] for k, v in cards.items()})
    return {
        "tier": tier,
        "training": {"agent_steps": trainer.agent_steps, "last_update": last},
        "scorecards": {k: v["pooled"] for k, v in cards.items()},
        "verdict": verdict,
    }
