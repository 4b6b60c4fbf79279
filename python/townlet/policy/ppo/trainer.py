"""The PPO trainer over the vector API (learning.md 6.2, 6.3).

Each update collects ``rollout_ticks`` ticks from a :class:`VectorTownlet` of
``num_towns`` towns, applies the death window, computes GAE and runs
``update_epochs`` epochs of ``num_minibatches`` minibatches of the clipped loss.
One JSON line of metrics per update goes to ``train.jsonl``; checkpoints go to
``<run>/checkpoints`` every ``checkpoint_every_updates`` and at the end.

    trainer = PPOTrainer(config, Path("runs/ppo"))
    trainer.train()                     # or trainer.resume(path) first
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch

from townlet.config import TownletConfig, config_id
from townlet.config.training import PPOConfig
from townlet.env import VectorTownlet
from townlet.policy.checkpoint import layout_fields
from townlet.policy.ppo.io import load_checkpoint, numpy_state, save_checkpoint
from townlet.policy.ppo.network import NetworkShape, PolicyNet, single_thread
from townlet.policy.ppo.rollout import Rollout
from townlet.policy.ppo.update import RolloutStats, update_policy
from townlet.world.layout import observation_layout

__all__ = ["PPOTrainer"]

Progress = Callable[[int, int, dict[str, Any]], None]
"""Called after each update with (update, num_updates, metrics)."""


def _stage_at(ppo: PPOConfig, agent_steps: int) -> str:
    """The social stage the schedule gives at ``agent_steps``."""
    stage = "off"
    for step in ppo.social_schedule:
        if agent_steps >= step.after_agent_steps:
            stage = step.stage
    return stage


class PPOTrainer:
    """Trains a :class:`PolicyNet` with PPO on ``config``'s town.

    Args:
        config: the town and the ``training`` section.
        run_dir: where ``train.jsonl`` and ``checkpoints/`` go.
        ppo: hyperparameters (default ``config.training.ppo``).
        init: an optional checkpoint (e.g. a BC one) to start the weights from.
        progress: per-update callback (progress bars).
    """

    def __init__(
        self,
        config: TownletConfig,
        run_dir: Path,
        ppo: PPOConfig | None = None,
        *,
        init: Path | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.config = config
        self.ppo = ppo or config.training.ppo
        self.run_dir = Path(run_dir)
        self.progress = progress
        p = self.ppo
        if p.deterministic:
            torch.use_deterministic_algorithms(True)
        torch.manual_seed(p.seed)
        self.device = (
            "cuda"
            if p.device == "auto" and torch.cuda.is_available()
            else ("cpu" if p.device == "auto" else p.device)
        )
        self.np_rng = np.random.default_rng(p.seed)
        self.gen = torch.Generator().manual_seed(p.seed)
        self.variant = config.observations.variant
        self.layout = observation_layout(config, self.variant, "option")
        self.env = VectorTownlet(
            p.num_towns, config, self.variant, "option", seed=p.seed
        )
        shape = NetworkShape(
            map_shape=self.layout.map_shape,
            features=len(self.layout.features),
            actions=len(self.layout.action_names),
            lstm=p.lstm,
        )
        self.init_gate: Any = None
        if init is not None:
            self.net, payload = load_checkpoint(init, self.layout, self.device)
            self.net.train()
            self.init_gate = payload.get("bc_gate")
        else:
            self.net = PolicyNet(shape).to(self.device)
        self.opt = torch.optim.Adam(self.net.parameters(), lr=p.learning_rate, eps=1e-5)
        rows = self.env.num_rows
        self.batch_rows = p.rollout_ticks * rows
        self.num_updates = max(1, math.ceil(p.total_agent_steps / self.batch_rows))
        self.update = 0
        self.agent_steps = 0
        self.obs: Any = None
        self.last_eval: dict[str, Any] | None = None

    # -- checkpoints -------------------------------------------------------

    def meta(self) -> dict[str, Any]:
        """The sidecar fields of a PPO checkpoint at the current progress."""
        return {
            "algo": "ppo",
            **layout_fields(self.layout),
            "config_id": config_id(self.config),
            "eval": self.last_eval,
            "bc_gate": self.init_gate,
            "training_config": self.config.training.model_dump(mode="json"),
            "progress": {
                "update": self.update,
                "agent_steps": self.agent_steps,
                "social_stage": self.env.stage,
            },
        }

    def save(self) -> Path:
        """Write a checkpoint of the current state."""
        return save_checkpoint(
            self.run_dir / "checkpoints",
            self.update,
            self.net,
            self.meta(),
            optimizer_state=self.opt.state_dict(),
            scheduler_state={"num_updates": self.num_updates, "update": self.update},
            rng_state={
                "torch": torch.get_rng_state(),
                "sampler": self.gen.get_state(),
                "numpy": numpy_state(self.np_rng),
            },
        )

    def evaluate(self) -> dict[str, Any]:
        """Checkpoint, then write the 6.5 scorecard to ``eval/<update>.json``; the
        next checkpoints carry its pooled KPIs in ``eval``."""
        from townlet.policy.ppo.evaluate import scorecard, write_scorecard

        path = self.save()
        card = scorecard(f"ppo:{path}", self.config)
        write_scorecard(card, self.run_dir / "eval" / f"{self.update:06d}.json")
        self.last_eval = {"update": self.update, **card["pooled"]}
        return card

    def resume(self, path: Path) -> None:
        """Restore weights, optimiser, schedule, generators and progress.

        Towns restart from their next seeds, so the resumed run is statistically
        (not bitwise) like an unbroken one.
        """
        net, payload = load_checkpoint(path, self.layout, self.device)
        self.net.load_state_dict(net.state_dict())
        self.net.train()
        if payload.get("optimizer_state"):
            self.opt.load_state_dict(payload["optimizer_state"])
        progress = payload.get("progress") or {}
        self.update = int(progress.get("update", 0))
        self.agent_steps = int(progress.get("agent_steps", 0))
        rng = payload.get("rng_state") or {}
        if "torch" in rng:
            torch.set_rng_state(rng["torch"])
        if "sampler" in rng:
            self.gen.set_state(rng["sampler"])
        if "numpy" in rng:
            self.np_rng.bit_generator.state = rng["numpy"]
        self.env.reset(seed=self.ppo.seed + self.update + 1)
        self.obs = None

    # -- training ----------------------------------------------------------

    def _values(self, features: Any, maps: Any) -> torch.Tensor:
        """V of arbitrary rows (final observations)."""
        mask = torch.ones((features.shape[0], self.net.shape.actions), dtype=torch.bool)
        with torch.no_grad(), single_thread():
            _, value = self.net(
                torch.as_tensor(features, device=self.device),
                None if maps is None else torch.as_tensor(maps, device=self.device),
                mask.to(self.device),
            )
        out: torch.Tensor = value.cpu()
        return out

    def collect(self) -> tuple[Rollout, torch.Tensor, RolloutStats]:
        """One rollout of ``rollout_ticks`` ticks; returns the bootstrap values."""
        p, env = self.ppo, self.env
        if self.obs is None:
            self.obs, _ = env.reset()
        spec = self.layout
        ro = Rollout.empty(
            p.rollout_ticks,
            env.num_rows,
            len(spec.features),
            len(spec.action_names),
            spec.map_shape,
        )
        stats = RolloutStats(len(spec.action_names), len(spec.reward_components))
        for t in range(p.rollout_ticks):
            b = self.obs.buffers
            ro.features[t] = torch.from_numpy(np.array(b.features))
            if ro.maps is not None:
                ro.maps[t] = torch.from_numpy(np.array(b.map))
            ro.masks[t] = torch.from_numpy(b.action_mask != 0)
            ro.live[t] = torch.from_numpy(np.array(b.alive))
            with torch.no_grad(), single_thread():
                logits, value = self.net(
                    ro.features[t].to(self.device),
                    None if ro.maps is None else ro.maps[t].to(self.device),
                    ro.masks[t].to(self.device),
                )
                logits = logits.cpu()
                action = torch.multinomial(
                    torch.softmax(logits, -1), 1, generator=self.gen
                ).squeeze(-1)
            action = torch.where(ro.live[t], action, torch.zeros_like(action))
            ro.actions[t] = action
            ro.logp[t] = torch.log_softmax(logits, -1).gather(1, action[:, None])[:, 0]
            ro.values[t] = value.cpu()
            self.obs, rew, term, trunc, infos = env.step(action.numpy())
            ro.rewards[t] = torch.from_numpy(np.array(rew))
            ro.terminated[t] = torch.from_numpy(np.array(term))
            ro.truncated[t] = torch.from_numpy(np.array(trunc))
            if trunc.any():
                rows = np.flatnonzero(trunc)
                fmap = env.buffers.get("final_map")
                ro.final_values[t, rows] = self._values(
                    np.array(env.buffers["final_features"][rows]),
                    None if fmap is None else np.array(fmap[rows]),
                )
            stats.add_step(
                b.alive,
                action.numpy(),
                ro.masks[t].numpy(),
                np.array(rew),
                env.buffers["reward_components"],
                infos,
            )
        b = self.obs.buffers
        bootstrap = self._values(
            np.array(b.features), None if b.map is None else np.array(b.map)
        )
        return ro, bootstrap, stats

    def train(self) -> dict[str, Any]:
        """Run updates until ``total_agent_steps``; returns the last metrics."""
        p = self.ppo
        log = self.run_dir / "train.jsonl"
        log.parent.mkdir(parents=True, exist_ok=True)
        metrics: dict[str, Any] = {}
        while self.update < self.num_updates:
            stage = _stage_at(p, self.agent_steps)
            if stage != self.env.stage:
                self.env.set_stage(stage)
            started = time.perf_counter()
            frac = 1.0 - self.update / self.num_updates
            lr = p.learning_rate * frac
            for group in self.opt.param_groups:
                group["lr"] = lr
            ro, bootstrap, stats = self.collect()
            metrics = update_policy(
                self.net,
                self.opt,
                ro,
                bootstrap,
                p,
                self.config.training.death_window_ticks,
                self.np_rng,
                self.device,
            )
            self.update += 1
            self.agent_steps += self.batch_rows
            wall = time.perf_counter() - started
            metrics.update(stats.metrics(self.layout))
            metrics.update(
                update=self.update,
                agent_steps=self.agent_steps,
                sps=self.batch_rows / wall if wall > 0 else None,
                lr=lr,
                social_stage=self.env.stage,
            )
            with log.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(metrics, sort_keys=True) + "\n")
            if self.update % p.eval_every_updates == 0:
                self.evaluate()
            elif self.update % p.checkpoint_every_updates == 0:
                self.save()
            if self.progress is not None:
                self.progress(self.update, self.num_updates, metrics)
        self.save()
        return metrics
