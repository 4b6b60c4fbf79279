"""Behaviour-cloning training and its gate (learning.md 7.2); torch.

Same network as PPO, so a BC checkpoint initialises PPO directly. Loss: masked
cross-entropy against the scripted option over non-forced rows plus ``value_coef``
x the value MSE over rows with ``value_valid``. Adam, batch 1,024, up to
``epochs`` epochs, early stop when the ``val`` loss has not improved for
``patience`` epochs (the best epoch's weights are kept). The gate is computed on
the ``heldout`` towns and written into the checkpoint's ``bc_gate``.

    result = train_bc(load("datasets/bc/small"), config, Path("runs/bc"))
    result["bc_gate"]["passed"]
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
import torch.nn.functional as func

from townlet.config import TownletConfig, config_id
from townlet.config.training import BCConfig
from townlet.policy.bc.dataset import Dataset
from townlet.policy.checkpoint import layout_fields
from townlet.policy.ppo.io import save_checkpoint
from townlet.policy.ppo.network import NetworkShape, PolicyNet
from townlet.world.layout import CONTROL_FEATURES, observation_layout

__all__ = ["gate_metrics", "train_bc"]

EpochHook = Callable[[int, dict[str, float]], None]


class _Rows:
    """Tensors of one split."""

    def __init__(self, data: Dataset, mask: npt.NDArray[np.bool_]) -> None:
        a = data.arrays
        self.features = torch.from_numpy(a["features"][mask])
        self.maps = torch.from_numpy(a["map"][mask]) if "map" in a else None
        self.mask = torch.from_numpy(a["mask"][mask] != 0)
        self.action = torch.from_numpy(a["action"][mask].astype(np.int64))
        self.forced = torch.from_numpy(a["forced"][mask])
        self.value = torch.from_numpy(a["value_target"][mask])
        self.valid = torch.from_numpy(a["value_valid"][mask])

    def __len__(self) -> int:
        return int(self.action.shape[0])

    def batch(self, idx: torch.Tensor) -> tuple[Any, ...]:
        """The rows ``idx``."""
        maps = None if self.maps is None else self.maps[idx]
        return (
            self.features[idx],
            maps,
            self.mask[idx],
            self.action[idx],
            self.forced[idx],
            self.value[idx],
            self.valid[idx],
        )


def _loss(net: PolicyNet, batch: tuple[Any, ...], value_coef: float) -> torch.Tensor:
    feats, maps, mask, action, forced, value, valid = batch
    logits, v = net(feats, maps, mask)
    keep = ~forced
    ce = (
        func.cross_entropy(logits[keep], action[keep])
        if bool(keep.any())
        else logits.sum() * 0.0
    )
    mse = ((v[valid] - value[valid]) ** 2).mean() if bool(valid.any()) else ce * 0.0
    loss: torch.Tensor = ce + value_coef * mse
    return loss


def _eval_loss(net: PolicyNet, rows: _Rows, bc: BCConfig) -> float:
    total, n = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(rows), 4 * bc.batch_size):
            idx = torch.arange(start, min(start + 4 * bc.batch_size, len(rows)))
            total += float(_loss(net, rows.batch(idx), bc.value_coef)) * len(idx)
            n += len(idx)
    return total / max(n, 1)


def gate_metrics(
    net: PolicyNet, rows: _Rows, active_cols: npt.NDArray[np.intp], bc: BCConfig
) -> dict[str, Any]:
    """Held-out ``accuracy``, ``switch_accuracy`` and ``value_ev`` and the verdict."""
    preds, values = [], []
    with torch.no_grad():
        for start in range(0, len(rows), 4 * bc.batch_size):
            idx = torch.arange(start, min(start + 4 * bc.batch_size, len(rows)))
            feats, maps, mask, *_ = rows.batch(idx)
            logits, v = net(feats, maps, mask)
            preds.append(logits.argmax(-1))
            values.append(v)
    pred, value = torch.cat(preds), torch.cat(values)
    keep = ~rows.forced
    right = (pred == rows.action) & keep
    opt = rows.features[:, torch.from_numpy(active_cols)]
    active = torch.where(
        opt.sum(-1) > 0.5, opt.argmax(-1) + 1, torch.zeros_like(rows.action)
    )
    switch = keep & (rows.action != active)
    valid = rows.valid
    target = rows.value[valid]
    var = float(target.var()) if int(valid.sum()) > 1 else 0.0
    ev = 1.0 - float((target - value[valid]).var()) / var if var > 0 else None
    acc = float(right.sum()) / max(int(keep.sum()), 1)
    sw = float((right & switch).sum()) / max(int(switch.sum()), 1)
    checks = {
        "accuracy": acc >= bc.gate_accuracy,
        "switch_accuracy": sw >= bc.gate_switch_accuracy,
        "value_ev": ev is not None and ev >= bc.gate_value_ev,
    }
    return {
        "accuracy": acc,
        "switch_accuracy": sw,
        "value_ev": ev,
        "rows": int(keep.sum()),
        "switch_rows": int(switch.sum()),
        "thresholds": {
            "accuracy": bc.gate_accuracy,
            "switch_accuracy": bc.gate_switch_accuracy,
            "value_ev": bc.gate_value_ev,
        },
        "checks": checks,
        "passed": all(checks.values()),
    }


def train_bc(
    data: Dataset,
    config: TownletConfig,
    run_dir: Path,
    bc: BCConfig | None = None,
    *,
    init: Path | None = None,
    on_epoch: EpochHook | None = None,
) -> dict[str, Any]:
    """Train, gate and save ``run_dir/checkpoints/ckpt_<epoch>.pt`` (+ latest).

    ``init`` continues from a checkpoint's weights (e.g. more epochs on the same
    data); the epoch count in ``progress`` adds up.

    Returns:
        ``{"bc_gate", "epochs", "history", "checkpoint"}``.
    """
    bc = bc or config.training.bc
    torch.manual_seed(bc.seed)
    rng = np.random.default_rng(bc.seed)
    layout = observation_layout(config, data.manifest["variant"], "option")
    train = _Rows(data, data.split_mask("train"))
    val = _Rows(data, data.split_mask("val"))
    held = _Rows(data, data.split_mask("heldout"))
    net = PolicyNet(
        NetworkShape(
            map_shape=layout.map_shape,
            features=len(layout.features),
            actions=len(layout.action_names),
        )
    )
    done = 0
    if init is not None:
        from townlet.policy.ppo.io import load_checkpoint

        loaded, payload = load_checkpoint(init, layout)
        net.load_state_dict(loaded.state_dict())
        done = int((payload.get("progress") or {}).get("update", 0))
    opt = torch.optim.Adam(net.parameters(), lr=bc.learning_rate)
    best, best_state, stale = float("inf"), copy.deepcopy(net.state_dict()), 0
    history: list[dict[str, float]] = []
    epoch = 0
    for epoch in range(1, bc.epochs + 1):
        net.train()
        order = torch.from_numpy(rng.permutation(len(train)))
        total = 0.0
        for start in range(0, len(train), bc.batch_size):
            idx = order[start : start + bc.batch_size]
            loss = _loss(net, train.batch(idx), bc.value_coef)
            opt.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            opt.step()
            total += float(loss.detach()) * len(idx)
        net.eval()
        val_loss = _eval_loss(net, val, bc)
        record = {
            "epoch": epoch,
            "train_loss": total / len(train),
            "val_loss": val_loss,
        }
        history.append(record)
        if on_epoch is not None:
            on_epoch(epoch, record)
        if val_loss < best - 1e-6:
            best, best_state, stale = val_loss, copy.deepcopy(net.state_dict()), 0
        else:
            stale += 1
            if stale >= bc.patience:
                break
    net.load_state_dict(best_state)
    net.eval()
    where = {name: i for i, name in enumerate(layout.features)}
    active_cols = np.array([where[n] for n in CONTROL_FEATURES[:7]], dtype=np.intp)
    gate = gate_metrics(net, held, active_cols, bc)
    meta = {
        "algo": "bc",
        **layout_fields(layout),
        "config_id": config_id(config),
        "training_config": config.training.model_dump(mode="json"),
        "progress": {"update": done + epoch, "agent_steps": 0, "social_stage": "off"},
        "bc_gate": gate,
        "dataset": {
            "rows": data.rows,
            "seed": data.manifest.get("seed"),
            "towns": data.manifest.get("towns"),
            "ticks": data.manifest.get("ticks"),
        },
    }
    path = save_checkpoint(
        run_dir / "checkpoints",
        done + epoch,
        net,
        meta,
        optimizer_state=opt.state_dict(),
    )
    return {"bc_gate": gate, "epochs": epoch, "history": history, "checkpoint": path}
