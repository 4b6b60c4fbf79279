"""The terminal dashboard: a Textual app over a local session (operations.md 4.3).

Panels: header (tick, clock, tps, Live/Paused) with the degraded banner, an ASCII
minimap, the agents table, the selected agent's detail, the narration log, KPI
sparklines, and economy and utilities. The app ticks its session from a Textual
timer on the event loop (no thread of its own), so every key acts between ticks.
Keys (each one tested through ``run_test()``): ``q`` quit, ``?`` help, ``space``
pause/resume, ``n`` step one tick while paused, ``j``/``k`` and the arrows select,
``f`` follow, ``r`` relationship marks, ``:`` command prompt, ``s`` snapshot_save.

    app = DashboardApp(LocalSession("configs/demo/demo.yaml"), tps=10)
    app.run()
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from townlet.core.registry import degraded_notices, is_stub_telemetry
from townlet.ui.dashboard import panels
from townlet.ui.dashboard.render import minimap, tie_marks
from townlet.ui.dashboard.session import LocalSession

__all__ = ["KEYS", "DashboardApp", "HelpScreen"]

#: (key, what it does): the help overlay and docs/ui-dashboard.md list these.
KEYS: tuple[tuple[str, str], ...] = (
    ("q", "quit (normal close)"),
    ("?", "this help"),
    ("space", "pause / resume"),
    ("n", "step one tick (while paused)"),
    ("j / down", "select the next agent"),
    ("k / up", "select the previous agent"),
    ("f", "follow the selected agent on the minimap"),
    ("r", "relationship marks on the minimap (+ friend, x rival)"),
    (":", "command prompt (as `townlet console`), Enter runs, Escape closes"),
    ("s", "snapshot_save (at the end of the next tick)"),
)
KPI_HISTORY_EVERY_TICKS = 10
STUB_PANEL = "Unavailable (telemetry stub)"  # operations.md D-3
PANELS = (
    "header",
    "banner",
    "map",
    "detail",
    "narrations",
    "kpis",
    "economy",
    "status",
)


class HelpScreen(ModalScreen[None]):
    """The help overlay: every key; any of escape, ``?`` or ``q`` closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "close"),
        Binding("question_mark", "close", "close"),
        Binding("q", "close", "close"),
    ]

    def compose(self) -> ComposeResult:
        """One line per key."""
        lines = "\n".join(f"{key:<10} {what}" for key, what in KEYS)
        yield Static("Townlet dashboard keys\n\n" + lines, id="help")

    def action_close(self) -> None:
        """Close the overlay."""
        self.app.pop_screen()


