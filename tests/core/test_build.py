"""``townlet.build_simulation`` and the public API (architecture.md section 6)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import townlet
from townlet.core.build import new_run_id, resolve_telemetry
from townlet.telemetry import MultiSink, NullSink
from townlet.telemetry.pipeline import TelemetryPipeline
from townlet.telemetry.transport import FileTransport

REPO = Path(__file__).resolve().parents[2]


def test_public_names():
    for name in townlet.__all__:
        assert hasattr(townlet, name), name


def test_defaults_come_from_the_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    sim = townlet.build_simulation()
    assert sim.world_provider.requested == "auto"
    assert sim.policy_provider.requested == "scripted"
    assert sim.policy_provider.name == "scripted"
    assert "learning.md 5" in sim.policy_provider.reason
    assert sim.kpis is not None
    assert sim.telemetry_provider.name == "file"
    assert isinstance(sim.telemetry, TelemetryPipeline)
    transport = sim.telemetry.transport("file")
    assert isinstance(transport, FileTransport)
    assert transport.path == Path("runs") / sim.run_id / "telemetry.jsonl"
    assert sim.seed == 0
    assert not (tmp_path / "runs").exists()  # nothing opened before start
    sim.stop()


def test_arguments_override_the_config(tmp_path):
    cfg = townlet.load_config(REPO / "configs" / "default.yaml", overrides={"seed": 5})
    with townlet.build_simulation(
        cfg, world="python", policy="stub", telemetry="null", seed=9
    ) as sim:
        assert sim.seed == 9
        sim.run(20)
        assert sim.tick == 20
        assert sim.world.provider == "python"
    assert townlet.is_stub_policy(sim)
    assert not townlet.is_stub_telemetry(sim)
    assert [n["code"] for n in townlet.is_degraded(sim)] == ["policy_stub"]


def test_config_path_and_seed_from_config():
    cfg_path = REPO / "configs" / "default.yaml"
    sim = townlet.build_simulation(str(cfg_path), world="python", telemetry="none")
    assert sim.seed == townlet.load_config(cfg_path).seed
    assert townlet.is_stub_telemetry(sim)
    sim.stop()


def test_same_seed_same_hash_on_python_world():
    hashes = []
    for _ in range(2):
        with townlet.build_simulation(world="python", telemetry="null", seed=4) as sim:
            sim.run(300)
            hashes.append(sim.world.state_hash())
    assert hashes[0] == hashes[1]


def test_native_and_python_agree_through_the_loop():
    pytest.importorskip("townlet._native", reason="townlet._native not built")
    hashes = {}
    for world in ("native", "python"):
        with townlet.build_simulation(world=world, telemetry="null", seed=2) as sim:
            sim.run(800)
            hashes[world] = (sim.world.state_hash(), dict(sim.counters.deaths))
    assert hashes["native"] == hashes["python"]


def test_auto_without_native_is_degraded_to_python(monkeypatch):
    monkeypatch.setitem(sys.modules, "townlet._native", None)
    sim = townlet.build_simulation(telemetry="null")
    assert sim.world_provider.name == "python"
    assert [n["code"] for n in townlet.is_degraded(sim)] == ["world_python"]
    sim.stop()


def test_unknown_policy_is_a_config_error():
    known = "known: anneal, bc, ppo, random, scripted, stub"
    with pytest.raises(townlet.ConfigError, match=known):
        townlet.build_simulation(policy="nonesuch", telemetry="null")


def test_telemetry_spec_with_several_items_is_multi(tmp_path):
    sink, info = resolve_telemetry(f"stdout,file:{tmp_path / 'a.jsonl'},null")
    assert isinstance(sink, MultiSink)  # one merged pipeline plus the null sink
    assert [type(s) for s in sink.sinks] == [TelemetryPipeline, NullSink]
    assert sink.pipeline is not None
    assert [c.transport.type for c in sink.pipeline.channels] == ["stdout", "file"]
    assert (info.name, info.requested) == ("multi", info.requested)
    assert "a.jsonl" in info.reason


def test_run_ids_are_fresh():
    assert new_run_id() != new_run_id()


@pytest.mark.parametrize("mode", ["option", "primitive"])
def test_random_policy_acts_in_the_configured_action_mode(mode):
    cfg = townlet.load_config(
        REPO / "configs" / "default.yaml", overrides={"actions.mode": mode}
    )
    with townlet.build_simulation(
        cfg, world="python", policy="random", telemetry="none"
    ) as sim:
        assert sim.policy.action_mode == mode
        sim.run(30)
        assert sim.tick == 30
        assert sim.buffers is not None
        width = sim.buffers.action_mask.shape[1]
    assert width == (8 if mode == "option" else 19)


def test_default_scripted_policy_refuses_primitive_mode():
    cfg = townlet.load_config(
        REPO / "configs" / "default.yaml", overrides={"actions.mode": "primitive"}
    )
    with pytest.raises(townlet.ProviderError, match="option mode only"):
        townlet.build_simulation(cfg, world="python", telemetry="none")
