// Unit tests of merge.js (T-11 reconstruction, T-12 gaps, T-14 minimal frames, T-15 versions).
import { applyFrame, createStore } from "../js/merge.js";
import { eq, ok, test } from "./harness.js";

const agent = (id, x) => ({ id, name: id, pos: [x, 1], needs: { hunger: 0.5 } });

function snapshot(seq = 0) {
  return {
    schema_version: "1.0", payload_type: "snapshot", run_id: "r-1", seq, tick: 10,
    clock: { day: 0, minute_of_day: 10, hhmm: "00:10" }, resync: false,
    meta: { seed: 7 }, map: { width: 2, height: 1, rows: [".."] },
    agents: { agent_0: agent("agent_0", 0), agent_1: agent("agent_1", 1) },
    objects: { bed_1: { id: "bed_1", type: "bed", pos: [1, 0] } },
    economy: { prices: { meal: 1 } }, kpis: { latest: { a: 1 }, bands: {} },
    narrations: [{ nid: 1, tick: 10, message: "hi", agents: ["agent_0"] }],
    health: { paused: false, tps: 9.5 },
  };
}

test("snapshot replaces the state and keeps header keys out of it", () => {
  const store = createStore();
  eq(applyFrame(store, snapshot()), { ok: true });
  eq(Object.keys(store.state).sort(), ["agents", "economy", "kpis", "map", "meta", "objects"]);
  eq(store.seq, 0, "seq");
  eq(store.clock.hhmm, "00:10", "clock");
  eq(store.health.tps, 9.5, "health");
  eq(store.deltas.narrations.length, 1, "narrations");
});

test("diff applies changes, removals and keyed upserts/removes (T-11)", () => {
  const store = createStore();
  applyFrame(store, snapshot());
  const diff = {
    schema_version: "1.0", payload_type: "diff", run_id: "r-1", seq: 1, base_seq: 0, tick: 11,
    clock: { day: 0, minute_of_day: 11, hhmm: "00:11" },
    changes: { economy: { prices: { meal: 2 } } }, removed: ["kpis"],
    entities: { agents: { upsert: { agent_0: agent("agent_0", 1), agent_2: agent("agent_2", 0) }, remove: ["agent_1"] } },
    narrations: [{ nid: 2, tick: 11, message: "b", agents: [] }],
  };
  eq(applyFrame(store, diff), { ok: true });
  eq(store.state.economy.prices.meal, 2, "changed section");
  ok(!("kpis" in store.state), "removed section is gone");
  eq(Object.keys(store.state.agents).sort(), ["agent_0", "agent_2"]);
  eq(store.state.agents.agent_0.pos, [1, 1], "upserted record");
  eq(store.state.objects.bed_1.type, "bed", "untouched keyed section");
  eq(store.tick, 11, "tick");
  eq(store.deltas.narrations.map((n) => n.nid), [1, 2], "deltas appended in order");
});

test("a diff equals the snapshot of the same tick once applied (T-11)", () => {
  const a = createStore(), b = createStore();
  applyFrame(a, snapshot());
  const next = snapshot(5);
  next.agents.agent_1 = agent("agent_1", 0);
  applyFrame(a, {
    schema_version: "1.0", payload_type: "diff", run_id: "r-1", seq: 1, base_seq: 0, tick: 10,
    entities: { agents: { upsert: { agent_1: agent("agent_1", 0) } } },
  });
  applyFrame(b, next);
  eq(a.state, b.state, "state sections");
});

test("a diff with a gap asks for a resync and drops the state (T-12)", () => {
  const store = createStore();
  applyFrame(store, snapshot());
  const res = applyFrame(store, { schema_version: "1.0", payload_type: "diff", run_id: "r-1", seq: 3, base_seq: 2, tick: 12 });
  eq(res.resync, true, "resync");
  eq(store.seq, null, "seq dropped");
  eq(store.state, {}, "state dropped");
  eq(applyFrame(store, snapshot(4)).ok, true, "the next snapshot applies");
});

test("a diff before any snapshot asks for a resync (T-12)", () => {
  const res = applyFrame(createStore(), { schema_version: "1.0", payload_type: "diff", run_id: "r-1", seq: 1, base_seq: 0, tick: 1 });
  eq(res.resync, true);
});

test("a diff from another run asks for a resync", () => {
  const store = createStore();
  applyFrame(store, snapshot());
  const res = applyFrame(store, { schema_version: "1.0", payload_type: "diff", run_id: "r-2", seq: 1, base_seq: 0, tick: 11 });
  eq(res.resync, true);
});

test("another schema MAJOR is refused with the spec message (T-15)", () => {
  const frame = snapshot();
  frame.schema_version = "2.0";
  const res = applyFrame(createStore(), frame);
  eq(res.fatal, true);
  eq(res.why, "telemetry schema 2.0 not supported (expected 1.x)");
});

test("a newer MINOR is accepted and unknown keys are ignored (T-14, T-15)", () => {
  const frame = snapshot();
  frame.schema_version = "1.3";
  frame.future_section = { x: 1 };
  const store = createStore();
  eq(applyFrame(store, frame).ok, true);
  eq(store.warned, true, "warned once");
});

test("a minimal stub frame (header, meta, map) applies (T-14)", () => {
  const store = createStore();
  const res = applyFrame(store, { schema_version: "1.0", payload_type: "snapshot", run_id: "r", seq: 0, tick: 0, meta: {}, map: {} });
  eq(res.ok, true);
  eq(Object.keys(store.state).sort(), ["map", "meta"]);
});

test("delta lists keep only the newest items", () => {
  const store = createStore();
  const frame = snapshot();
  frame.events = Array.from({ length: 30 }, (_, i) => ({ eid: i, tick: 10, kind: "x" }));
  applyFrame(store, frame, 20);
  eq(store.deltas.events.length, 20);
  eq(store.deltas.events[0].eid, 10, "oldest dropped first");
});

test("an end frame marks the stream ended with its totals", () => {
  const store = createStore();
  applyFrame(store, snapshot());
  const res = applyFrame(store, { schema_version: "1.0", payload_type: "end", run_id: "r-1", seq: 1, tick: 10, totals: { frames: 2, reason: "normal" } });
  eq(res.ok, true);
  eq(store.ended.reason, "normal");
});
