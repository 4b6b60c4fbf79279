"""Saving and loading ``.pt`` checkpoints (learning.md 6.4), torch side.

:func:`save_checkpoint` writes ``ckpt_<update:06d>.pt`` and its JSON sidecar, then
the ``latest.*`` copies, each through a temporary file, fsync and rename.
:func:`load_checkpoint` checks the sidecar (format, observation fingerprint, action
names) before it reads any tensor, with ``torch.load(weights_only=True)``.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch

from townlet.errors import ConfigError
from townlet.policy.checkpoint import (
    FORMAT,
    FORMAT_VERSION,
    check_layout,
    checkpoint_path,
    policy_hash,
    read_metadata,
    versions,
    write_bytes_atomic,
    write_json_atomic,
)
from townlet.policy.ppo.network import NetworkShape, PolicyNet
from townlet.world.layout import ObservationLayout

__all__ = ["load_checkpoint", "net_policy_hash", "save_checkpoint"]


def net_policy_hash(net: torch.nn.Module) -> str:
    """:func:`~townlet.policy.checkpoint.policy_hash` of a module's state dict."""
    state = {k: v.detach().cpu().numpy() for k, v in net.state_dict().items()}
    return policy_hash(state)


def save_checkpoint(
    directory: str | os.PathLike[str],
    update: int,
    net: PolicyNet,
    meta: Mapping[str, Any],
    *,
    optimizer_state: Mapping[str, Any] | None = None,
    scheduler_state: Mapping[str, Any] | None = None,
    rng_state: Mapping[str, Any] | None = None,
) -> Path:
    """Write ``ckpt_<update:06d>.pt`` + sidecar and refresh ``latest.*``.

    Args:
        directory: the checkpoint directory (created).
        update: the update index in the file name.
        net: the network whose weights are saved.
        meta: the sidecar fields (algo, layout fields, progress, config ...);
            ``format``, ``network``, ``policy_hash`` and ``versions`` are added.
        optimizer_state: the optimiser's state dict, for resuming.
        scheduler_state: the learning-rate schedule state, for resuming.
        rng_state: generator states, for resuming.

    Returns:
        The path of the ``.pt`` file.
    """
    out = Path(directory)
    sidecar: dict[str, Any] = {
        "bc_gate": None,
        "eval": None,
        **meta,
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "network": net.shape.as_dict(),
        "policy_hash": net_policy_hash(net),
        "versions": versions(str(torch.__version__)),
    }
    payload = {
        **sidecar,
        "model_state": {k: v.detach().cpu() for k, v in net.state_dict().items()},
        "optimizer_state": dict(optimizer_state) if optimizer_state else None,
        "scheduler_state": dict(scheduler_state) if scheduler_state else None,
        "rng_state": dict(rng_state) if rng_state else None,
    }
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    data = buffer.getvalue()
    pt = out / f"ckpt_{update:06d}.pt"
    for target in (pt, out / "latest.pt"):
        write_bytes_atomic(target, data)
        write_json_atomic(target.with_suffix(".json"), sidecar)
    return pt


def load_checkpoint(
    path: str | os.PathLike[str],
    layout: ObservationLayout | None = None,
    device: str = "cpu",
) -> tuple[PolicyNet, dict[str, Any]]:
    """Build the network of a checkpoint and return it with the full payload.

    Args:
        path: the ``.pt``, its sidecar, or a checkpoint directory (``latest.pt``).
        layout: the env's layout; when given, a checkpoint for another layout is
            refused before loading.
        device: torch device for the weights.

    Raises:
        ConfigError: missing files, wrong format, layout or network mismatch.
    """
    meta = read_metadata(path)
    if layout is not None:
        check_layout(meta, layout)
    pt = checkpoint_path(path)
    if not pt.is_file():
        raise ConfigError(f"checkpoint: {pt} not found", file=str(pt))
    payload: dict[str, Any] = torch.load(pt, map_location=device, weights_only=True)
    shape = NetworkShape.from_dict(payload["network"])
    if layout is not None:
        expected = (
            tuple(layout.map_shape) if layout.map_shape else None,
            len(layout.features),
            len(layout.action_names),
        )
        if (shape.map_shape, shape.features, shape.actions) != expected:
            raise ConfigError(
                f"checkpoint network {shape.map_shape}, F={shape.features}, "
                f"A={shape.actions} does not fit the env {expected}",
                key="observations",
            )
    net = PolicyNet(shape).to(device)
    net.load_state_dict(payload["model_state"])
    net.eval()
    return net, payload


def numpy_state(rng: np.random.Generator) -> dict[str, Any]:
    """A numpy generator's bit-generator state (plain ints and strings)."""
    return dict(rng.bit_generator.state)
