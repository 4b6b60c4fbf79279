"""User interfaces (operations.md 4): the web viewer (:mod:`townlet.ui.web`).

>>> import townlet.ui
>>> townlet.ui.__name__
'townlet.ui'
"""
