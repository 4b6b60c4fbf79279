"""``townlet train``: PPO, BC capture and training, evaluation and the learning
check (learning.md 6, 7; docs/training.md).

``--algo`` picks the mode:

| algo | does | torch |
|---|---|---|
| ``ppo`` | train PPO (``--resume`` a checkpoint, or ``--init`` from BC) | yes |
| ``capture`` | record the scripted policy as a BC dataset | no |
| ``bc`` | train on a dataset, gate on held-out towns (exit 3: gate failed) | yes |
| ``eval`` | scorecard of ``--policy`` (a provider or a checkpoint) | learned only |
| ``check`` | the learning check of ``--tier`` (exit 3 on failure) | yes |

Without torch, ``ppo``, ``bc``, ``check`` and a checkpoint given to ``--policy``
exit 2 with ``error: ... requires PyTorch, which is not installed`` and ``hint:
pip install 'townlet[ml]'``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from townlet.cli.options import config_option, seed_option, set_option
from townlet.policy._torch import require_torch

__all__ = ["train"]

ALGOS = ("ppo", "capture", "bc", "eval", "check")
EXIT_CHECK_FAILED = 3


@contextmanager
def _bar(enabled: bool, label: str, total: int) -> Iterator[Callable[..., None]]:
    """A Rich progress bar on stderr; ``advance(done, total, text="")``."""
    if not enabled:
        yield lambda done, total, text="": None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task("", total=total)

        def advance(done: int, total: int, text: str = "") -> None:
            progress.update(task, completed=done, total=total, description=text)

        yield advance


def _ppo_text(metrics: dict[str, Any]) -> str:
    """One short line of the per-update metrics for the progress bar."""
    r = metrics.get("reward_per_agent_tick") or 0.0
    return f"R/tick {r:+.5f} ent {metrics.get('entropy', 0.0):.3f}"


def _run_dir(run_dir: Path | None, prefix: str) -> Path:
    """``--run-dir`` or ``runs/<prefix>-<run id>``."""
    if run_dir is not None:
        return run_dir
    from townlet.core.build import new_run_id

    return Path("runs") / f"{prefix}-{new_run_id()}"


def _threads(threads: int | None) -> None:
    """Set torch's intra-op threads when asked."""
    if threads:
        torch = require_torch("training")
        torch.set_num_threads(threads)


def _echo_json(payload: Any) -> None:
    click.echo(json.dumps(payload, indent=2, sort_keys=True, default=str))


@click.command()
@click.option("--algo", type=click.Choice(ALGOS), required=True, help="The mode.")
@config_option(help="Config YAML (default: the packaged default town).")
@set_option()
@click.option(
    "--run-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Output directory (default runs/<algo>-<run id>).",
)
@seed_option(default=0, help="Seed of the trainer / capture.")
@click.option(
    "--towns",
    type=click.IntRange(min=1),
    default=None,
    help="ppo: towns (training.ppo.num_towns); capture: towns (32); "
    "eval: evaluation towns (training.eval.towns).",
)
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="capture: days per town (7); eval: days (training.eval.days).",
)
@click.option(
    "--total-agent-steps",
    type=click.IntRange(min=1),
    default=None,
    help="ppo/check: override the agent steps to train.",
)
@click.option(
    "--resume",
    type=click.Path(path_type=Path),
    default=None,
    help="ppo: resume from this checkpoint (file or directory).",
)
@click.option(
    "--init",
    "init_path",
    type=click.Path(path_type=Path),
    default=None,
    help="ppo: start from this (e.g. BC) checkpoint; bc: continue training it; "
    "capture: let it drive half of the rows (DAgger; labels stay scripted).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="capture: dataset directory (default datasets/bc/seed<seed>).",
)
@click.option(
    "--data",
    type=click.Path(path_type=Path),
    default=None,
    help="bc: dataset directory written by --algo capture.",
)
@click.option(
    "--epochs",
    type=click.IntRange(min=1),
    default=None,
    help="bc: most epochs (training.bc.epochs).",
)
@click.option(
    "--policy",
    default="scripted",
    show_default=True,
    help="eval: provider name, NAME:CHECKPOINT, or a checkpoint path.",
)
@click.option("--greedy", is_flag=True, help="eval: argmax instead of sampling.")
@click.option(
    "--tier",
    type=click.Choice(["micro", "town"]),
    default="micro",
    show_default=True,
    help="check: the tier.",
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=None,
    help="torch intra-op threads (default: torch's choice).",
)
@click.option("--no-progress", is_flag=True, help="Do not show progress bars.")
def train(
    algo: str,
    config_path: Path | None,
    set_args: tuple[str, ...],
    run_dir: Path | None,
    seed: int,
    towns: int | None,
    days: int | None,
    total_agent_steps: int | None,
    resume: Path | None,
    init_path: Path | None,
    out: Path | None,
    data: Path | None,
    epochs: int | None,
    policy: str,
    greedy: bool,
    tier: str,
    threads: int | None,
    no_progress: bool,
) -> None:
    """Train, capture, evaluate or check learned policies (docs/training.md)."""
    from townlet.config import load_config

    progress = not no_progress
    if algo == "capture":
        cfg = load_config(config_path, set_args=set_args)
        _capture(
            init_path,
            cfg,
            out or Path("datasets/bc") / f"seed{seed}",
            towns or 32,
            days or 7,
            seed,
            progress,
        )
    elif algo == "eval":
        cfg = load_config(config_path, set_args=set_args)
        _eval(cfg, policy, greedy, towns, days, _run_dir(run_dir, "eval"))
    elif algo == "check":
        require_torch("the learning check")
        _threads(threads)
        from townlet.env.scenario import find_scenario
        from townlet.policy.ppo.check import TIERS

        scenario = config_path or find_scenario(str(TIERS[tier]["config"]), None)
        _check(
            tier,
            load_config(scenario, set_args=set_args),
            total_agent_steps,
            _run_dir(run_dir, f"check-{tier}"),
            progress,
        )
    elif algo == "bc":
        require_torch("bc training")
        _threads(threads)
        if data is None:
            raise click.UsageError("--algo bc needs --data DATASET_DIR")
        cfg = load_config(config_path, set_args=set_args)
        _bc(cfg, data, epochs, init_path, _run_dir(run_dir, "bc"), progress)
    else:
        require_torch("ppo training")
        _threads(threads)
        cfg = load_config(config_path, set_args=set_args)
        _ppo(
            cfg,
            seed,
            towns,
            total_agent_steps,
            resume,
            init_path,
            _run_dir(run_dir, "ppo"),
            progress,
        )


