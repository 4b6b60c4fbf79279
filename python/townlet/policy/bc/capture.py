"""Behaviour-cloning capture: the scripted policy's decisions as a dataset
(learning.md 7.1); numpy only, no torch.

The scripted policy drives a :class:`~townlet.env.VectorTownlet`; every live row
of every tick becomes one dataset row. After the run each resident's discounted
return-to-go (training gamma, death window applied) becomes ``value_target``; rows
within ``3 / (1 - gamma)`` ticks of the end of a resident's data that did not end
in a termination (capture end or town rollover) get ``value_valid`` = 0. The
on-disk format is described in docs/training.md and in :mod:`.dataset`.

    manifest = capture(Path("datasets/bc/small"), towns=8, days=2, seed=0)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from townlet.config import TownletConfig, config_id, load_config
from townlet.env import VectorTownlet
from townlet.policy.bc.dataset import (
    FORMAT,
    FORMAT_VERSION,
    SHARD_ROWS,
    split_towns,
)
from townlet.policy.checkpoint import layout_fields, write_json_atomic
from townlet.policy.scripted import ScriptedPolicy
from townlet.world.layout import observation_layout

__all__ = ["capture", "value_targets"]


def value_targets(
    rewards: npt.NDArray[np.float32],
    resident: npt.NDArray[np.int64],
    terminated: npt.NDArray[np.bool_],
    gamma: float,
    death_window: int,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_]]:
    """Return-to-go and validity per row; rows grouped by ``resident`` id and
    ordered in time within each group.

    >>> r = np.array([0.1, 0.1, -1.0], np.float32)
    >>> v, ok = value_targets(r, np.zeros(3, np.int64), np.array([0, 0, 1], bool),
    ...                       0.5, 1)
    >>> [round(float(x), 3) for x in v], ok.tolist()
    ([-0.15, -0.5, -1.0], [True, True, True])
    """
    horizon = round(3.0 / (1.0 - gamma)) if gamma < 1.0 else len(rewards)
    values = np.zeros(len(rewards), dtype=np.float32)
    valid = np.ones(len(rewards), dtype=np.bool_)
    order = np.argsort(resident, kind="stable")
    bounds = np.flatnonzero(np.diff(resident[order])) + 1
    for group in np.split(order, bounds):
        r = rewards[group].astype(np.float64)
        died = bool(terminated[group][-1])
        if died:
            tail = r[-(death_window + 1) :]
            tail[tail > 0] = 0.0
        acc = 0.0
        out = np.empty_like(r)
        for i in range(len(r) - 1, -1, -1):
            acc = r[i] + gamma * acc
            out[i] = acc
        values[group] = out
        if not died:
            valid[group[-horizon:]] = False
    return values, valid


def capture(
    out: Path,
    *,
    config: TownletConfig | None = None,
    towns: int = 32,
    days: int = 7,
    seed: int = 0,
    ticks: int | None = None,
    actor: Any = None,
    actor_share: float = 0.5,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Run the scripted policy and write ``manifest.json`` plus shards to ``out``.

    Args:
        out: the dataset directory (created).
        config: the town (default: the packaged default).
        towns: towns stepped together; the split is by town (needs at least 3).
        days: days captured per town.
        seed: the vector API's master seed.
        ticks: ticks to capture instead of ``days`` whole days (short tests).
        actor: an optional learned policy (``LearnedPolicy``) that drives a share
            of the rows while the scripted policy still labels every row (DAgger:
            the states a cloned policy visits, with the expert's choices).
        actor_share: the probability that a live row follows ``actor`` on a tick
            (drawn from a numpy generator seeded with ``seed``).
        progress: called with (tick, ticks) every 64 ticks.

    Returns:
        The manifest.
    """
    cfg = config if config is not None else load_config(None)
    variant = cfg.observations.variant
    layout = observation_layout(cfg, variant, "option")
    split = split_towns(towns)
    env = VectorTownlet(towns, cfg, variant, "option", seed=seed)
    policy = ScriptedPolicy.from_config(cfg)
    policy.on_episode_start(env.spec, ())
    if ticks is None:
        ticks = days * int(cfg.world.time.ticks_per_day)
    cols: dict[str, list[Any]] = {k: [] for k in _COLUMNS}
    obs, _ = env.reset()
    seats = env.seats
    town_of = np.arange(env.num_rows) // seats
    seat_of = (np.arange(env.num_rows) % seats).astype(np.int16)
    mix = np.random.default_rng(seed)
    for tick in range(ticks):
        b = obs.buffers
        live = np.flatnonzero(b.alive)
        actions = policy.decide(obs)
        executed = actions
        if actor is not None and live.size:
            rows = live[mix.random(live.size) < actor_share]
            executed = actions.copy()
            maps = None if b.map is None else b.map[rows]
            executed[rows] = actor.act(
                b.features[rows], maps, b.action_mask[rows], mix.random(rows.size)
            )
        cols["features"].append(np.array(b.features[live]))
        if b.map is not None:
            cols["map"].append(np.array(b.map[live]))
        mask = np.array(b.action_mask[live])
        cols["mask"].append(mask)
        cols["action"].append(actions[live].astype(np.int16))
        cols["forced"].append(mask.sum(axis=1) <= 1)
        cols["town"].append(town_of[live].astype(np.int32))
        cols["seat"].append(seat_of[live])
        cols["uid"].append(np.array(b.uid[live]))
        cols["tick"].append(np.full(live.size, tick, dtype=np.int64))
        obs, rewards, terminated, truncated, _ = env.step(executed)
        cols["reward"].append(np.array(rewards[live]))
        cols["terminated"].append(np.array(terminated[live]))
        cols["truncated"].append(np.array(truncated[live]))
        if progress is not None and (tick + 1) % 64 == 0:
            progress(tick + 1, ticks)
    data = {k: np.concatenate(v) for k, v in cols.items() if v}
    resident = data["town"].astype(np.int64) * (1 << 40) + data["uid"]
    data["value_target"], data["value_valid"] = value_targets(
        data["reward"],
        resident,
        data["terminated"],
        cfg.training.ppo.gamma,
        cfg.training.death_window_ticks,
    )
    out.mkdir(parents=True, exist_ok=True)
    shards = []
    total = len(data["action"])
    for k, start in enumerate(range(0, total, SHARD_ROWS)):
        name = f"shard_{k:05d}.npz"
        part = {key: arr[start : start + SHARD_ROWS] for key, arr in data.items()}
        np.savez_compressed(out / name, **part)  # type: ignore[arg-type]
        digest = hashlib.sha256((out / name).read_bytes()).hexdigest()
        shards.append({"name": name, "rows": len(part["action"]), "sha256": digest})
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        **layout_fields(layout),
        "primitive_action_names": [],
        "config_id": config_id(cfg),
        "seed": seed,
        "actor": None
        if actor is None
        else {"policy_hash": actor.meta.get("policy_hash"), "share": actor_share},
        "towns": towns,
        "ticks": ticks,
        "gamma": cfg.training.ppo.gamma,
        "death_window_ticks": cfg.training.death_window_ticks,
        "split": {str(t): s for t, s in enumerate(split)},
        "shards": shards,
        "rows": total,
    }
    write_json_atomic(out / "manifest.json", manifest)
    return manifest


_COLUMNS = (
    "features",
    "map",
    "mask",
    "action",
    "forced",
    "town",
    "seat",
    "uid",
    "tick",
    "reward",
    "terminated",
    "truncated",
)
