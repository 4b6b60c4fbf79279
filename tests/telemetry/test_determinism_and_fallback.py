"""Deterministic content (T-16) and missing optional libraries (architecture.md 3.4)."""

from __future__ import annotations

import sys

import pytest

import townlet
from townlet.core.registry import resolve
from townlet.errors import ProviderError
from townlet.telemetry.reader import read_jsonl

NONDETERMINISTIC = (
    "run_id",
    "seq",
    "base_seq",
    "emitted_at",
    "resync",
    "meta",
    "health",
)


def frames_of(tmp_path, name):
    path = tmp_path / f"{name}.jsonl"
    cfg = townlet.load_config(overrides={"telemetry.world_every_ticks": 7})
    with townlet.build_simulation(cfg, telemetry=f"file:{path}") as sim:
        sim.run(150)
    out = []
    for frame in read_jsonl(path):
        if frame["payload_type"] == "end":
            continue
        for key in NONDETERMINISTIC:
            frame.pop(key, None)
        for event in frame.get("events", ()):
            if event["kind"] == "loop.providers":  # names the run and its file
                event.pop("run_id")
                event.pop("providers")
        out.append(frame)
    return out


def test_two_runs_with_equal_inputs_give_equal_frames(tmp_path):
    first, second = frames_of(tmp_path, "a"), frames_of(tmp_path, "b")
    assert len(first) == 150
    assert first == second


@pytest.mark.parametrize(
    ("name", "module"),
    [("websocket", "websockets"), ("prometheus", "prometheus_client")],
)
def test_missing_library_names_the_extra_or_falls_back(monkeypatch, name, module):
    monkeypatch.setitem(sys.modules, module, None)  # import now fails
    with pytest.raises(ProviderError, match=f"needs {module}") as err:
        resolve("telemetry", name)
    assert "townlet[serve]" in f"{err.value} {err.value.hint}"
    sink, info = resolve("telemetry", name, allow_fallback=True)
    assert (info.name, info.is_stub) == ("stub", True)
    assert sink.provider == "stub"
