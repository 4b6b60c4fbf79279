"""``townlet serve``: the simulation on its own thread behind Starlette (§4.1).

:class:`SimRunner` paces the loop; :func:`build_app` serves health, readiness,
meta, the latest state, ``/ws/telemetry`` and ``/metrics``.
"""

from typing import Any

from townlet.serve.app import build_app
from townlet.serve.runner import SimRunner


def serve_demo(*args: Any, **kwargs: Any) -> None:
    """``townlet demo --ui web`` (:func:`townlet.serve.demo.serve_demo`)."""
    from townlet.serve.demo import serve_demo as run

    run(*args, **kwargs)


__all__ = ["SimRunner", "build_app", "serve_demo"]
