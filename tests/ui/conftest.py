"""Fixtures of the web viewer tests: a live server and a headless Chromium page.

The browser is Debian's ``chromium`` (``/usr/bin/chromium``, or ``TOWNLET_CHROMIUM``)
driven by Playwright for Python with that executable; Playwright's own browser
downloads are never used. Without an installed chromium the tests skip and say so.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ui_viewer_server import PageWatch, ViewerServer


def chromium_path() -> str | None:
    """The system chromium executable, or None."""
    explicit = os.environ.get("TOWNLET_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Chromium (skips when playwright or chromium is missing)."""
    sync_api = pytest.importorskip(
        "playwright.sync_api",
        reason="playwright is not installed (pip install 'townlet[dev]')",
    )
    executable = chromium_path()
    if executable is None:
        pytest.skip(
            "no chromium installed (apt-get install -y chromium, or set "
            "TOWNLET_CHROMIUM); the viewer browser tests need one"
        )
    with sync_api.sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ViewerServer]:
    """The default town at 20 tps with the viewer, console and telemetry."""
    pytest.importorskip("uvicorn", reason="uvicorn (townlet serve) is not installed")
    with ViewerServer(tmp_path_factory.mktemp("viewer"), tps=20) as live:
        yield live


@pytest.fixture
def page(browser: Any) -> Iterator[PageWatch]:
    """A fresh 1280x800 page (its own context, so sessionStorage is empty)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    watch = PageWatch(context.new_page())
    yield watch
    context.close()
