"""User interfaces (operations.md 4): the web viewer (:mod:`townlet.ui.web`) and the
terminal dashboard (:mod:`townlet.ui.dashboard`).

Each lives in its own subpackage; importing this package imports no UI library.

>>> import townlet.ui
>>> townlet.ui.__name__
'townlet.ui'
"""
