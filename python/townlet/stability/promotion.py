"""Release, shadow candidate, promotion and rollback (learning.md 8.2).

:class:`PromotionManager` is bookkeeping: it is told how each window of the live
release and of the shadow candidate went, and decides. States::

    monitoring --(required_passes consecutive passing candidate windows)-->
    candidate_ready --(auto_promote, or promote())--> promoted

A failed candidate window, a new candidate, a manual swap or a rollback reset the
streak to 0. The live release rolls back to the previous release after
``rollback_failed_windows`` consecutive failed windows, or at once after a window
with at least ``rollback_starvation_incidents`` starvation incidents; the failed
release is quarantined (never promoted automatically again). With no previous
release (the initial ``scripted`` one) there is nothing to roll back to, so the
release stays and keeps counting failed windows.

Every transition appends ``{tick, event, release, candidate, reason}`` to the last
``history`` entries and, when a journal path is given, to ``promotion.jsonl``.

>>> m = PromotionManager(ReleaseIdentity("scripted"))
>>> m.set_candidate(ReleaseIdentity("ppo", "ab12"), tick=0)
>>> m.candidate_window(999, 0, passed=True)
'pass'
>>> m.candidate_window(1999, 1, passed=True), m.state, m.release.provider
('pass', 'promoted', 'ppo')
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from townlet.config.stability import PromotionConfig
from townlet.errors import TownletError
from townlet.stability.identity import ReleaseIdentity, scorecard_failures

__all__ = ["PromotionError", "PromotionManager", "PromotionState"]

PromotionState = Literal["monitoring", "candidate_ready", "promoted"]
STATES: tuple[str, ...] = ("monitoring", "candidate_ready", "promoted")


class PromotionError(TownletError):
    """A promotion request that the manager's state does not allow."""


def _identity(data: Any) -> ReleaseIdentity | None:
    return None if data is None else ReleaseIdentity.from_dict(data)


def _dict(identity: ReleaseIdentity | None) -> dict[str, Any] | None:
    return None if identity is None else identity.as_dict()


