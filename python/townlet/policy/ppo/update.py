"""One PPO update and the per-update rollout statistics (learning.md 6.3).

Loss ``L = L_clip + vf_coef * L_value - ent_coef * H``, with the clipped value
form when ``value_clip`` > 0. Vacant rows weigh 0 everywhere; forced rows (one
allowed action) are left out of the policy and entropy terms. Advantages are
normalised per minibatch over rows neither vacant nor forced. The epoch loop stops
once approx-KL exceeds 1.5 x ``target_kl``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
from torch import Tensor

from townlet.config.training import PPOConfig
from townlet.policy.ppo.network import PolicyNet, masked_entropy
from townlet.policy.ppo.rollout import Rollout, apply_death_window, gae
from townlet.world.layout import ObservationLayout

__all__ = ["RolloutStats", "update_policy"]


class RolloutStats:
    """Counts over one rollout: rewards, options, episodes, faints."""

    def __init__(self, actions: int, components: int) -> None:
        self.live = 0
        self.forced = 0
        self.reward = 0.0
        self.options = np.zeros(actions, dtype=np.int64)
        self.components = np.zeros(components, dtype=np.float64)
        self.returns: list[float] = []
        self.lengths: list[int] = []
        self.faints = 0

    def add_step(
        self,
        alive: npt.NDArray[np.bool_],
        actions: npt.NDArray[np.int64],
        mask: npt.NDArray[np.bool_],
        rewards: npt.NDArray[np.float32],
        components: npt.NDArray[np.float32],
        infos: Sequence[dict[str, Any]],
    ) -> None:
        """Count one tick (``alive`` as observed before it)."""
        live = np.asarray(alive)
        self.live += int(live.sum())
        self.forced += int((live & (mask.sum(1) == 1)).sum())
        self.reward += float(np.asarray(rewards)[live].sum())
        self.options += np.bincount(actions[live], minlength=self.options.size)
        self.components += np.asarray(components)[live].sum(0)
        for town in infos:
            for ep in town["episodes"]:
                self.returns.append(float(ep["return"]))
                self.lengths.append(int(ep["length"]))
                self.faints += ep["reason"] == "faint"

    def metrics(self, layout: ObservationLayout) -> dict[str, Any]:
        """The rollout half of the learning.md 6.3 rule 5 metrics."""
        live = max(self.live, 1)
        out: dict[str, Any] = {
            "reward_per_agent_tick": self.reward / live,
            "faints_per_agent_day": self.faints * 1440 / live,
            "resident_return_mean": (
                float(np.mean(self.returns)) if self.returns else None
            ),
            "resident_length_mean": (
                float(np.mean(self.lengths)) if self.lengths else None
            ),
            "episodes": len(self.returns),
            "forced_row_frac": self.forced / live,
            "invalid_action_rate": 0.0,
        }
        for name, count in zip(layout.action_names, self.options.tolist(), strict=True):
            out[f"option_freq/{name}"] = count / live
        for name, total in zip(
            layout.reward_components, self.components.tolist(), strict=True
        ):
            out[f"reward/{name}"] = total / live
        return out


def _explained_variance(pred: Tensor, target: Tensor) -> float | None:
    """1 - Var(target - pred) / Var(target); None when Var(target) is 0."""
    var = float(target.var()) if target.numel() > 1 else 0.0
    if var == 0.0:
        return None
    return 1.0 - float((target - pred).var()) / var


def update_policy(
    net: PolicyNet,
    opt: torch.optim.Optimizer,
    ro: Rollout,
    bootstrap: Tensor,
    p: PPOConfig,
    death_window: int,
    rng: np.random.Generator,
    device: str,
) -> dict[str, Any]:
    """Death window, GAE and the PPO epochs; returns the loss metrics."""
    rewards = ro.rewards.numpy()
    ended = (ro.terminated | ro.truncated).numpy()
    adjusted = apply_death_window(rewards, ro.terminated.numpy(), ended, death_window)
    adv, returns = gae(
        ro.rewards,
        ro.values,
        bootstrap,
        ro.terminated,
        ro.truncated,
        ro.final_values,
        ro.live,
        p.gamma,
        p.gae_lambda,
    )
    n = ro.rewards.numel()
    flat_feat = ro.features.reshape(n, -1)
    flat_map = None if ro.maps is None else ro.maps.reshape(n, *ro.maps.shape[2:])
    masks = ro.masks.reshape(n, -1)
    live = ro.live.reshape(n)
    forced = masks.sum(-1) <= 1
    act_rows = live & ~forced
    actions, old_logp = ro.actions.reshape(n), ro.logp.reshape(n)
    old_v, adv, ret = ro.values.reshape(n), adv.reshape(n), returns.reshape(n)
    mb = max(1, n // p.num_minibatches)
    sums = {
        "policy_loss": 0.0,
        "value_loss": 0.0,
        "entropy": 0.0,
        "approx_kl": 0.0,
        "clip_frac": 0.0,
    }
    batches = 0
    stop = False
    for _ in range(p.update_epochs):
        order = torch.from_numpy(rng.permutation(n))
        for start in range(0, n, mb):
            idx = order[start : start + mb]
            w_v = live[idx].float()
            w_p = act_rows[idx].float()
            if float(w_v.sum()) == 0.0:
                continue
            logits, value = net(
                flat_feat[idx].to(device),
                None if flat_map is None else flat_map[idx].to(device),
                masks[idx].to(device),
            )
            logits, value = logits.cpu(), value.cpu()
            logp_all = torch.log_softmax(logits, -1)
            logp = logp_all.gather(1, actions[idx][:, None])[:, 0]
            ratio = (logp - old_logp[idx]).exp()
            a = adv[idx]
            count_p = float(w_p.sum())
            if p.norm_adv and count_p > 1:
                mean = (a * w_p).sum() / count_p
                std = (((a - mean) ** 2 * w_p).sum() / (count_p - 1)).sqrt()
                a = (a - mean) / (std + 1e-8)
            clipped = ratio.clamp(1 - p.clip_coef, 1 + p.clip_coef)
            pg = -torch.min(ratio * a, clipped * a)
            denom_p = max(count_p, 1.0)
            policy_loss = (pg * w_p).sum() / denom_p
            ent = (masked_entropy(logits, masks[idx]) * w_p).sum() / denom_p
            if p.value_clip > 0:
                v_clip = old_v[idx] + (value - old_v[idx]).clamp(
                    -p.value_clip, p.value_clip
                )
                v_err = torch.max((value - ret[idx]) ** 2, (v_clip - ret[idx]) ** 2)
            else:
                v_err = (value - ret[idx]) ** 2
            value_loss = 0.5 * (v_err * w_v).sum() / float(w_v.sum())
            loss = policy_loss + p.vf_coef * value_loss - p.ent_coef * ent
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), p.max_grad_norm)
            opt.step()
            with torch.no_grad():
                log_ratio = logp - old_logp[idx]
                kl = (((ratio - 1) - log_ratio) * w_p).sum() / denom_p
                frac = (((ratio - 1).abs() > p.clip_coef).float() * w_p).sum() / denom_p
            for key, val in (
                ("policy_loss", policy_loss),
                ("value_loss", value_loss),
                ("entropy", ent),
                ("approx_kl", kl),
                ("clip_frac", frac),
            ):
                sums[key] += float(val.detach())
            batches += 1
            if float(kl) > 1.5 * p.target_kl:
                stop = True
                break
        if stop:
            break
    out: dict[str, Any] = {k: v / max(batches, 1) for k, v in sums.items()}
    out["explained_variance"] = _explained_variance(old_v[live], ret[live])
    out["death_window_adjusted"] = adjusted
    out["minibatches"] = batches
    return out
