"""Release identity and candidate scorecards (learning.md 8.2 rules 2 and 5).

A release or shadow candidate is identified by ``{provider, policy_hash,
anneal_ratio, obs_fingerprint, config_id}``; :meth:`ReleaseIdentity.key` is its
canonical JSON, used to remember quarantined releases. :func:`scorecard_failures`
is rule 2's scorecard check: the learning.md 5.4 targets, and every ratio KPI no
more than ``tolerance`` (relative) below the release's on the same seeds.

>>> r = ReleaseIdentity("scripted")
>>> ReleaseIdentity.from_dict(r.as_dict()) == r
True
>>> scorecard_failures({"needs_ok_fraction": 0.90}, {"needs_ok_fraction": 1.0},
...                    profile=None)
['needs_ok_fraction = 0.9, want >= 0.95 (release 1.0 - 5%)']
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from townlet.policy.kpi import kpi_failures

__all__ = ["RATIO_KPIS", "ReleaseIdentity", "scorecard_failures"]

RATIO_KPIS = ("needs_ok_fraction", "attendance", "presence")
"""The learning.md 5.4 ratio KPIs a candidate must keep (higher is better)."""


@dataclass(frozen=True)
class ReleaseIdentity:
    """Who drives a town: provider, weights, blend ratio, layout and config.

    Attributes:
        provider: policy provider name (``scripted``, ``ppo``, ``anneal``, ...).
        policy_hash: sha256 of the checkpoint, ``None`` for unlearned policies.
        anneal_ratio: the blend ratio of an ``anneal`` release, else ``None``.
        obs_fingerprint: the observation layout fingerprint (learning.md 1.9).
        config_id: the config identity (operations.md S-1).
    """

    provider: str
    policy_hash: str | None = None
    anneal_ratio: float | None = None
    obs_fingerprint: str = ""
    config_id: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The five fields as a JSON-able dict."""
        return asdict(self)

    def key(self) -> str:
        """Canonical JSON of :meth:`as_dict` (sorted keys, no spaces)."""
        return json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReleaseIdentity:
        """Rebuild an identity from :meth:`as_dict`.

        Raises:
            ValueError: a key is missing or unknown.
        """
        names = {"provider", "policy_hash", "anneal_ratio", "obs_fingerprint"}
        names.add("config_id")
        if set(data) != names:
            raise ValueError(
                f"release identity: expected keys {sorted(names)}, got {sorted(data)}"
            )
        ratio = data["anneal_ratio"]
        return cls(
            provider=str(data["provider"]),
            policy_hash=None
            if data["policy_hash"] is None
            else str(data["policy_hash"]),
            anneal_ratio=None if ratio is None else float(ratio),
            obs_fingerprint=str(data["obs_fingerprint"]),
            config_id=str(data["config_id"]),
        )


def scorecard_failures(
    candidate: Mapping[str, Any],
    release: Mapping[str, Any] | None,
    *,
    tolerance: float = 0.05,
    profile: str | None = "default",
) -> list[str]:
    """The reasons a candidate scorecard fails rule 2 (empty: it passes).

    Args:
        candidate: the candidate's KPIs (learning.md 5.4 names).
        release: the release's KPIs on the same seeds, or ``None`` to skip the
            comparison.
        tolerance: how far (relative) below the release a ratio KPI may be.
        profile: the 5.4 target profile (``default`` or ``calm``); ``None`` skips
            the targets.

    Returns:
        One line per miss.
    """
    out = [] if profile is None else kpi_failures(candidate, profile)
    if release is None:
        return out
    for name in RATIO_KPIS:
        ours, theirs = candidate.get(name), release.get(name)
        if theirs is None:
            continue
        floor = float(theirs) * (1.0 - tolerance)
        if ours is None or float(ours) < floor:
            out.append(
                f"{name} = {ours}, want >= {floor:.4g} (release {theirs} - "
                f"{tolerance:.0%})"
            )
    return out