def _capture(
    actor_path: Path | None,
    cfg: Any,
    out: Path,
    towns: int,
    days: int,
    seed: int,
    progress: bool,
) -> None:
    from townlet.policy.bc.capture import capture

    actor = None
    if actor_path is not None:
        require_torch("capture with a learned actor")
        from townlet.policy.ppo.policy import LearnedPolicy

        actor = LearnedPolicy.from_checkpoint(actor_path, cfg)
    ticks = days * int(cfg.world.time.ticks_per_day)
    with _bar(progress, "capture", ticks) as bar:
        manifest = capture(
            out,
            config=cfg,
            towns=towns,
            days=days,
            seed=seed,
            actor=actor,
            progress=lambda done, total: bar(done, total),
        )
    click.echo(
        f"captured {manifest['rows']} rows from {towns} towns x {days} days into {out}",
        err=True,
    )


def _eval(
    cfg: Any,
    policy: str,
    greedy: bool,
    towns: int | None,
    days: int | None,
    run_dir: Path,
) -> None:
    from townlet.policy.checkpoint import read_metadata
    from townlet.policy.ppo.evaluate import scorecard, write_scorecard

    name = policy
    if Path(policy).suffix in (".pt", ".json") or Path(policy).is_dir():
        meta = read_metadata(policy)
        name = f"{meta['algo']}:{policy}"
    ev = cfg.training.eval
    ev = ev.model_copy(update={"towns": towns or ev.towns, "days": days or ev.days})
    card = scorecard(name, cfg, ev, greedy=greedy)
    path = write_scorecard(card, run_dir / "eval" / "scorecard.json")
    _echo_json(card["pooled"])
    click.echo(f"scorecard written to {path}", err=True)


def _check(
    tier: str, cfg: Any, steps: int | None, run_dir: Path, progress: bool
) -> None:
    from townlet.policy.ppo.check import TIERS, run_check

    total = int(steps or TIERS[tier]["total_agent_steps"])
    with _bar(progress, f"check {tier}", 1) as bar:
        result = run_check(
            tier,
            run_dir,
            config=cfg,
            total_agent_steps=total,
            progress=lambda u, n, m: bar(u, n, _ppo_text(m)),
        )
    _echo_json({"scorecards": result["scorecards"], "verdict": result["verdict"]})
    (run_dir / "check.json").write_text(json.dumps(result, indent=2, default=str))
    if not result["verdict"]["passed"]:
        click.echo(
            f"error: learning check {tier} failed (see {run_dir}/check.json)", err=True
        )
        raise click.exceptions.Exit(EXIT_CHECK_FAILED)
    click.echo(f"learning check {tier} passed", err=True)


def _bc(
    cfg: Any,
    data: Path,
    epochs: int | None,
    init: Path | None,
    run_dir: Path,
    progress: bool,
) -> None:
    from townlet.policy.bc.dataset import load
    from townlet.policy.bc.train import train_bc
    from townlet.world.layout import observation_layout

    layout = observation_layout(cfg, cfg.observations.variant, "option")
    dataset = load(data, layout)
    bc = cfg.training.bc
    if epochs:
        bc = bc.model_copy(update={"epochs": epochs})
    with _bar(progress, "bc epochs", bc.epochs) as bar:
        result = train_bc(
            dataset,
            cfg,
            run_dir,
            bc,
            init=init,
            on_epoch=lambda e, r: bar(e, bc.epochs, f"val {r['val_loss']:.4f}"),
        )
    _echo_json(
        {
            "bc_gate": result["bc_gate"],
            "epochs": result["epochs"],
            "checkpoint": str(result["checkpoint"]),
        }
    )
    if not result["bc_gate"]["passed"]:
        click.echo("error: BC gate failed (the checkpoint records it)", err=True)
        raise click.exceptions.Exit(EXIT_CHECK_FAILED)


def _ppo(
    cfg: Any,
    seed: int,
    towns: int | None,
    steps: int | None,
    resume: Path | None,
    init: Path | None,
    run_dir: Path,
    progress: bool,
) -> None:
    from townlet.policy.ppo.trainer import PPOTrainer

    updates = {"seed": seed}
    if towns:
        updates["num_towns"] = towns
    if steps:
        updates["total_agent_steps"] = steps
    ppo = cfg.training.ppo.model_copy(update=updates)
    with _bar(progress, "ppo updates", 1) as bar:
        trainer = PPOTrainer(
            cfg,
            run_dir,
            ppo,
            init=init,
            progress=lambda u, n, m: bar(u, n, _ppo_text(m)),
        )
        if resume is not None:
            trainer.resume(resume)
        metrics = trainer.train()
    _echo_json(
        {
            k: v
            for k, v in metrics.items()
            if not k.startswith(("option_freq", "reward/"))
        }
    )
    click.echo(f"checkpoints in {run_dir / 'checkpoints'}", err=True)
