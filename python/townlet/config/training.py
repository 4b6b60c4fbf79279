"""PPO hyperparameters, evaluation protocol and the death window (learning.md 6).

``training``. These settings shape learning, not the simulation, so they are left
out of ``config_id``; checkpoints record the resolved training config separately
(learning.md 6.4). The shaping discount of ``rewards`` must equal ``ppo.gamma``
while shaping is on (checked in the root model).

>>> TrainingConfig().ppo.rollout_ticks
128
"""

from __future__ import annotations

from typing import Literal

from townlet.config.base import Section, setting, tuple_of

__all__ = ["BCConfig", "EvalConfig", "PPOConfig", "StageStep", "TrainingConfig"]


class StageStep(Section):
    """One step of the social reward schedule (learning.md 3.4)."""

    after_agent_steps: int = setting(
        ..., "Agent steps after which the stage applies; required.", ge=0
    )
    stage: Literal["off", "C1", "C2", "C3"] = setting(..., "The stage; required.")


def _schedule() -> tuple[StageStep, ...]:
    return (
        StageStep(after_agent_steps=0, stage="off"),
        StageStep(after_agent_steps=5_000_000, stage="C1"),
        StageStep(after_agent_steps=10_000_000, stage="C2"),
        StageStep(after_agent_steps=15_000_000, stage="C3"),
    )


class PPOConfig(Section):
    """PPO hyperparameters (learning.md 6.2)."""

    total_agent_steps: int = setting(20_000_000, "Agent steps to train.", ge=1)
    num_towns: int = setting(16, "Towns stepped in parallel.", ge=1)
    rollout_ticks: int = setting(128, "Ticks per rollout (T).", ge=1)
    update_epochs: int = setting(4, "Epochs per update.", ge=1)
    num_minibatches: int = setting(4, "Minibatches per epoch.", ge=1)
    learning_rate: float = setting(
        3e-4, "Adam learning rate, decayed linearly to 0.", gt=0
    )
    gamma: float = setting(0.995, "Discount factor.", gt=0, le=1)
    gae_lambda: float = setting(0.95, "GAE lambda.", ge=0, le=1)
    clip_coef: float = setting(0.2, "Policy ratio clip.", gt=0)
    value_clip: float = setting(0.2, "Value clip; 0 disables.", ge=0)
    vf_coef: float = setting(0.5, "Value loss weight.", ge=0)
    ent_coef: float = setting(0.01, "Entropy bonus weight.", ge=0)
    max_grad_norm: float = setting(0.5, "Gradient norm clip.", gt=0)
    target_kl: float = setting(
        0.02, "Epochs stop once approx-KL exceeds 1.5 x this.", gt=0
    )
    norm_adv: bool = setting(True, "Normalise advantages per minibatch.")
    lstm: bool = setting(False, "Add an LSTM cell (hidden 128) on the trunk.")
    seed: int = setting(0, "Trainer seed.", ge=0, lt=2**64)
    device: str = setting("auto", "Torch device; auto = CUDA when available.")
    checkpoint_every_updates: int = setting(50, "Updates between checkpoints.", ge=1)
    eval_every_updates: int = setting(100, "Updates between evaluations.", ge=1)
    deterministic: bool = setting(
        False, "Seed everything and use deterministic torch algorithms."
    )
    social_schedule: tuple_of(StageStep) = setting(  # type: ignore[valid-type]
        _schedule(),
        "Social reward stages by agent steps, in ascending order.",
        shown="off, then C1 at 5M, C2 at 10M, C3 at 15M agent steps",
    )


class EvalConfig(Section):
    """Evaluation protocol (learning.md 6.5)."""

    towns: int = setting(4, "Towns evaluated.", ge=1)
    seed_base: int = setting(10_000, "Town i uses seed seed_base + i.", ge=0)
    days: int = setting(2, "Days per town.", ge=1)
    seed: int = setting(0, "Seed of the sampling generator.", ge=0, lt=2**64)


class BCConfig(Section):
    """Behaviour cloning (learning.md 7.2)."""

    learning_rate: float = setting(1e-3, "Adam learning rate.", gt=0)
    batch_size: int = setting(1_024, "Rows per gradient step.", ge=1)
    epochs: int = setting(20, "Most epochs.", ge=1)
    patience: int = setting(
        2, "Stop when the val loss has not improved for this many epochs.", ge=1
    )
    value_coef: float = setting(0.5, "Weight lambda_v of the value MSE.", ge=0)
    seed: int = setting(0, "Seed of the initialisation and shuffling.", ge=0)
    gate_accuracy: float = setting(0.9, "Held-out accuracy gate.", ge=0, le=1)
    gate_switch_accuracy: float = setting(
        0.6, "Held-out accuracy gate on rows that switch option.", ge=0, le=1
    )
    gate_value_ev: float = setting(
        0.5, "Explained-variance gate of the value head.", le=1
    )


class TrainingConfig(Section):
    """Training settings (learning.md 3.3, 6)."""

    death_window_ticks: int = setting(
        10, "Ticks before a termination whose positive rewards are zeroed.", ge=0
    )
    ppo: PPOConfig = setting(PPOConfig, "PPO hyperparameters.")
    eval: EvalConfig = setting(EvalConfig, "Evaluation protocol.")
    bc: BCConfig = setting(BCConfig, "Behaviour cloning.")
