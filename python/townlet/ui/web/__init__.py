"""The web viewer (operations.md 4.2): static HTML, CSS and JavaScript ES modules.

The files live in ``static/`` and ship inside the package; there is no npm build step
and nothing loads from a CDN. :func:`viewer_routes` returns the two routes that
``townlet serve`` mounts in front of its API: ``GET /`` (``index.html``,
``Cache-Control: no-cache``) and ``/static/*`` (``max-age=600``).
:func:`install_viewer` puts them first in an existing app, ahead of any placeholder
``/`` route::

    app = build_app(runner, extra_routes=[*console_routes(service)])
    install_viewer(app)

>>> (STATIC_DIR / "index.html").is_file()
True
>>> [getattr(r, "path", None) for r in viewer_routes()]
['/', '/static']
"""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

__all__ = ["ASSET_MAX_AGE_S", "STATIC_DIR", "install_viewer", "viewer_routes"]

STATIC_DIR = Path(__file__).resolve().parent / "static"
ASSET_MAX_AGE_S = 600


class _CachedStatic(StaticFiles):
    """Static files with ``Cache-Control: max-age=600`` (operations.md 4.1)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        """The file response with the cache header added."""
        response = await super().get_response(path, scope)
        response.headers["Cache-Control"] = f"max-age={ASSET_MAX_AGE_S}"
        return response


def viewer_routes(static_dir: Path = STATIC_DIR) -> list[BaseRoute]:
    """``GET /`` and the ``/static`` mount of the viewer.

    Args:
        static_dir: the directory served (default: the packaged ``static/``).

    Raises:
        FileNotFoundError: ``static_dir`` has no ``index.html``.
    """
    if not (static_dir / "index.html").is_file():
        raise FileNotFoundError(f"web viewer: no index.html in {static_dir}")
    index_file = static_dir / "index.html"

    async def index(request: Request) -> Response:
        """``index.html`` with ``Cache-Control: no-cache``."""
        return FileResponse(
            index_file, media_type="text/html", headers={"Cache-Control": "no-cache"}
        )

    return [
        Route("/", index, methods=["GET", "HEAD"]),
        Mount("/static", app=_CachedStatic(directory=static_dir), name="static"),
    ]


def install_viewer(app: Starlette, static_dir: Path = STATIC_DIR) -> Starlette:
    """Put the viewer routes first in ``app`` (they win over a placeholder ``/``).

    >>> app = install_viewer(Starlette(routes=[Route("/", lambda request: None)]))
    >>> [getattr(r, "path", None) for r in app.routes][:2]
    ['/', '/static']
    >>> len(app.routes)
    3
    """
    app.router.routes[0:0] = viewer_routes(static_dir)
    return app
