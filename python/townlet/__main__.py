"""``python -m townlet`` runs the ``townlet`` command line."""

from townlet.cli.main import main

main()
