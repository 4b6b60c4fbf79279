"""The ``townlet`` command line (click), one module per command group.

``main`` (the group, global options, error handling and exit codes), ``run``,
``config`` (validate, show, doc) and ``bench``. Later issues add ``serve``,
``dashboard``, ``train``, ``console``, ``snapshot`` and ``demo``.
"""

from townlet.cli.main import cli, main

__all__ = ["cli", "main"]
