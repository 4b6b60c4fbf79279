"""The actor-critic network shared by PPO and BC (learning.md 6.1, 7.2).

A CNN over the map window (full and hybrid variants) and an MLP over the features
meet in a 256-unit trunk with a policy head (A logits) and a value head. Masked
logits use the dtype's most negative finite value, so a masked action has
probability 0 and the entropy counts only allowed actions (0 log 0 = 0).

    net = PolicyNet(NetworkShape(map_shape=(6, 11, 11), features=146, actions=8))
    logits, value = net(features, maps, mask)     # masked logits, (R,) values
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import Tensor, nn

from townlet.errors import ConfigError

__all__ = [
    "NetworkShape",
    "PolicyNet",
    "masked_entropy",
    "masked_logits",
    "single_thread",
]


@contextmanager
def single_thread() -> Iterator[None]:
    """Run the block with one torch intra-op thread, then restore the setting.

    Per-tick inference sees one row per resident; on a busy machine extra threads
    only spin (measured: 26 ms per forward with 2 threads vs 2 ms with 1).
    """
    previous = torch.get_num_threads()
    if previous > 1:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        if previous > 1:
            torch.set_num_threads(previous)


@dataclass(frozen=True)
class NetworkShape:
    """What the checkpoint's ``network`` field records.

    Attributes:
        map_shape: ``(C, H, W)`` or ``None`` (compact variant).
        features: F.
        actions: A.
        hidden: trunk width (256).
        lstm: the optional memory (not supported in this release).
    """

    map_shape: tuple[int, int, int] | None
    features: int
    actions: int
    hidden: int = 256
    lstm: bool = False

    def as_dict(self) -> dict[str, Any]:
        """JSON form (map_shape as a list)."""
        out = asdict(self)
        out["map_shape"] = list(self.map_shape) if self.map_shape else None
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> NetworkShape:
        """Inverse of :meth:`as_dict`."""
        shape = raw.get("map_shape")
        return cls(
            map_shape=(int(shape[0]), int(shape[1]), int(shape[2])) if shape else None,
            features=int(raw["features"]),
            actions=int(raw["actions"]),
            hidden=int(raw.get("hidden", 256)),
            lstm=bool(raw.get("lstm", False)),
        )


def _init(layer: nn.Module, gain: float) -> nn.Module:
    """Orthogonal weights with ``gain``, zero biases (learning.md 6.1)."""
    if isinstance(layer, nn.Linear | nn.Conv2d):
        nn.init.orthogonal_(layer.weight, gain)
        if layer.bias is not None:
            nn.init.zeros_(layer.bias)
    return layer


def masked_logits(logits: Tensor, mask: Tensor) -> Tensor:
    """``logits`` with disallowed actions at the dtype's most negative finite value."""
    low = torch.finfo(logits.dtype).min
    return torch.where(mask, logits, torch.full_like(logits, low))


def masked_entropy(logits: Tensor, mask: Tensor) -> Tensor:
    """Entropy of the masked distribution per row (0 log 0 = 0)."""
    logp = torch.log_softmax(logits, dim=-1)
    p = logp.exp()
    return -(torch.where(mask, p * logp, torch.zeros_like(p))).sum(-1)


class PolicyNet(nn.Module):
    """CNN + MLP encoder, 256-unit trunk, policy and value heads.

    Raises:
        ConfigError: ``lstm`` was asked for (not in this release).
    """

    def __init__(self, shape: NetworkShape) -> None:
        super().__init__()
        if shape.lstm:
            raise ConfigError(
                "training.ppo.lstm: the LSTM memory is not implemented in this "
                "release; set it to false",
                key="training.ppo.lstm",
            )
        self.shape = shape
        root2 = math.sqrt(2.0)
        self.map_encoder: nn.Module | None = None
        width = 128
        if shape.map_shape is not None:
            c, h, w = shape.map_shape
            h2, w2 = (h + 1) // 2, (w + 1) // 2
            h3, w3 = (h2 + 1) // 2, (w2 + 1) // 2
            self.map_encoder = nn.Sequential(
                _init(nn.Conv2d(c, 32, 3, padding=1), root2),
                nn.ReLU(),
                _init(nn.Conv2d(32, 64, 3, stride=2, padding=1), root2),
                nn.ReLU(),
                _init(nn.Conv2d(64, 64, 3, stride=2, padding=1), root2),
                nn.ReLU(),
                nn.Flatten(),
                _init(nn.Linear(64 * h3 * w3, 64), root2),
                nn.ReLU(),
            )
            width += 64
        self.feature_encoder = nn.Sequential(
            _init(nn.Linear(shape.features, 128), root2),
            nn.ReLU(),
            _init(nn.Linear(128, 128), root2),
            nn.ReLU(),
        )
        self.trunk = nn.Sequential(
            _init(nn.Linear(width, shape.hidden), root2), nn.ReLU()
        )
        self.policy_head = _init(nn.Linear(shape.hidden, shape.actions), 0.01)
        self.value_head = _init(nn.Linear(shape.hidden, 1), 1.0)

    def forward(
        self, features: Tensor, maps: Tensor | None, mask: Tensor
    ) -> tuple[Tensor, Tensor]:
        """Masked logits ``(R, A)`` and values ``(R,)``.

        Args:
            features: ``(R, F)`` float32.
            maps: ``(R, C, H, W)`` float32, or ``None`` for compact.
            mask: ``(R, A)`` bool, True = allowed.
        """
        parts = [self.feature_encoder(features)]
        if self.map_encoder is not None:
            assert maps is not None
            parts.insert(0, self.map_encoder(maps))
        hidden = self.trunk(torch.cat(parts, dim=-1))
        logits: Tensor = masked_logits(self.policy_head(hidden), mask)
        value: Tensor = self.value_head(hidden).squeeze(-1)
        return logits, value
