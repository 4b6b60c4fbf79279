"""The ``ppo`` and ``bc`` PolicyBackends: a checkpoint drives the town
(learning.md 4.5; both algorithms share this inference code).

Sampling follows section 4.5: one ``rand_f64`` draw from the loop's ``policy``
stream per live row (rows in order); the row takes the first action whose
cumulative masked probability (f64, id order) exceeds the draw, or the last
allowed action when rounding leaves none. With ``providers.greedy`` the policy
takes the argmax and draws nothing.

    policy = LearnedPolicy.from_checkpoint("runs/x/checkpoints", config)
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import torch

from townlet.core.protocols import RandomStream
from townlet.core.types import (
    ActionMode,
    ObservationBatch,
    ObservationSpec,
    PolicyIdentity,
    StepResult,
)
from townlet.errors import ConfigError, ProviderError
from townlet.policy.ppo.io import load_checkpoint
from townlet.policy.ppo.network import PolicyNet, single_thread
from townlet.world.layout import observation_layout

__all__ = ["LearnedPolicy", "pick_actions", "policy_probs"]


def policy_probs(
    net: PolicyNet,
    features: npt.NDArray[np.float32],
    maps: npt.NDArray[np.float32] | None,
    mask: npt.NDArray[np.int8],
) -> npt.NDArray[np.float64]:
    """Masked action probabilities ``(R, A)`` in f64 (no gradients)."""
    with torch.no_grad(), single_thread():
        logits, _ = net(
            torch.from_numpy(np.ascontiguousarray(features)),
            None if maps is None else torch.from_numpy(np.ascontiguousarray(maps)),
            torch.from_numpy(np.asarray(mask) != 0),
        )
        probs: npt.NDArray[np.float64] = (
            torch.softmax(logits.double(), dim=-1).numpy().astype(np.float64)
        )
    return probs


def pick_actions(
    probs: npt.NDArray[np.float64],
    mask: npt.NDArray[np.int8],
    uniforms: npt.NDArray[np.float64] | None,
) -> npt.NDArray[np.int32]:
    """Section 4.5 sampling (``uniforms`` per row) or argmax (``None``).

    >>> p = np.array([[0.5, 0.5, 0.0]]); m = np.array([[1, 1, 0]], np.int8)
    >>> pick_actions(p, m, np.array([0.7])).tolist(), pick_actions(p, m, None).tolist()
    ([1], [0])
    """
    allowed = np.asarray(mask) != 0
    probs = np.where(allowed, probs, 0.0)
    if uniforms is None:
        greedy: npt.NDArray[np.int32] = np.argmax(probs, axis=1).astype(np.int32)
        return greedy
    cum = np.cumsum(probs, axis=1)
    over = (cum > uniforms[:, None]) & allowed
    last = allowed.shape[1] - 1 - np.argmax(allowed[:, ::-1], axis=1)
    picked = np.where(over.any(axis=1), np.argmax(over, axis=1), last)
    out: npt.NDArray[np.int32] = picked.astype(np.int32)
    return out


class LearnedPolicy:
    """A trained network behind the PolicyBackend protocol.

    Args:
        net: the network (evaluation mode).
        meta: the checkpoint metadata (``algo``, ``policy_hash``, ``progress``...).
        greedy: take the argmax instead of sampling.
    """

    def __init__(self, net: PolicyNet, meta: dict[str, Any], greedy: bool = False):
        self.net = net
        self.meta = meta
        self.greedy = greedy
        self._rng: RandomStream | None = None

    @classmethod
    def from_checkpoint(
        cls,
        path: str | os.PathLike[str],
        config: Any = None,
        *,
        greedy: bool | None = None,
    ) -> LearnedPolicy:
        """Load ``path`` and check it against the config's observation layout.

        Raises:
            ConfigError: missing checkpoint, or another layout or action set.
        """
        from townlet.config import load_config

        cfg = config if config is not None else load_config(None)
        layout = observation_layout(cfg, cfg.observations.variant, cfg.actions.mode)
        net, payload = load_checkpoint(path, layout)
        meta = {k: v for k, v in payload.items() if not k.endswith("_state")}
        meta["path"] = str(path)
        use_greedy = cfg.providers.greedy if greedy is None else greedy
        return cls(net, meta, greedy=bool(use_greedy))

    @property
    def provider(self) -> str:
        """``ppo`` or ``bc``: the checkpoint's algorithm."""
        return str(self.meta.get("algo", "ppo"))

    @property
    def action_mode(self) -> ActionMode:
        """The checkpoint's action mode."""
        mode: ActionMode = self.meta.get("action_mode", "option")
        return mode

    def bind_rng(self, rng: RandomStream) -> None:
        """Sample with ``rng`` (the loop's ``policy`` stream)."""
        self._rng = rng

    def on_episode_start(self, spec: ObservationSpec, agent_ids: Sequence[str]) -> None:
        """Check the batch layout matches the network.

        Raises:
            ConfigError: feature count or action names differ from the checkpoint.
        """
        names = list(self.meta.get("action_names") or ())
        if (
            len(spec.features) != self.net.shape.features
            or list(spec.action_names) != names
        ):
            raise ConfigError(
                f"checkpoint expects F={self.net.shape.features} and actions "
                f"{names}; the loop observes F={len(spec.features)} and "
                f"{list(spec.action_names)}",
                key="observations",
            )

    def act(
        self,
        features: npt.NDArray[np.float32],
        maps: npt.NDArray[np.float32] | None,
        mask: npt.NDArray[np.int8],
        uniforms: npt.NDArray[np.float64] | None,
    ) -> npt.NDArray[np.int32]:
        """Actions for the given rows (all treated as live)."""
        if features.shape[0] == 0:
            return np.zeros(0, dtype=np.int32)
        probs = policy_probs(self.net, features, maps, mask)
        return pick_actions(probs, mask, None if self.greedy else uniforms)

    def decide(self, batch: ObservationBatch) -> npt.NDArray[np.int32]:
        """One action per row; 0 on rows not alive.

        Raises:
            ProviderError: sampling without a bound stream.
        """
        n = len(batch.agent_ids)
        b = batch.buffers
        actions = np.zeros(n, dtype=np.int32)
        rows = np.flatnonzero(b.alive[:n])
        if rows.size == 0:
            return actions
        uniforms = None
        if not self.greedy:
            if self._rng is None:
                raise ProviderError(
                    f"{self.provider} policy has no random stream; the simulation "
                    "loop binds its 'policy' stream at start()"
                )
            rng = self._rng
            uniforms = np.array([rng.rand_f64() for _ in range(rows.size)])
        maps = None if b.map is None else b.map[rows]
        actions[rows] = self.act(b.features[rows], maps, b.action_mask[rows], uniforms)
        return actions

    def on_step_end(self, result: StepResult, rewards: npt.NDArray[np.float64]) -> None:
        """No learning at inference."""

    def on_episode_end(self) -> None:
        """Nothing to release."""

    def identity(self) -> PolicyIdentity:
        """Algorithm, update index and ``policy_hash``."""
        progress = self.meta.get("progress") or {}
        return PolicyIdentity(
            name=self.provider,
            version=str(progress.get("update", 0)),
            checkpoint_hash=str(self.meta.get("policy_hash")),
        )
