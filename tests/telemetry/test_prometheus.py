"""A real scrape of ``/metrics`` parsed by prometheus_client (operations.md 1.10)."""

from __future__ import annotations

import re
import urllib.request

import pytest

import townlet
from townlet.telemetry.pipeline import pipeline_of

parser = pytest.importorskip(
    "prometheus_client.parser", reason="prometheus_client (serve extra)"
)

ALLOWED_LABELS = {
    "transport", "kind", "need", "object_type", "obs_variant", "reason", "status",
    "command", "category", "alert", "channel", "utility", "version",
    "schema_version", "world_provider", "policy_provider", "le",
}  # fmt: skip


@pytest.fixture(scope="module")
def scraped(tmp_path_factory):
    """Families scraped from a standalone exporter after 200 ticks."""
    path = tmp_path_factory.mktemp("prom") / "t.jsonl"
    sim = townlet.build_simulation(telemetry=f"file:{path},prometheus:0")
    with sim:
        sim.run(200)
        exporter = pipeline_of(sim.telemetry).exporters[0]
        with urllib.request.urlopen(exporter.url, timeout=10) as response:
            text = response.read().decode()
    return {f.name: f for f in parser.text_string_to_metric_families(text)}, sim


def samples(families, name):
    return {
        tuple(sorted(s.labels.items())): s.value
        for s in families[name].samples
        if s.name == name or s.name == name + "_total"
    }


def test_core_metrics_are_present_with_their_values(scraped):
    families, sim = scraped
    assert samples(families, "townlet_ticks") == {(): 200.0}
    assert samples(families, "townlet_agents_alive")[()] == 10.0
    steps = samples(families, "townlet_agent_steps")
    assert steps == {(("obs_variant", sim.variant),): float(sim.counters.agent_steps)}
    assert "townlet_kpi_friend_pairs" in families
    histogram = families["townlet_tick_duration_seconds"]
    assert histogram.type == "histogram"
    count = [s.value for s in histogram.samples if s.name.endswith("_count")]
    assert count == [199.0]  # the intervals between 200 ticks
    assert "townlet_world_events" in families
    info = families["townlet_build_info"].samples[0]
    assert info.labels["schema_version"] == "1.0"
    assert info.value == 1.0


def test_counters_follow_the_total_convention(scraped):
    families, _ = scraped
    for name in (
        "townlet_ticks", "townlet_world_events", "townlet_agent_deaths",
        "townlet_telemetry_frames_written", "townlet_telemetry_write_errors",
        "townlet_telemetry_events_dropped", "townlet_narrations_suppressed",
    ):  # fmt: skip
        assert families[name].type == "counter"
        assert all(s.name == name + "_total" for s in families[name].samples)
    assert families["townlet_telemetry_queue_depth"].type == "gauge"
    frames = samples(families, "townlet_telemetry_frames_written")
    assert frames[(("transport", "file"),)] >= 1


def test_no_label_carries_an_agent_or_object_id(scraped):
    families, _ = scraped
    for family in families.values():
        for sample in family.samples:
            assert set(sample.labels) <= ALLOWED_LABELS, sample
            for value in sample.labels.values():
                assert not re.fullmatch(r"agent_\d+|[a-z]+_\d+", value), sample