class DashboardApp(App[None]):
    """The dashboard over ``session``; ``demo`` (a DemoRun) drives it when given.

    Args:
        session: the local simulation.
        tps: ticks per second (0: as fast as the terminal redraws allow).
        demo: a :class:`~townlet.demo.DemoRun` whose session is ``session``.
        autotick: start the tick timer (tests turn it off to drive ticks by key).
        restart: with a demo, builds a fresh started DemoRun when the story ends
            (``townlet demo --loop``); the old one is stopped.
    """

    AUTO_FOCUS = None  # keys go to the app until ':' opens the prompt
    CSS = """
    #banner { color: black; background: orange; height: auto; }
    #header { background: $boost; height: 1; }
    #top { height: 28; }
    #map { width: 52; height: 100%; border: round $primary; }
    #agents { height: 13; }
    #detail { height: 1fr; border: round $primary; }
    #bottom { height: 1fr; }
    #narrations { width: 1fr; height: 100%; border: round $primary; }
    #side { width: 60; }
    #kpis { height: 9; border: round $primary; }
    #economy { height: 1fr; border: round $primary; }
    #prompt { dock: bottom; display: none; }
    #prompt.open { display: block; }
    #status { dock: bottom; height: 1; }
    #help { border: double $accent; padding: 1 2; width: 72; height: auto; }
    HelpScreen { align: center middle; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit_dashboard", "quit"),
        Binding("question_mark", "help", "help"),
        Binding("space", "toggle_pause", "pause"),
        Binding("n", "step", "step"),
        Binding("j,down", "select(1)", "next", show=False),
        Binding("k,up", "select(-1)", "previous", show=False),
        Binding("f", "follow", "follow"),
        Binding("r", "relations", "relations"),
        Binding("colon", "prompt", "command"),
        Binding("s", "snapshot", "snapshot"),
        Binding("escape", "close_prompt", "close", show=False),
    ]

    def __init__(
        self,
        session: LocalSession,
        *,
        tps: float = 10.0,
        demo: Any = None,
        autotick: bool = True,
        restart: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__()
        self.restart = restart
        self.session = session
        self.demo = demo
        self.tps = tps
        self.autotick = autotick
        self.selected: str | None = None
        self.follow = False
        self.relations = False
        self.status_line = ""
        self.kpi_history: dict[str, deque[float | None]] = {
            name: deque(maxlen=240) for name in panels.KPI_NAMES
        }
        self._camera_seen = 0
        self._rate_mark: float | None = None
        # widgets are looked up once: queries go to the active screen (help overlay)
        self._panels: dict[str, Static] = {}
        self._table: DataTable[str] | None = None
        self._prompt: Input | None = None

    # -- layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Header, banner, map and panels, prompt and status line."""
        yield Static("", id="header")
        yield Static("", id="banner")
        with Horizontal(id="top"):
            yield Static("", id="map")
            with Vertical():
                table: DataTable[str] = DataTable(id="agents", cursor_type="row")
                table.can_focus = False
                yield table
                yield Static("", id="detail")
        with Horizontal(id="bottom"):
            yield Static("", id="narrations")
            with Vertical(id="side"):
                yield Static("", id="kpis")
                yield Static("", id="economy")
        yield Input(
            placeholder="command, e.g. setneed agent_0 {hunger: 0.2}", id="prompt"
        )
        yield Static("", id="status")

    def on_mount(self) -> None:
        """Fill the table, show the first frame and start the tick timer."""
        for name in PANELS:
            self._panels[name] = self.query_one(f"#{name}", Static)
        self._table = self.query_one("#agents", DataTable)
        self._prompt = self.query_one("#prompt", Input)
        self._table.add_columns("id", "name", *panels.NEEDS, "wallet", "alive")
        notices = degraded_notices(
            [
                self.session.loop.world_provider,
                self.session.loop.policy_provider,
                self.session.loop.telemetry_provider,
            ]
        )
        banner = self._panels["banner"]
        banner.update("\n".join(n["message"] for n in notices))
        banner.display = bool(notices)
        if self.autotick:
            period = 1.0 / self.tps if self.tps > 0 else 0.01
            self.set_interval(period, self._on_timer)
        self.refresh_panels()

    # -- ticking -----------------------------------------------------------------

    def _advance(self) -> bool:
        """One tick (the demo's when there is one)."""
        if self.demo is not None:
            return bool(self.demo.advance())
        return self.session.tick()

    def _on_timer(self) -> None:
        """Timer body: tick (10 per call at tps 0), then redraw."""
        if self.demo is not None and self.demo.finished and self.restart is not None:
            self.demo.stop()
            self.demo = self.restart()
            self.session = self.demo.session
            self._camera_seen = 0
        ran = 0
        for _ in range(1 if self.tps > 0 else 10):
            if not self._advance():
                break
            ran += 1
            self._after_tick()
        now = time.monotonic()  # display only: the actual tps in the header
        if ran and self._rate_mark is not None:
            self.session.console.tps_actual = round(
                ran / max(now - self._rate_mark, 1e-9), 1
            )
        self._rate_mark = now
        self.refresh_panels()

    def _after_tick(self) -> None:
        """Per-tick bookkeeping: KPI history, demo camera hints."""
        tick = self.session.tick_count
        if tick % KPI_HISTORY_EVERY_TICKS == 0:
            kpis = self.session.kpis()
            for name, hist in self.kpi_history.items():
                value = kpis.get(name)
                hist.append(None if value is None else float(value))
        camera = list(self.session.tap.camera)
        for hint in camera[self._camera_seen :]:
            focus = hint.get("focus")
            if self.demo is not None:
                focus = self.demo.resolve(focus)
            if isinstance(focus, str) and not focus.startswith("$"):
                self.selected = focus
            if hint.get("overlay") is not None:
                self.relations = bool(hint["overlay"])
        self._camera_seen = len(camera)

    # -- drawing -----------------------------------------------------------------

    def refresh_panels(self) -> None:
        """Redraw every panel from the session (nothing before mount)."""
        if self._table is None:
            return
        session = self.session
        view = session.view()
        agents = list(view.agents)
        ids = [str(a["id"]) for a in agents]
        if self.selected not in ids:
            self.selected = ids[0] if ids else None
        mode = "demo" if self.demo is not None else "local"
        header = panels.header_text(
            view, paused=session.paused, tps=session.console.tps_actual, mode=mode
        )
        self._panels["header"].update(header)
        ties = session.ties() if self.relations or self.selected else {}
        marks = tie_marks(self.selected, ties) if self.relations else {}
        art = minimap(
            view, 48, 24, selected=self.selected, follow=self.follow, marks=marks
        )
        flags = ("follow " if self.follow else "") + (
            "relations" if self.relations else ""
        )
        self._panels["map"].update("\n".join(art) + f"\n{flags}")
        self._draw_table(agents, ids)
        record = next((a for a in agents if str(a["id"]) == self.selected), None)
        detail = panels.detail_text(record, ties.get(self.selected or "", []))
        self._panels["detail"].update(detail)
        stub = is_stub_telemetry(session.loop)
        narrations = panels.narration_lines(session.tap.narrations, limit=50)
        events = [panels.event_line(e) for e in list(session.tap.notable)[-6:][::-1]]
        body = narrations + "\n\nEvents\n" + ("\n".join(events) or "none yet")
        self._panels["narrations"].update(STUB_PANEL if stub else body)
        kpis = session.kpis()
        lines = [
            panels.kpi_line(name, kpis.get(name), list(self.kpi_history[name]))
            for name in panels.KPI_NAMES
        ]
        self._panels["kpis"].update(STUB_PANEL if stub else "\n".join(lines))
        state = session.loop.world.export_state()
        active = state.get("perturbations", {}).get("active", [])
        text = panels.economy_text(
            state.get("economy", {}), session.tap.utilities, active
        )
        self._panels["economy"].update(text)
        self._panels["status"].update(self.status_line)

    def _draw_table(self, agents: list[Any], ids: list[str]) -> None:
        """Rebuild the agents table and put the cursor on the selected agent."""
        table = self._table
        if table is None:
            return
        table.clear()
        for agent in agents:
            table.add_row(*panels.agent_row(agent), key=str(agent["id"]))
        if self.selected in ids:
            table.move_cursor(row=ids.index(self.selected))

    # -- actions (keys) ----------------------------------------------------------

    def _run(self, name: str, args: dict[str, Any] | None = None) -> Any:
        """Submit a command and show its outcome on the status line."""
        result = self.session.command(name, args)
        if result.status == "error":
            error = result.error or {}
            self.status_line = (
                f"{name}: error {error.get('code')}: {error.get('message')}"
            )
        else:
            self.status_line = f"{name}: {result.status} {result.result or ''}".rstrip()
        self.refresh_panels()
        return result

    def action_quit_dashboard(self) -> None:
        """``q``: close normally (the CLI stops the session afterwards)."""
        self.exit()

    def action_help(self) -> None:
        """``?``: the key overlay."""
        self.push_screen(HelpScreen())

    def action_toggle_pause(self) -> None:
        """``space``: pause or resume."""
        self._run("resume" if self.session.paused else "pause")

    def action_step(self) -> None:
        """``n``: one tick while paused (the console's ``step``)."""
        if not self.session.paused:
            self.status_line = "step: pause first (space)"
            self.refresh_panels()
            return
        if self.demo is not None and self.demo.finished:
            self.status_line = "step: the story has ended"
            self.refresh_panels()
            return
        self._run("step", {"n": 1})
        self._after_tick()
        self.refresh_panels()

    def action_select(self, delta: int) -> None:
        """``j``/``k``: move the selection through the agents (wrapping)."""
        ids = [str(a["id"]) for a in self.session.view().agents]
        if not ids:
            return
        current = ids.index(self.selected) if self.selected in ids else 0
        self.selected = ids[(current + delta) % len(ids)]
        self.refresh_panels()

    def action_follow(self) -> None:
        """``f``: follow the selected agent on the minimap."""
        self.follow = not self.follow
        self.refresh_panels()

    def action_relations(self) -> None:
        """``r``: relationship marks on the minimap."""
        self.relations = not self.relations
        self.refresh_panels()

    def action_snapshot(self) -> None:
        """``s``: ``snapshot_save`` (applied at the end of the next tick)."""
        self._run("snapshot_save")

    def action_prompt(self) -> None:
        """``:``: open the command prompt."""
        prompt = self._prompt
        if prompt is None:
            return
        prompt.add_class("open")
        prompt.value = ""
        prompt.focus()

    def action_close_prompt(self) -> None:
        """Escape: close the prompt."""
        if self._prompt is not None:
            self._prompt.remove_class("open")
        self.set_focus(None)

    def on_input_submitted(self, message: Input.Submitted) -> None:
        """Run the typed command (``townlet console`` grammar) and close the prompt."""
        import shlex

        from townlet.cli.console_cmd import words_to_args
        from townlet.errors import ConfigError

        self.action_close_prompt()
        try:
            words = shlex.split(message.value)
        except ValueError as err:
            self.status_line = f"error: {err}"
            self.refresh_panels()
            return
        if not words:
            return
        try:
            args = words_to_args(words[0], words[1:])
        except ConfigError as err:
            self.status_line = f"error: {err.message}"
            self.refresh_panels()
            return
        self._run(words[0], args)
