"""A local simulation for the dashboard and the demo: loop, console and event tap.

:class:`LocalSession` builds a simulation from a config, attaches a
:class:`~townlet.console.ConsoleService` (commands as ``local:dashboard`` or
``system:demo``), a :class:`~townlet.snapshots.SnapshotManager` for ``snapshot_save``
and an :class:`~townlet.ui.dashboard.tap.EventTap`. The UI ticks it from its own
timer with :meth:`LocalSession.tick`; nothing here starts a thread or reads a clock,
so what a session does depends only on the config, the seed and the commands.

    session = LocalSession("configs/demo/demo.yaml", seed=7, workdir=tmp)
    with session:
        session.tick(); session.command("pause")
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any

from townlet.console.audit import AuditLog
from townlet.console.envelope import Result
from townlet.console.service import ConsoleService
from townlet.core.types import WorldView
from townlet.ui.dashboard.tap import EventTap

__all__ = ["LocalSession"]


class LocalSession:
    """One local simulation driven by a UI.

    Args:
        config: a ``TownletConfig``, a config path, or ``None`` (the default town).
        seed: master seed (default: the config's).
        principal: who local commands are issued as.
        workdir: where the audit log and snapshots go (default: the config's
            ``console.audit.path`` and ``snapshot.root``).
        world: world provider (default: the config's).
        telemetry: telemetry spec of the inner sink (default ``null``).
    """

    def __init__(
        self,
        config: Any = None,
        *,
        seed: int | None = None,
        principal: str = "local:dashboard",
        workdir: str | Path | None = None,
        world: str | None = None,
        telemetry: str = "null",
    ) -> None:
        from townlet.config import load_config
        from townlet.core.build import build_simulation
        from townlet.snapshots import SnapshotManager

        if config is None or isinstance(config, str | Path):
            config = load_config(config)
        self.config = config
        self.principal = principal
        self.loop = build_simulation(
            config, world=world, telemetry=telemetry, seed=seed, run_id="dashboard"
        )
        self.tap = EventTap(self.loop.telemetry)
        self.loop.wrap_telemetry(lambda _inner: self.tap)
        audit = None
        snapshot_root: Path | None = None
        if workdir is not None:
            audit = AuditLog(Path(workdir) / "audit.jsonl")
            snapshot_root = Path(workdir) / "snapshots"
        self.console = ConsoleService(
            config.console, run_id="dashboard", audit=audit, environ={}
        )
        self.snapshots = SnapshotManager(
            self.loop,
            config,
            console=self.console,
            root=snapshot_root,
            every_ticks=0,
        )

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> None:
        """Start the loop and attach the console (after any script runner)."""
        self.loop.start()
        self.console.attach(self.loop, self.snapshots)

    def stop(self) -> None:
        """Stop the loop (telemetry flushed) and close the audit log."""
        self.loop.stop()
        self.console.audit.close()

    def __enter__(self) -> LocalSession:
        """Start the session."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the session."""
        self.stop()

    # -- driving -----------------------------------------------------------------

    @property
    def paused(self) -> bool:
        """Whether ticking is paused (the console's ``pause``)."""
        return bool(self.console.paused)

    @property
    def tick_count(self) -> int:
        """The last completed tick."""
        return int(self.loop.tick)

    def tick(self) -> bool:
        """Run one tick unless paused; return whether it ran."""
        with self.console.lock:
            if self.console.paused:
                return False
            self.loop.step()
        return True

    def command(self, name: str, args: dict[str, Any] | None = None) -> Result:
        """Submit one console command as :attr:`principal` (never raises)."""
        return self.console.submit_local(name, args or {}, principal=self.principal)

    def view(self) -> WorldView:
        """The world's current read-only picture."""
        return self.loop.world.view()

    def ties(self) -> dict[str, list[dict[str, Any]]]:
        """Each agent's ties by agent id (``other`` mapped to an agent id)."""
        state = self.loop.world.export_state()
        ids = {
            int(a.get("uid", i)): str(a["id"]) for i, a in enumerate(state["agents"])
        }
        out: dict[str, list[dict[str, Any]]] = {}
        for agent in state["agents"]:
            ties = []
            for tie in agent.get("ties", []):
                other = ids.get(int(tie["other"]), f"agent_{tie['other']}")
                ties.append({**tie, "other": other})
            out[str(agent["id"])] = ties
        return out

    def kpis(self) -> dict[str, Any]:
        """The latest town-life KPIs (empty when the loop tracks none)."""
        tracker = self.loop.kpis
        if tracker is None:
            return {}
        return tracker.as_dict()