class PromotionManager:
    """Decides promotions and rollbacks from window results.

    Args:
        release: the live release (initially ``scripted``).
        config: the ``stability.promotion`` section (defaults when ``None``).
        journal: ``promotion.jsonl`` to append transitions to (``None``: none).
    """

    def __init__(
        self,
        release: ReleaseIdentity,
        config: PromotionConfig | None = None,
        *,
        journal: str | Path | None = None,
    ) -> None:
        self.config = config or PromotionConfig()
        self.journal = None if journal is None else Path(journal)
        self.release = release
        self.previous: ReleaseIdentity | None = None
        self.candidate: ReleaseIdentity | None = None
        self.state: PromotionState = "monitoring"
        self.pass_streak = 0
        self.release_fail_streak = 0
        self.last_result: str | None = None
        self.last_window: int | None = None
        self.quarantined: list[str] = []
        self.history: deque[dict[str, Any]] = deque(maxlen=self.config.history)

    # -- queries ---------------------------------------------------------------

    def is_quarantined(self, identity: ReleaseIdentity) -> bool:
        """Whether ``identity`` was quarantined by a rollback."""
        return identity.key() in self.quarantined

    # -- candidate -------------------------------------------------------------

    def set_candidate(self, candidate: ReleaseIdentity | None, tick: int) -> None:
        """Start (or stop, with ``None``) shadowing a candidate; resets the streak."""
        self.candidate = candidate
        self.pass_streak = 0
        self.state = "monitoring"

    def candidate_window(
        self,
        tick: int,
        window: int,
        *,
        passed: bool,
        scorecard: Mapping[str, Any] | None = None,
        release_scorecard: Mapping[str, Any] | None = None,
        profile: str | None = "default",
    ) -> str:
        """Account one evaluation window of the shadow candidate (rule 2).

        Args:
            tick: the tick the window closed on.
            window: the window number.
            passed: whether the window rule of 8.1 passed.
            scorecard: the candidate's KPIs over the window (``None``: not judged).
            release_scorecard: the release's KPIs on the same seeds.
            profile: the 5.4 target profile for ``scorecard``.

        Returns:
            ``pass`` or ``fail``.

        Raises:
            PromotionError: no candidate is set.
        """
        if self.candidate is None:
            raise PromotionError("candidate_window: no candidate; call set_candidate")
        ok = passed
        if ok and scorecard is not None:
            ok = not scorecard_failures(
                scorecard,
                release_scorecard,
                tolerance=self.config.kpi_tolerance,
                profile=profile,
            )
        self.last_result = "pass" if ok else "fail"
        self.last_window = window
        if not ok:
            self.pass_streak = 0
            if self.state == "candidate_ready":
                self.state = "monitoring"
            return self.last_result
        self.pass_streak += 1
        if self.pass_streak >= self.config.required_passes:
            self.state = "candidate_ready"
            quarantined = self.is_quarantined(self.candidate)
            if self.config.auto_promote and not quarantined:
                self.promote(tick, reason=f"{self.pass_streak} passing windows")
        return self.last_result

    def promote(self, tick: int, reason: str = "manual") -> None:
        """Make the ready candidate the release; the old one becomes the rollback
        target.

        Raises:
            PromotionError: no candidate, or it is not ``candidate_ready``.
        """
        if self.candidate is None or self.state != "candidate_ready":
            raise PromotionError(
                f"promote: expected a candidate in state candidate_ready, got "
                f"state {self.state} with candidate {_dict(self.candidate)}"
            )
        candidate = self.candidate
        self._record(tick, "promoted", reason)
        self.previous, self.release = self.release, candidate
        self.candidate = None
        self.pass_streak = 0
        self.release_fail_streak = 0
        self.state = "promoted"

    def swap(self, release: ReleaseIdentity, tick: int, reason: str = "manual") -> None:
        """Replace the live release by hand (quarantine does not stop this)."""
        self.previous, self.release = self.release, release
        self.pass_streak = 0
        self.release_fail_streak = 0
        self.state = "monitoring"
        self._record(tick, "swap", reason)

    # -- live release ----------------------------------------------------------

    def release_window(
        self, tick: int, window: int, *, passed: bool, starvation_incidents: int = 0
    ) -> bool:
        """Account one window of the live release; roll back when rule 4 says so.

        Returns:
            Whether the release was rolled back.
        """
        self.release_fail_streak = 0 if passed else self.release_fail_streak + 1
        starving = starvation_incidents >= self.config.rollback_starvation_incidents
        failing = self.release_fail_streak >= self.config.rollback_failed_windows
        if not (starving or failing) or self.previous is None:
            return False
        if starving:
            reason = f"window {window}: {starvation_incidents} starvation incidents"
        else:
            reason = f"window {window}: {self.release_fail_streak} failed windows"
        self.rollback(tick, reason)
        return True

    def rollback(self, tick: int, reason: str = "manual") -> None:
        """Restore the previous release and quarantine the live one.

        Raises:
            PromotionError: there is no previous release.
        """
        if self.previous is None:
            raise PromotionError("rollback: there is no previous release")
        failed = self.release
        self.release, self.previous = self.previous, None
        self._record(tick, "rollback", reason)
        if failed.key() not in self.quarantined:
            self.quarantined.append(failed.key())
        self._record(tick, "quarantined", reason, subject=failed)
        self.pass_streak = 0
        self.release_fail_streak = 0
        self.state = "monitoring"

    # -- records ---------------------------------------------------------------

    def _record(
        self,
        tick: int,
        event: str,
        reason: str,
        subject: ReleaseIdentity | None = None,
    ) -> None:
        entry = {
            "tick": tick,
            "event": event,
            "release": _dict(subject or self.release),
            "candidate": _dict(self.candidate),
            "reason": reason,
        }
        self.history.append(entry)
        if self.journal is not None:
            self.journal.parent.mkdir(parents=True, exist_ok=True)
            with self.journal.open("a", encoding="utf-8") as out:
                out.write(json.dumps(entry, sort_keys=True) + "\n")

    def telemetry(self) -> dict[str, Any]:
        """The ``promotion`` part of the telemetry section ``stability``."""
        return {
            "state": self.state,
            "release": self.release.as_dict(),
            "candidate": _dict(self.candidate),
            "pass_streak": self.pass_streak,
            "required_passes": self.config.required_passes,
            "last_result": self.last_result,
            "last_window": self.last_window,
            "history": list(self.history),
        }

    def export_state(self) -> dict[str, Any]:
        """Everything needed to continue: a JSON-able dict."""
        data = self.telemetry()
        data["previous"] = _dict(self.previous)
        data["release_fail_streak"] = self.release_fail_streak
        data["quarantined"] = list(self.quarantined)
        return data

    def import_state(self, data: Mapping[str, Any]) -> None:
        """Restore :meth:`export_state` (the config and journal stay as built).

        Raises:
            ValueError: a key is missing or a value is invalid.
        """
        try:
            state = str(data["state"])
            if state not in STATES:
                raise ValueError(f"state: expected one of {list(STATES)}, got {state}")
            release = ReleaseIdentity.from_dict(data["release"])
            history = [dict(e) for e in data["history"]]
            self.previous = _identity(data["previous"])
            self.candidate = _identity(data["candidate"])
            self.pass_streak = int(data["pass_streak"])
            self.release_fail_streak = int(data["release_fail_streak"])
            self.last_result = data["last_result"]
            self.last_window = data["last_window"]
            self.quarantined = [str(k) for k in data["quarantined"]]
        except KeyError as err:
            raise ValueError(f"promotion state: missing key {err}") from None
        self.release = release
        self.state = state  # type: ignore[assignment]
        self.history = deque(history, maxlen=self.config.history)
