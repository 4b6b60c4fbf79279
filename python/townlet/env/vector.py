"""``VectorTownlet``: many towns stepped in one call (learning.md 4.4).

Each town has ``S = env.max_population`` seats; row ``i * S + s`` of every buffer is
seat ``s`` of town ``i``. A step writes every town's observations, outcomes and
reward inputs into flat buffers (the native backend in one GIL-free Rust call over a
thread pool), then computes the rewards of all rows with one array call.

    vec = VectorTownlet(64, config, "hybrid", "option", seed=0)
    obs, infos = vec.reset()
    obs, rewards, terminated, truncated, infos = vec.step(actions)

Rules: a resident that ends at step t leaves its reward and flags in its row and its
last observation in ``final_*``; the row already shows the next occupant (``ctx_reset``
set) or a vacant row (``alive`` 0, ``uid`` -1). At ``env.max_ticks`` every town
truncates its residents and rebuilds from its next seed (``town_reset``). Everything
handed out is a read-only view, valid until the next ``step``/``reset``.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from townlet.core.types import (
    ActionMode,
    ObservationBatch,
    ObservationBuffers,
    ObservationSpec,
    RowFlags,
)
from townlet.env.scenario import env_config
from townlet.env.vector_buffers import RowShape, vector_buffers
from townlet.env.vector_kpi import StepRows, VectorKpi
from townlet.env.vector_python import PythonVector
from townlet.errors import ProviderError, SimulationError
from townlet.rewards.params import STAGES
from townlet.rewards.rows import row_rewards
from townlet.rewards.social import AvoidMemory, chat_terms
from townlet.rewards.tree import TreeRows
from townlet.world.layout import CONTROL_FEATURES
from townlet.world.obs_context import ObsSettings
from townlet.world.observe import observation_spec
from townlet.world.rng import SplitMix64

__all__ = ["VectorTownlet"]

Backend = Literal["auto", "native", "python"]

_REASONS = ("", "faint", "eviction", "killed")
"""``terminal`` row flag -> termination reason."""

_CHAT_EVENTS = frozenset({"chat_succeeded", "chat_failed"})
"""Events the chat terms read (stage C1 and later)."""

_CORE_BUFFERS = (
    "actions",
    "map",
    "features",
    "action_mask",
    "ctx_reset",
    "alive",
    "uid",
    "final_map",
    "final_features",
    "terminated",
    "truncated",
    "needs_before",
    "needs_after",
    "wages",
    "hunger_low_ticks",
    "exit_pending",
    "shift_start",
    "shift_absent",
    "terminal",
    "spawned",
    "town_reset",
)
"""The buffers the backend writes (rewards are written here)."""


def _readonly(array: npt.NDArray[Any] | None) -> Any:
    """A read-only view of ``array`` (None stays None)."""
    if array is None:
        return None
    view = array.view()
    view.flags.writeable = False
    return view


_OPTION_FEATURES = CONTROL_FEATURES[:7]
"""The active-option one-hot columns ``opt_get_fed`` .. ``opt_go_home`` (ids 1-7)."""
_OPTION_IDS = np.arange(1.0, 8.0)


class VectorTownlet:
    """``num_towns`` towns behind one batched API (learning.md 4.4).

    Args:
        num_towns: T >= 1.
        config: a ``TownletConfig``, a YAML path or None (packaged default).
        variant: ``full``, ``hybrid`` or ``compact`` (None: the config's).
        action_mode: ``option`` or ``primitive`` (None: the config's).
        seed: the master seed of the first ``reset()`` without a seed.
        num_threads: worker threads of the native backend (0 = one per core).
        buffers: caller-owned arrays by name (learning.md 4.4 table), checked once.
        backend: ``auto`` (native when built), ``native`` or ``python``.
        keep_events: also read each town's events every step (``events(i)``; exact
            ``attendance`` and ``presence`` KPIs). Social stages C1 and later keep
            them anyway (the chat terms read them).

    Raises:
        ConfigError: invalid config.
        ProviderError: bad sizes, buffers or backend.
    """

    def __init__(
        self,
        num_towns: int,
        config: Any = None,
        variant: str | None = None,
        action_mode: ActionMode | None = None,
        seed: int | None = None,
        num_threads: int = 0,
        buffers: Mapping[str, Any] | None = None,
        backend: Backend = "auto",
        *,
        keep_events: bool = False,
    ) -> None:
        from townlet.config import world_settings
        from townlet.rewards import RewardParams

        cfg = env_config(config)
        if int(num_towns) < 1:
            raise ProviderError(f"num_towns: expected at least 1, got {num_towns}")
        settings: dict[str, Any] = world_settings(cfg)
        mode: ActionMode = action_mode or cfg.actions.mode
        settings.setdefault("actions", {})["mode"] = mode
        self.variant: str = variant or cfg.observations.variant
        layout = ObsSettings.parse(settings.get("observations")).layout
        self.spec: ObservationSpec = observation_spec(self.variant, mode, layout)
        target = int(settings["lifecycle"]["population_target"])
        self.seats: int = cfg.env.seats(target)
        if self.seats < target:
            raise ProviderError(
                f"env.max_population: {self.seats} seats per town is below the "
                f"population target {target}"
            )
        self.num_towns = int(num_towns)
        self.action_mode: ActionMode = mode
        self.max_ticks: int = cfg.env.max_ticks
        self.log_every_ticks: int = cfg.env.log_every_ticks
        self.keep_events = keep_events
        shape = RowShape(
            towns=self.num_towns,
            seats=self.seats,
            features=len(self.spec.features),
            actions=self.spec.num_actions,
            map_shape=self.spec.map_shape,
        )
        self._b = vector_buffers(shape, buffers)
        self.backend: str = self._backend(backend)
        core = {name: self._b.get(name) for name in _CORE_BUFFERS}
        if self.backend == "native":
            native = importlib.import_module("townlet._native")
            channels = 0 if self.spec.map_shape is None else self.spec.map_shape[0]
            self._core: Any = native.Vector(
                json.dumps(settings, allow_nan=False),
                self.num_towns,
                self.seats,
                self.max_ticks,
                mode,
                channels,
                int(num_threads),
            )
        else:
            self._core = PythonVector(
                settings, self.num_towns, self.seats, self.max_ticks, mode, self.spec
            )
        self._core.bind(core)
        self._rewards = RewardParams.from_config(cfg)
        self.stage: str = self._rewards.rewards.social_stage
        self._avoid = [AvoidMemory() for _ in range(self.num_towns)]
        self._flags = RowFlags(
            self._b["hunger_low_ticks"],
            self._b["exit_pending"],
            self._b["shift_start"],
            self._b["shift_absent"],
            self._b["terminal"],
            self._b["spawned"],
        )
        self._seed = int(cfg.seed if seed is None else seed)
        self._seeds: SplitMix64 | None = None
        self._returns = np.zeros(shape.rows, dtype=np.float64)
        self._lengths = np.zeros(shape.rows, dtype=np.int64)
        self._prev_uid = np.full(shape.rows, -1, dtype=np.int64)
        self._tick = 0
        self._steps = 0
        jobs = {job.id: int(job.shift_length) for job in cfg.world.jobs}
        self._kpi = VectorKpi(self.num_towns, self.seats, jobs)
        where = {name: i for i, name in enumerate(self.spec.features)}
        self._opt_cols = (
            np.array([where[n] for n in _OPTION_FEATURES], dtype=np.intp)
            if self.spec.action_mode == "option"
            and all(n in where for n in _OPTION_FEATURES)
            else None
        )
        b = self._b
        self._views = {name: _readonly(array) for name, array in b.items()}
        self._obs_buffers = ObservationBuffers(
            action_mask=self._views["action_mask"],
            features=self._views["features"],
            map=self._views.get("map"),
            ctx_reset=self._views["ctx_reset"],
            alive=self._views["alive"],
            uid=self._views["uid"],
        )
        self._row_ids = tuple(
            f"town_{row // self.seats}/seat_{row % self.seats}"
            for row in range(self.num_rows)
        )

    def _backend(self, backend: str) -> str:
        """Resolve ``auto``; refuse unknown names and a missing extension."""
        if backend not in ("auto", "native", "python"):
            raise ProviderError(
                f"backend: expected auto, native or python, got {backend!r}"
            )
        if backend == "python":
            return "python"
        try:
            importlib.import_module("townlet._native")
        except ImportError:
            if backend == "native":
                raise ProviderError(
                    "native world unavailable: townlet._native is not built; "
                    "run 'make build' (or use backend='python')"
                ) from None
            return "python"
        return "native"

    @property
    def num_rows(self) -> int:
        """N = num_towns * seats."""
        return self.num_towns * self.seats

    @property
    def buffers(self) -> Mapping[str, Any]:
        """Read-only views of every buffer by name."""
        return self._views

    @property
    def actions(self) -> npt.NDArray[np.int32]:
        """The writable ``(N,)`` int32 actions buffer ``step()`` reads by default."""
        return self._b["actions"]

    def set_stage(self, stage: str) -> None:
        """Switch the social reward stage (``off``, ``C1``, ``C2``, ``C3``).

        Raises:
            SimulationError: for an unknown stage.
        """
        if stage not in STAGES:
            raise SimulationError(f"rewards.social_stage: unknown stage {stage!r}")
        self.stage = stage

    @property
    def _social_on(self) -> bool:
        """Whether the stage pays chat terms (C1 and later)."""
        return bool(self._rewards.stage_at_least(self.stage, "C1"))

    def events(self, town: int) -> list[dict[str, Any]]:
        """Town ``town``'s events of the last step (``keep_events`` only)."""
        events: list[dict[str, Any]] = self._core.events(town)
        return events

    def state_hash(self, town: int) -> str:
        """Hex sha256 of town ``town``'s world state."""
        return str(self._core.state_hash(town))

    def _batch(self) -> ObservationBatch:
        """The observation batch of the current buffers (views)."""
        return ObservationBatch(
            tick=self._tick,
            agent_ids=self._row_ids,
            buffers=self._obs_buffers,
            spec=self.spec,
        )

    def _master_seed(self, seed: int | None) -> int:
        """learning.md 4.1 rule 3: an explicit seed, else the next SplitMix64 output
        of the last explicit seed (the first reset uses the constructor's seed)."""
        if seed is not None:
            self._seed = int(seed)
            self._seeds = SplitMix64(self._seed)
            return self._seed
        if self._seeds is None:
            self._seeds = SplitMix64(self._seed)
            return self._seed
        return self._seeds.next_u64()

    def reset(
        self, seed: int | None = None
    ) -> tuple[ObservationBatch, list[dict[str, Any]]]:
        """Build every town and return the first observations and per-town infos."""
        master = self._master_seed(seed)
        if not 0 <= master < 1 << 64:
            raise ProviderError(f"seed: expected an int in [0, 2**64), got {master}")
        self._core.reset(master)
        b = self._b
        b["rewards"].fill(0.0)
        b["reward_components"].fill(0.0)
        self._returns.fill(0.0)
        self._lengths.fill(0)
        np.copyto(self._prev_uid, b["uid"])
        self._tick = 0
        self._kpi.restart()
        self._avoid = [AvoidMemory() for _ in range(self.num_towns)]
        infos = [{"episodes": [], "town_reset": True} for _ in range(self.num_towns)]
        return self._batch(), infos

    def step(
        self, actions: npt.ArrayLike | None = None
    ) -> tuple[
        ObservationBatch,
        npt.NDArray[np.float32],
        npt.NDArray[np.bool_],
        npt.NDArray[np.bool_],
        list[dict[str, Any]],
    ]:
        """One step of every town; ``actions`` (N,) ids, or None for the buffer."""
        b = self._b
        if actions is not None:
            given = np.asarray(actions)
            if given.shape != (self.num_rows,):
                raise ProviderError(
                    f"actions: expected shape ({self.num_rows},), got {given.shape}"
                )
            np.copyto(b["actions"], given, casting="unsafe")
        abandoned = self._abandoned()
        keep = self.keep_events or self._social_on
        self._core.step(keep)
        self._compute_rewards()
        live = ~b["spawned"]
        self._returns += b["rewards"]
        self._lengths += live
        ended = b["terminated"] | b["truncated"]
        infos = self._infos(ended)
        self._tick = 0 if b["town_reset"].any() else self._tick + 1
        events = (
            [self._core.events(i) for i in range(self.num_towns)]
            if self.keep_events
            else None
        )
        self._kpi.add(
            StepRows(
                live=live,
                needs_after=b["needs_after"],
                terminal=b["terminal"],
                shift_start=b["shift_start"],
                shift_absent=b["shift_absent"],
                rewards=b["rewards"],
                ended=ended,
                abandoned=abandoned,
            ),
            events,
        )
        if self._tick and self._tick % self.log_every_ticks == 0:
            for info, kpi in zip(infos, self._kpi.flush(), strict=True):
                info["kpi"] = kpi
        np.copyto(self._prev_uid, b["uid"])
        v = self._views
        return self._batch(), v["rewards"], v["terminated"], v["truncated"], infos

    def _abandoned(self) -> npt.NDArray[np.bool_] | None:
        """Rows about to leave their active option (option mode; KPI
        ``option_switch_rate``), from the observation the actions were chosen on."""
        if self._opt_cols is None:
            return None
        b = self._b
        opt = b["features"].take(self._opt_cols, axis=1)
        active = np.rint(opt @ _OPTION_IDS).astype(np.int64)
        switched: npt.NDArray[np.bool_] = (
            (active > 0) & (active != b["actions"]) & b["alive"]
        )
        return switched

    def _compute_rewards(self) -> None:
        """Rewards of every row in one array call (vacant and newly seated rows read
        as spawned: 0); from stage C1 the chat columns come from each town's events."""
        b = self._b
        comps, total = row_rewards(
            self._rewards,
            b["needs_before"],
            b["needs_after"],
            b["wages"],
            self._flags,
            self._social() if self._social_on else None,
        )
        b["reward_components"][...] = comps
        b["rewards"][...] = total

    def _social(self) -> npt.NDArray[np.float64]:
        """The chat, chat_fail and avoid columns of every row (learning.md 3.4).

        Rows are seats; each seat's resident is the one seated before the step. The
        ties come from the town's state tree after the step, read only on a tick
        with a chat event; a town that rolled over this step has rebuilt its world,
        so its last tick pays no chat terms (its chat_failed and avoid terms stand).
        """
        p, s, stage = self._rewards, self.seats, self.stage
        b = self._b
        out = np.zeros((self.num_rows, 3), dtype=np.float64)
        tick = self._tick + 1
        resets = b["town_reset"].tolist()
        for town in range(self.num_towns):
            events = self._core.events(town)
            rows = slice(town * s, (town + 1) * s)
            uids = self._prev_uid[rows].tolist()
            ids = [f"agent_{u}" if u >= 0 else "" for u in uids]
            if any(e["name"] in _CHAT_EVENTS for e in events):
                if resets[town]:
                    events = [e for e in events if e["name"] != "chat_succeeded"]
                    agents: list[Any] = [{"ties": []} for _ in uids]
                else:
                    tree = self._core.export_state(town)
                    nodes = {int(a["uid"]): a for a in tree["agents"]}
                    agents = [nodes.get(u, {"ties": []}) for u in uids]
                seat_rows = TreeRows(ids, uids, agents)
                out[rows, 0], out[rows, 1] = chat_terms(
                    events, seat_rows, b["needs_after"][rows], p, stage
                )
            if p.stage_at_least(stage, "C2"):
                out[rows, 2] = self._avoid[town].terms(
                    tick, events, ids, p.rewards.C2_avoid
                )
            if resets[town]:
                self._avoid[town] = AvoidMemory()
        return out

    def _infos(self, ended: npt.NDArray[np.bool_]) -> list[dict[str, Any]]:
        """Per-town infos with the episode records of the rows that ended."""
        b = self._b
        resets = b["town_reset"].tolist()
        infos: list[dict[str, Any]] = [
            {"episodes": [], "town_reset": reset} for reset in resets
        ]
        rows = np.flatnonzero(ended)
        if rows.size:
            s = self.seats
            terminal = b["terminal"][rows].tolist()
            truncated = b["truncated"][rows].tolist()
            uids = self._prev_uid[rows].tolist()
            returns = self._returns[rows].tolist()
            lengths = self._lengths[rows].tolist()
            for k, row in enumerate(rows.tolist()):
                reason = "truncated" if truncated[k] else _REASONS[terminal[k]]
                infos[row // s]["episodes"].append(
                    {
                        "uid": uids[k],
                        "seat": row % s,
                        "return": returns[k],
                        "length": lengths[k],
                        "reason": reason,
                    }
                )
            self._returns[rows] = 0.0
            self._lengths[rows] = 0
        return infos
