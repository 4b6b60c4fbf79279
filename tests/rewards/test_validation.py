"""Config validation of the reward balance (learning.md 3.3 rule 5)."""

from __future__ import annotations

import pytest

from townlet.config import load_config
from townlet.errors import ConfigError
from townlet.rewards import RewardParams


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["rewards.wage_coeff=1.0"],
            r"rewards\.wage_coeff: wage_coeff x highest wage \(0\.01\) must be <= "
            r"0\.25 x needs_scale x w_hunger = 0\.0025",
        ),
        (
            ["rewards.needs_scale=0.004"],
            r"rewards\.punctuality_bonus: must be <= 10 x needs_scale x w_hunger",
        ),
        (["rewards.C1_trust=0.08"], r"C1_base \+ C1_trust \+ C1_fam must be <= 0\.1"),
        (["rewards.faint_penalty=0"], r"rewards\.faint_penalty: must be < 0"),
        (["rewards.eviction_penalty=-0.5"], r"eviction_penalty: must be <= faint"),
        (["rewards.shaping_gamma=0.9"], r"shaping_gamma: must equal training\.ppo"),
    ],
)
def test_each_balance_rule_is_a_config_error(args: list[str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(set_args=args)


def test_shaping_off_frees_the_gamma_and_auto_lands_at_80_percent() -> None:
    cfg = load_config(set_args=["rewards.shaping=false", "rewards.shaping_gamma=0.9"])
    params = RewardParams.from_config(cfg)
    highest = max(params.job_wages.values())
    bound = 0.25 * cfg.rewards.needs_scale * 1.0
    assert params.wage_coeff * highest == pytest.approx(0.8 * bound)
