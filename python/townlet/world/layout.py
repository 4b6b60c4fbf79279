"""The observation layout: names, bounds, blocks and fingerprint (learning.md 1.9).

Mirror of ``rust/townlet-core/src/layout``: the same tables under the same names, and
one function, :func:`observation_layout`, that turns the config-dependent parameters
(:class:`LayoutParams`), a variant and an action mode into an
:class:`ObservationLayout`. The fingerprint proves both languages agree: it is the hex
sha256 of :meth:`ObservationLayout.canonical_json`, whose bytes are defined exactly
(sorted keys, no whitespace, tuples as arrays, bounds as the integers -1, 0, 1, UTF-8
strings with only ``"``, ``\\`` and control characters escaped). The identity
embeddings of the social snippet (learning.md 1.6) live here too. ``observe`` writes
this layout (``obs_features``, ``obs_map``; docs/world-state.md section 10).

>>> layout = observation_layout(LayoutParams(), "hybrid", "option")
>>> len(layout.features), layout.map_shape
(146, (6, 11, 11))
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from townlet.core.types import REWARD_COMPONENTS
from townlet.errors import ConfigError, ProviderError

__all__ = [
    "CATEGORIES",
    "FULL_CHANNELS",
    "HYBRID_CHANNELS",
    "MAX_EMBED_DIM",
    "OBS_SCHEMA_VERSION",
    "OPTION_ACTIONS",
    "PRIMITIVE_ACTIONS",
    "REWARD_COMPONENTS",
    "VARIANTS",
    "LayoutParams",
    "ObservationLayout",
    "embedding_table",
    "observation_layout",
    "slot_embedding",
]

OBS_SCHEMA_VERSION = 1
"""Layout version: bumps on any change of name, order, definition or normalisation."""

VARIANTS = ("full", "hybrid", "compact")
MAX_EMBED_DIM = 32

FULL_CHANNELS = (
    "self", "agents", "wall", "door", "outdoor", "obj_food", "obj_hygiene",
    "obj_rest", "obj_work", "obj_shop", "obj_other", "interact", "in_use", "queue",
    "rival", "friend", "home", "workplace",
)  # fmt: skip
HYBRID_CHANNELS = ("self", "agents", "blocked", "interact", "in_use", "rival")
CATEGORIES = ("food", "hygiene", "rest", "work", "shop")
OPTION_ACTIONS = (
    "Wait", "GetFed", "GetClean", "Sleep", "Work", "ShopGroceries", "Socialise",
    "GoHome",
)  # fmt: skip
PRIMITIVE_ACTIONS = (
    "wait", "move_n", "move_e", "move_s", "move_w", "sleep", "wash", "cook",
    "take_meal", "take_raw_food", "store_meal", "store_raw_food", "buy_meal",
    "buy_raw_food", "rest", "eat_meal", "eat_raw_food", "chat", "release",
)  # fmt: skip
SELF_FEATURES = (
    "hunger", "hygiene", "energy", "wallet", "carry_raw_food", "carry_meal",
    "home_raw_food", "home_meal", "faint_countdown", "busy",
)  # fmt: skip
TIME_FEATURES = ("time_sin", "time_cos", "time_linear")
WORK_FEATURES = (
    "has_job", "on_shift", "shift_off", "shift_awaiting", "shift_on_time",
    "shift_late", "shift_absent", "until_shift_start", "shift_progress",
    "rent_missed", "absences_7d", "exit_pending",
)  # fmt: skip
CONTROL_FEATURES = (
    "opt_get_fed", "opt_get_clean", "opt_sleep", "opt_work", "opt_shop",
    "opt_socialise", "opt_go_home", "option_age", "option_locked",
    "last_option_failed", "last_action_ok", "in_queue", "queue_position",
    "reservation_active", "since_chat", "ctx_reset",
)  # fmt: skip
TARGET_KINDS = ("home", "fridge", "stove", "shower", "work", "grocer", "cafe", "park")
TARGET_SUFFIXES = ("n", "e", "s", "w", "dist")
LOCAL_FEATURES = (
    "blocked_n", "blocked_e", "blocked_s", "blocked_w", "agents_here",
    "agents_near", "nearest_agent", "rival_near", "rival_at_target", "friend_near",
)  # fmt: skip
WORLD_FEATURES = ("price_spike", "power_out", "water_out", "meet_invite")
PERSONALITY_FEATURES = ("extroversion", "forgiveness", "ambition")
SLOT_TIE_SUFFIXES = ("trust", "fam", "riv")
SOCIAL_AGG_FEATURES = ("soc_trust_mean", "soc_trust_max", "soc_riv_mean", "soc_riv_max")

Categories = tuple[tuple[str, tuple[str, ...]], ...]

DEFAULT_CATEGORIES: Categories = (
    ("food", ("fridge", "stove", "counter", "table")),
    ("hygiene", ("shower",)),
    ("rest", ("bed", "bench")),
    ("work", ("desk",)),
    ("shop", ("till", "shelf")),
)


def _invalid(path: str, what: str) -> ConfigError:
    return ConfigError(
        f"invalid world settings: {path}: {what}", key=path, code="settings.invalid"
    )


@dataclass(frozen=True)
class LayoutParams:
    """The config-dependent parameters of the layout (``observations.*``).

    Attributes:
        window: side of the map window in tiles (odd, 5..21; default 11).
        top_friends: friend slots of the social snippet (0..4; default 2).
        top_rivals: rival slots of the social snippet (0..4; default 2).
        embed_dim: identity embedding width E (1..32; default 8).
        object_categories: category -> object types, all five in ``CATEGORIES`` order.
    """

    window: int = 11
    top_friends: int = 2
    top_rivals: int = 2
    embed_dim: int = 8
    object_categories: Categories = DEFAULT_CATEGORIES

    @classmethod
    def from_json(cls, text: str) -> LayoutParams:
        """Parse the JSON object the native binding takes; a missing key is default.

        Raises:
            ConfigError: code ``settings.invalid`` for an unknown key or bad value.

        >>> LayoutParams.from_json('{"window": 7}').window
        7
        """
        raw = json.loads(text)
        unknown = sorted(set(raw) - set(cls.__dataclass_fields__))
        if unknown:
            raise _invalid("observations", f"unknown field `{unknown[0]}`")
        params = cls(**{k: v for k, v in raw.items() if k != "object_categories"})
        if "object_categories" in raw:
            params = replace(
                params, object_categories=_categories(raw["object_categories"])
            )
        params.check()
        return params

    @classmethod
    def from_config(cls, config: Any) -> LayoutParams:
        """The parameters of a ``TownletConfig`` or its ``observations`` section."""
        obs = getattr(config, "observations", config)
        return cls(
            window=obs.window,
            top_friends=obs.social.top_friends,
            top_rivals=obs.social.top_rivals,
            embed_dim=obs.social.embed_dim,
            object_categories=_categories(obs.object_categories),
        )

    def check(self) -> None:
        """Raise ``ConfigError`` (``settings.invalid``) naming the first bad value."""
        problems = []
        if not 5 <= self.window <= 21 or self.window % 2 == 0:
            problems.append(("window", f"expected odd 5..21, got {self.window}"))
        for key, value in (
            ("social.top_friends", self.top_friends),
            ("social.top_rivals", self.top_rivals),
        ):
            if not 0 <= value <= 4:
                problems.append((key, f"expected 0..4, got {value}"))
        if not 1 <= self.embed_dim <= MAX_EMBED_DIM:
            problems.append(
                ("social.embed_dim", f"expected 1..32, got {self.embed_dim}")
            )
        if problems:
            key, what = problems[0]
            err = _invalid(f"observations.{key}", what)
            err.errors = [f"observations.{k}: {w}" for k, w in problems]
            raise err

    def to_json(self) -> str:
        """The JSON object :meth:`from_json` (and the native binding) reads."""
        return json.dumps(
            {
                "window": self.window,
                "top_friends": self.top_friends,
                "top_rivals": self.top_rivals,
                "embed_dim": self.embed_dim,
                "object_categories": {c: list(t) for c, t in self.object_categories},
            }
        )

    def social_slots(self) -> list[str]:
        """Social slot names: ``friend0``.. then ``rival0``.. (learning.md 1.6)."""
        friends = [f"friend{i}" for i in range(self.top_friends)]
        return friends + [f"rival{i}" for i in range(self.top_rivals)]


def _categories(given: Mapping[str, Sequence[str]]) -> Categories:
    unknown = [c for c in given if c not in CATEGORIES]
    if unknown:
        raise _invalid(
            "observations.object_categories", f"unknown category '{unknown[0]}'"
        )
    return tuple((c, tuple(given.get(c, ()))) for c in CATEGORIES)


@dataclass(frozen=True)
class ObservationLayout:
    """Everything ``world.observe`` writes, by name (learning.md 1.9).

    Attributes:
        schema_version: ``OBS_SCHEMA_VERSION``.
        variant: ``full``, ``hybrid`` or ``compact``.
        map_shape: ``(C, H, W)``, or ``None`` for compact.
        map_channels: map channel names in order.
        features: feature names in order; ``F = 98 + S * (E + 3) + 4``.
        feature_bounds: ``(lo, hi)`` per feature; every bound is -1, 0 or 1.
        blocks: block name -> ``(start, stop)``, in feature order.
        action_mode: ``option`` or ``primitive``.
        action_names: action names in id order.
        reward_components: reward component names in assembly order.
        object_categories: category -> object types, in ``CATEGORIES`` order.
        fingerprint: hex sha256 of :meth:`canonical_json`.
    """

    schema_version: int
    variant: str
    map_shape: tuple[int, int, int] | None
    map_channels: tuple[str, ...]
    features: tuple[str, ...]
    feature_bounds: tuple[tuple[float, float], ...]
    blocks: tuple[tuple[str, tuple[int, int]], ...]
    action_mode: str
    action_names: tuple[str, ...]
    reward_components: tuple[str, ...]
    object_categories: Categories
    fingerprint: str = field(default="")

    def _tree(self, integral_bounds: bool) -> dict[str, Any]:
        def bound(value: float) -> float | int:
            # Every bound is -1, 0 or 1; integers keep the bytes language-neutral.
            return int(value) if integral_bounds else float(value)

        return {
            "action_mode": self.action_mode,
            "action_names": list(self.action_names),
            "blocks": {name: [start, stop] for name, (start, stop) in self.blocks},
            "feature_bounds": [
                [bound(lo), bound(hi)] for lo, hi in self.feature_bounds
            ],
            "features": list(self.features),
            "map_channels": list(self.map_channels),
            "map_shape": list(self.map_shape) if self.map_shape is not None else None,
            "object_categories": {c: list(t) for c, t in self.object_categories},
            "reward_components": list(self.reward_components),
            "schema_version": self.schema_version,
            "variant": self.variant,
        }

    def canonical_json(self) -> str:
        """The canonical JSON that the fingerprint hashes (every field but it).

        >>> layout = observation_layout(LayoutParams(), "compact", "primitive")
        >>> layout.canonical_json()[:30]
        '{"action_mode":"primitive","ac'
        """
        return json.dumps(
            self._tree(True),
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
            allow_nan=False,
        )

    def to_json(self) -> dict[str, Any]:
        """The export form: every field, ``fingerprint`` included, bounds as floats."""
        tree = self._tree(False)
        tree["fingerprint"] = self.fingerprint
        return tree


def observation_layout(
    config_or_params: Any, variant: str, mode: str
) -> ObservationLayout:
    """The layout of ``variant`` in action ``mode`` (learning.md 1.9).

    Args:
        config_or_params: a :class:`LayoutParams`, a ``TownletConfig`` or its
            ``observations`` section, or ``None`` for the defaults.
        variant: ``full``, ``hybrid`` or ``compact``.
        mode: ``option`` or ``primitive``.

    Raises:
        ProviderError: for an unknown variant or mode.
    """
    if config_or_params is None:
        params = LayoutParams()
    elif isinstance(config_or_params, LayoutParams):
        params = config_or_params
    else:
        params = LayoutParams.from_config(config_or_params)
    channels: tuple[str, ...]
    actions: tuple[str, ...]
    if variant == "full":
        channels = FULL_CHANNELS
    elif variant == "hybrid":
        channels = HYBRID_CHANNELS
    elif variant == "compact":
        channels = ()
    else:
        raise ProviderError(
            "observation variant: expected one of full, hybrid, compact, "
            f"got '{variant}'"
        )
    if mode == "option":
        actions = OPTION_ACTIONS
    elif mode == "primitive":
        actions = PRIMITIVE_ACTIONS
    else:
        raise ProviderError(f"mode: expected 'option' or 'primitive', got '{mode}'")
    features, bounds, blocks = _feature_layout(params)
    window = params.window
    layout = ObservationLayout(
        schema_version=OBS_SCHEMA_VERSION,
        variant=variant,
        map_shape=(len(channels), window, window) if channels else None,
        map_channels=channels,
        features=features,
        feature_bounds=bounds,
        blocks=blocks,
        action_mode=mode,
        action_names=actions,
        reward_components=REWARD_COMPONENTS,
        object_categories=params.object_categories,
    )
    digest = hashlib.sha256(layout.canonical_json().encode("utf-8")).hexdigest()
    return replace(layout, fingerprint=digest)


def _feature_layout(
    params: LayoutParams,
) -> tuple[
    tuple[str, ...],
    tuple[tuple[float, float], ...],
    tuple[tuple[str, tuple[int, int]], ...],
]:
    names: list[str] = []
    bounds: list[tuple[float, float]] = []
    blocks: list[tuple[str, tuple[int, int]]] = []

    def push_block(block: str, items: Sequence[str], lo: float) -> None:
        start = len(names)
        for name in items:
            # time_sin and time_cos are the only signed values before personality.
            signed = name in ("time_sin", "time_cos")
            bounds.append((-1.0 if signed else lo, 1.0))
            names.append(name)
        blocks.append((block, (start, len(names))))

    targets = [f"{k}_{s}" for k in TARGET_KINDS for s in TARGET_SUFFIXES]
    social = [
        name
        for slot in params.social_slots()
        for name in (
            *(f"soc_{slot}_e{k}" for k in range(params.embed_dim)),
            *(f"soc_{slot}_{s}" for s in SLOT_TIE_SUFFIXES),
        )
    ]
    push_block("self", SELF_FEATURES, 0.0)
    push_block("time", TIME_FEATURES, 0.0)
    push_block("work", WORK_FEATURES, 0.0)
    push_block("control", CONTROL_FEATURES, 0.0)
    push_block("targets", targets, 0.0)
    push_block("local", LOCAL_FEATURES, 0.0)
    push_block("world", WORLD_FEATURES, 0.0)
    push_block("personality", PERSONALITY_FEATURES, -1.0)
    push_block("social", social, -1.0)
    push_block("social_agg", SOCIAL_AGG_FEATURES, -1.0)
    return tuple(names), tuple(bounds), tuple(blocks)


def slot_embedding(slot: int, embed_dim: int) -> list[float]:
    """The first ``embed_dim`` components of a slot's embedding (learning.md 1.6).

    Component ``k`` is byte ``k`` of BLAKE2s-256 of ``townlet.slot.<slot>``, / 255.

    >>> [round(v * 255) for v in slot_embedding(0, 4)]
    [42, 105, 6, 198]
    """
    digest = hashlib.blake2s(f"townlet.slot.{slot}".encode("ascii")).digest()
    return [byte / 255.0 for byte in digest[: min(embed_dim, MAX_EMBED_DIM)]]


def embedding_table(slots: int, embed_dim: int) -> list[list[float]]:
    """The embedding table: one row of ``embed_dim`` components per slot.

    >>> len(embedding_table(64, 8)), len(embedding_table(64, 8)[63])
    (64, 8)
    """
    return [slot_embedding(s, embed_dim) for s in range(slots)]
