"""Provider registry: resolution, auto world, fallbacks, unknown names."""

from __future__ import annotations

import importlib.metadata
import sys
from types import SimpleNamespace

import pytest

from townlet.core import registry
from townlet.core.registry import (
    NATIVE_MISSING,
    is_degraded,
    is_stub_policy,
    is_stub_telemetry,
    known_names,
    register,
    resolve,
)
from townlet.core.types import ProviderInfo
from townlet.errors import ConfigError, ProviderError
from townlet.policy import RandomPolicy, StubPolicy
from townlet.telemetry import NullSink, StubSink
from townlet.telemetry.pipeline import TelemetryPipeline


@pytest.fixture
def scratch_registry():
    """Restore the registry table after a test registers providers."""
    saved = dict(registry._REGISTRY.table)
    yield
    registry._REGISTRY.table.clear()
    registry._REGISTRY.table.update(saved)


@pytest.fixture
def without_native(monkeypatch):
    """Simulate a build without the extension: importing townlet._native fails."""
    monkeypatch.setitem(sys.modules, "townlet._native", None)


def native_built() -> bool:
    try:
        import townlet._native  # noqa: F401
    except ImportError:
        return False
    return True


def test_builtin_names():
    assert known_names("world") == ["auto", "native", "python"]
    assert {"random", "stub"} <= set(known_names("policy"))
    assert {"stdout", "file", "null", "stub", "none"} <= set(known_names("telemetry"))


@pytest.mark.parametrize(
    ("request_name", "cls", "is_stub"),
    [("random", RandomPolicy, False), ("stub", StubPolicy, True)],
)
def test_policy_providers(request_name, cls, is_stub):
    policy, info = resolve("policy", request_name)
    assert isinstance(policy, cls)
    assert info == ProviderInfo(
        "policy", request_name, request_name, is_stub, info.reason
    )
    assert info.reason


@pytest.mark.parametrize(
    ("request_name", "cls", "name", "is_stub"),
    [
        ("stdout", TelemetryPipeline, "stdout", False),
        ("null", NullSink, "null", False),
        ("none", StubSink, "stub", True),
        ("stub", StubSink, "stub", True),
    ],
)
def test_telemetry_providers(request_name, cls, name, is_stub):
    sink, info = resolve("telemetry", request_name)
    assert type(sink) is cls
    assert (info.name, info.is_stub) == (name, is_stub)


def test_file_sink_takes_path_argument_and_defaults_under_runs(tmp_path):
    sink, _ = resolve("telemetry", f"file:{tmp_path / 'a.jsonl'}")
    assert isinstance(sink, TelemetryPipeline)
    assert sink.transport("file").path == tmp_path / "a.jsonl"
    default, _ = resolve("telemetry", "file", run_id="r-x")
    assert str(default.transport("file").path) == "runs/r-x/telemetry.jsonl"
    assert not (tmp_path / "a.jsonl").exists()  # constructors open nothing


def test_unknown_name_lists_known_names():
    with pytest.raises(
        ConfigError,
        match=r"unknown policy provider 'nonesuch'; known: anneal, bc, ppo, random",
    ):
        resolve("policy", "nonesuch")
    with pytest.raises(ConfigError, match=r"known: auto, native, python"):
        resolve("world", "rust")


def test_unknown_kind_is_config_error():
    with pytest.raises(ConfigError, match="unknown provider kind"):
        resolve("console", "x")


def test_native_without_extension_gives_one_line_fix(without_native):
    with pytest.raises(ProviderError) as err:
        resolve("world", "native")
    assert str(err.value) == NATIVE_MISSING
    assert "make build" in str(err.value)
    assert "--world python" in str(err.value)


def test_auto_without_extension_picks_python_and_says_why(without_native):
    world, info = resolve("world", "auto")
    assert world.provider == "python"
    assert (info.requested, info.name, info.is_stub) == ("auto", "python", False)
    assert info.reason == (
        "Native core unavailable; using the Python world (slower, same results)."
    )


@pytest.mark.skipif(not native_built(), reason="townlet._native not built")
def test_auto_with_extension_picks_native():
    world, info = resolve("world", "auto")
    assert world.provider == "native"
    assert info.name == "native"
    assert "townlet._native imported" in info.reason


def test_missing_extra_names_the_extra(scratch_registry):
    register(
        "telemetry",
        "websocket",
        lambda ctx: NullSink(),
        requires=("townlet_test_missing_module",),
        extra="serve",
        fallback="stub",
    )
    with pytest.raises(ProviderError) as err:
        resolve("telemetry", "websocket")
    assert "townlet_test_missing_module" in str(err.value)
    assert err.value.hint == "pip install 'townlet[serve]'"


def test_missing_extra_with_fallback_resolves_stub(scratch_registry):
    register(
        "telemetry",
        "websocket",
        lambda ctx: NullSink(),
        requires=("townlet_test_missing_module",),
        extra="serve",
        fallback="stub",
    )
    sink, info = resolve("telemetry", "websocket", allow_fallback=True)
    assert isinstance(sink, StubSink)
    assert info.is_stub
    assert info.name == "stub"
    assert info.requested == "websocket"
    assert "fell back" in info.reason


def test_entry_points_register_third_party_providers(scratch_registry, monkeypatch):
    def hook(register_fn):
        register_fn("policy", "thirdparty", lambda ctx: StubPolicy())

    fake = SimpleNamespace(name="demo", value="demo:hook", load=lambda: hook)
    monkeypatch.setattr(
        importlib.metadata,
        "entry_points",
        lambda group: [fake] if group == registry.ENTRY_POINT_GROUP else [],
    )
    assert registry.load_entry_points(force=True) == 1
    _, info = resolve("policy", "thirdparty")
    assert info.name == "thirdparty"


def test_broken_entry_point_is_a_provider_error(scratch_registry, monkeypatch):
    def broken():
        raise ImportError("no module named nowhere")

    fake = SimpleNamespace(name="bad", value="nowhere:hook", load=broken)
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [fake])
    with pytest.raises(ProviderError, match="'bad'"):
        registry.load_entry_points(force=True)


def test_register_rejects_bad_kind_and_name():
    with pytest.raises(ValueError, match="kind"):
        register("engine", "x", lambda ctx: None)
    with pytest.raises(ValueError, match="name"):
        register("policy", "a:b", lambda ctx: None)


def holder(world: ProviderInfo, policy: ProviderInfo, telemetry: ProviderInfo):
    return SimpleNamespace(
        world_provider=world, policy_provider=policy, telemetry_provider=telemetry
    )


def test_stub_and_degraded_helpers_read_provider_info_only():
    healthy = holder(
        ProviderInfo("world", "native", "native"),
        ProviderInfo("policy", "random", "random"),
        ProviderInfo("telemetry", "file", "file"),
    )
    assert not is_stub_policy(healthy)
    assert not is_stub_telemetry(healthy)
    assert is_degraded(healthy) == []
    degraded = holder(
        ProviderInfo("world", "auto", "python"),
        ProviderInfo("policy", "stub", "stub", is_stub=True),
        ProviderInfo("telemetry", "none", "stub", is_stub=True),
    )
    assert is_stub_policy(degraded)
    assert is_stub_telemetry(degraded)
    assert [n["code"] for n in is_degraded(degraded)] == [
        "world_python",
        "policy_stub",
        "telemetry_stub",
    ]
    assert (
        is_degraded(degraded)[2]["message"] == "Telemetry stub active; stream disabled."
    )
