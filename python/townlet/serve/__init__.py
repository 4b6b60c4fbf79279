"""``townlet serve``: the simulation on its own thread behind Starlette (§4.1).

:class:`SimRunner` paces the loop; :func:`build_app` serves health, readiness,
meta, the latest state, ``/ws/telemetry`` and ``/metrics``.
"""

from townlet.serve.app import build_app
from townlet.serve.runner import SimRunner

__all__ = ["SimRunner", "build_app"]
