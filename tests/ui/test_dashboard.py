"""The terminal dashboard (operations.md 4.3): every documented key, driven through
Textual's ``run_test()`` pilot, changes what it says it changes.

The app is built with ``autotick=False`` so only keys move the simulation; each test
asserts the state the key should leave behind.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("textual", reason="the dashboard needs the ui extra (textual)")

from textual.widgets import Input, Static

from townlet.ui.dashboard.app import KEYS, DashboardApp, HelpScreen
from townlet.ui.dashboard.session import LocalSession

CONFIG = Path(__file__).resolve().parents[2] / "configs" / "demo" / "demo.yaml"


@pytest.fixture
def session(tmp_path: Path) -> Iterator[LocalSession]:
    """A started demo-town session, 5 ticks in, writing under ``tmp_path``."""
    with LocalSession(CONFIG, seed=7, workdir=tmp_path) as s:
        for _ in range(5):
            s.tick()
        yield s


def _text(app: DashboardApp, widget_id: str) -> str:
    """The current text of a Static panel."""
    return str(app.query_one(widget_id, Static).render())


def _drive(session: LocalSession, keys: list[str], **kwargs: object) -> DashboardApp:
    """Run the app headless, press ``keys`` and return the app after the presses."""
    app = DashboardApp(session, autotick=False, **kwargs)  # type: ignore[arg-type]

    async def go() -> None:
        async with app.run_test(size=(160, 60)) as pilot:
            await pilot.press(*keys)
            await pilot.pause()
            app.refresh_panels()
            app.snapshot_text = {  # type: ignore[attr-defined]
                name: _text(app, f"#{name}")
                for name in (
                    "header",
                    "map",
                    "detail",
                    "status",
                    "banner",
                    "narrations",
                    "kpis",
                )
            }
            app.screen_name = type(app.screen).__name__  # type: ignore[attr-defined]

    asyncio.run(go())
    return app


def test_space_pauses_and_resumes(session: LocalSession) -> None:
    app = _drive(session, ["space"])
    assert session.paused
    assert "Paused" in app.snapshot_text["header"]  # type: ignore[attr-defined]
    _drive(session, ["space"])
    assert not session.paused


def test_n_steps_one_tick_only_while_paused(session: LocalSession) -> None:
    before = session.tick_count
    app = _drive(session, ["n"])
    assert session.tick_count == before
    assert "pause first" in app.snapshot_text["status"]  # type: ignore[attr-defined]
    _drive(session, ["space", "n", "n"])
    assert session.tick_count == before + 2


def test_j_k_and_arrows_move_the_selection(session: LocalSession) -> None:
    app = _drive(session, ["j", "j", "down"])
    assert app.selected == "agent_3"
    app = _drive(session, ["k", "up"])
    assert app.selected == "agent_8"  # wraps from agent_0 backwards
    app = _drive(session, ["j", "k"])
    assert app.selected == "agent_0"


def test_selected_agent_is_highlighted_and_detailed(session: LocalSession) -> None:
    app = _drive(session, ["j"])
    assert "@" in app.snapshot_text["map"]  # type: ignore[attr-defined]
    assert app.snapshot_text["detail"].startswith("agent_1")  # type: ignore[attr-defined]
    assert "hunger" in app.snapshot_text["detail"]  # type: ignore[attr-defined]


def test_f_follows_and_r_toggles_relationship_marks(session: LocalSession) -> None:
    app = _drive(session, ["f", "r"])
    assert app.follow
    assert app.relations
    assert "follow relations" in app.snapshot_text["map"]  # type: ignore[attr-defined]
    app = _drive(session, ["f", "f", "r", "r"])
    assert not app.follow
    assert not app.relations


def test_s_saves_a_snapshot_at_the_end_of_the_next_tick(
    session: LocalSession, tmp_path: Path
) -> None:
    app = _drive(session, ["space", "s"])
    assert "snapshot_save: accepted" in app.snapshot_text["status"]  # type: ignore[attr-defined]
    assert not list((tmp_path / "snapshots").glob("*"))
    _drive(session, ["n"])
    assert list((tmp_path / "snapshots").rglob("*tick*")) or list(
        (tmp_path / "snapshots").rglob("*.json*")
    )


def test_colon_runs_a_command_inline(session: LocalSession) -> None:
    app = DashboardApp(session, autotick=False)

    async def go() -> None:
        async with app.run_test(size=(160, 60)) as pilot:
            await pilot.press("colon")
            assert app.query_one("#prompt", Input).has_focus
            await pilot.press(*"pause", "enter")
            await pilot.pause()
            assert session.paused
            await pilot.press("colon", *"agent nobody", "enter")
            await pilot.pause()
            assert "error not_found" in _text(app, "#status")

    asyncio.run(go())


def test_question_mark_opens_help_listing_every_key(session: LocalSession) -> None:
    app = DashboardApp(session, autotick=False)

    async def go() -> None:
        async with app.run_test(size=(160, 60)) as pilot:
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            text = str(app.screen.query_one("#help", Static).render())
            assert all(key in text for key, _ in KEYS)
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, HelpScreen)

    asyncio.run(go())


def test_q_quits(session: LocalSession) -> None:
    app = DashboardApp(session, autotick=False)

    async def go() -> None:
        async with app.run_test(size=(160, 60)) as pilot:
            await pilot.press("q")
            await pilot.pause()
            assert not app.is_running

    asyncio.run(go())


def test_timer_ticks_the_session(session: LocalSession) -> None:
    app = DashboardApp(session, tps=0)
    before = session.tick_count

    async def go() -> None:
        async with app.run_test(size=(160, 60)) as pilot:
            for _ in range(1000):  # bounded: a broken timer fails, never hangs
                if session.tick_count >= before + 20:
                    break
                await pilot.pause(0.01)

    asyncio.run(go())
    assert session.tick_count >= before + 20


def test_stub_telemetry_shows_the_banner(tmp_path: Path) -> None:
    with LocalSession(CONFIG, seed=7, workdir=tmp_path, telemetry="none") as s:
        app = _drive(s, [])
    assert "Telemetry stub active" in app.snapshot_text["banner"]  # type: ignore[attr-defined]
    assert app.snapshot_text["narrations"] == "Unavailable (telemetry stub)"  # type: ignore[attr-defined]
    assert app.snapshot_text["kpis"] == "Unavailable (telemetry stub)"  # type: ignore[attr-defined]


def test_cli_dashboard_without_textual_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from click.testing import CliRunner

    import townlet.ui.dashboard as dashboard_pkg
    from townlet.cli.main import cli

    monkeypatch.setattr(dashboard_pkg, "textual_available", lambda: False)
    result = CliRunner().invoke(cli, ["dashboard"])
    assert result.exit_code == 2
    assert "pip install 'townlet[ui]'" in result.output


def test_cli_dashboard_builds_a_local_session(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from townlet.cli.main import cli

    seen: list[DashboardApp] = []
    monkeypatch.setattr(DashboardApp, "run", lambda self: seen.append(self))
    args = ["dashboard", "--config", str(CONFIG), "--seed", "7", "--tps", "5"]
    result = CliRunner().invoke(
        cli, [*args, "--paused", "--snapshot-dir", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    (app,) = seen
    assert app.tps == 5
    assert app.session.paused
    assert app.session.principal == "local:dashboard"
    assert (tmp_path / "audit.jsonl").exists()


def test_cli_demo_dashboard_drives_the_app_with_the_story(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from click.testing import CliRunner

    from townlet.cli.main import cli

    seen: list[DashboardApp] = []
    monkeypatch.setattr(DashboardApp, "run", lambda self: seen.append(self))
    result = CliRunner().invoke(cli, ["demo", "--ui", "dashboard", "--loop"])
    assert result.exit_code == 0, result.output
    (app,) = seen
    assert app.demo is not None
    assert app.demo.story.script.name == "day-one"
    assert app.tps == 24
    assert app.restart is not None


def test_narration_panel_lists_narrations_and_notable_events(
    session: LocalSession,
) -> None:
    session.command("narrate", {"message": "A stranger arrives", "priority": True})
    session.command("spawn", {"position": [6, 20]})
    session.tick()
    app = _drive(session, [])
    text = app.snapshot_text["narrations"]  # type: ignore[attr-defined]
    assert f"! {session.tick_count:>5} A stranger arrives" in text
    assert "newcomer agent_10" in text.split("Events")[1]
