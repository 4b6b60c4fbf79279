"""Controller state of one resident (learning.md 2.3 rule 6) and its tree check.

Kept apart from ``controllers`` so ``agents`` and ``snapshot_check`` can use it
without importing the world state. Mirrors ``OptState`` in
``rust/townlet-core/src/controllers/mod.rs``.

>>> OptState().to_tree()["active"]
-1
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["OUTCOMES", "OptState", "check_option"]

OUTCOMES = ("none", "success", "failure", "abandoned")


@dataclass(slots=True)
class OptState:
    """Controller state of one resident (learning.md 2.3 rule 6).

    ``active`` is the option id (1..7) or -1 when idle (Wait never stays active);
    ``emitted`` and ``avoided`` (``(rival uid, object or -1)`` of a ``rival_avoided``
    to emit) are scratch of the tick, not state.
    """

    active: int = -1
    start: int = -1
    lock_end: int = -1
    target: int = -1
    step: int = 0
    wait: int = 0
    packed: bool = False
    last: str = "none"
    emitted: bool = False
    avoided: tuple[int, int] | None = None

    def end(self, outcome: str) -> None:
        """End the active option with ``outcome``, keeping nothing but the outcome."""
        self.active, self.start, self.lock_end, self.target = -1, -1, -1, -1
        self.step, self.wait, self.packed = 0, 0, False
        self.last, self.emitted, self.avoided = outcome, False, None

    def copy(self) -> OptState:
        """An independent copy."""
        return OptState(
            self.active,
            self.start,
            self.lock_end,
            self.target,
            self.step,
            self.wait,
            self.packed,
            self.last,
            self.emitted,
        )

    def to_tree(self) -> dict[str, Any]:
        """The state tree (docs/world-state.md, agent key ``option``)."""
        return {
            "active": self.active,
            "start": self.start,
            "lock_end": self.lock_end,
            "target": self.target,
            "step": self.step,
            "wait": self.wait,
            "packed": self.packed,
            "last": self.last,
        }

    @staticmethod
    def from_tree(node: Mapping[str, Any] | None) -> OptState:
        """Read a tree checked by ``check_option`` (missing: defaults)."""
        if node is None:
            return OptState()
        return OptState(
            node["active"],
            node["start"],
            node["lock_end"],
            node["target"],
            node["step"],
            node["wait"],
            node["packed"],
            node["last"],
        )


def check_option(node: Mapping[str, Any]) -> tuple[str, str] | None:
    """``None`` when an agent's ``option`` tree is fine, else ``(key, problem)``."""
    a = node.get("active")
    if isinstance(a, int) and a != -1 and not 1 <= a < 8:
        return "active", f"expected -1 or 1..7, got {a}"
    last = node.get("last")
    if isinstance(last, str) and last not in OUTCOMES:
        return "last", f"expected none, success, failure or abandoned, got '{last}'"
    return None
