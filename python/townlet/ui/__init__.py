"""User interfaces (operations.md 4): the web viewer and the terminal dashboard.

Each lives in its own subpackage; importing this package imports no UI library.
"""
