"""Context-manager use for anything with ``start()`` and ``stop()``.

The loop and the telemetry sinks share one lifecycle (architecture.md 2.3, 4):
nothing starts in a constructor, ``with`` calls ``start()``, and leaving the block
calls ``stop()`` even when the body raised.

>>> class Tap(StartStop):
...     def start(self) -> None: print("start")
...     def stop(self) -> None: print("stop")
>>> with Tap():
...     pass
start
stop
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

__all__ = ["StartStop"]


class StartStop:
    """Mixin: ``__enter__`` starts and returns ``self``, ``__exit__`` stops."""

    def start(self) -> None:
        """Open resources; subclasses override."""
        raise NotImplementedError

    def stop(self) -> None:
        """Release resources; subclasses override."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        """Start and return ``self``."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop (also when the body raised)."""
        self.stop()
