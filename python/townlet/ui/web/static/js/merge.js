// Diff-merge for telemetry frames (operations.md 1.3, T-11, T-12, T-14, T-15).
//
// A store holds the reconstructed state of one stream. applyFrame() returns
//   {ok: true}                       the frame was applied
//   {ok: false, resync: true, why}   a gap or a diff before any snapshot: drop state, ask for a snapshot
//   {ok: false, fatal: true, why}    an unsupported schema MAJOR: refuse the stream
//
//   const store = createStore();
//   applyFrame(store, snapshotFrame);   // {ok: true}
//   applyFrame(store, diffFrame);       // {ok: true} when diff.base_seq === store.seq

export const SUPPORTED_MAJOR = "1";

// Keys that are frame metadata, not state sections.
const HEADER_KEYS = new Set([
  "schema_version", "payload_type", "run_id", "seq", "base_seq", "tick", "clock",
  "emitted_at", "resync", "health", "changes", "removed", "entities", "totals",
]);
// Delta sections: appended (newest last), never merged into state.
export const DELTA_KEYS = ["events", "narrations", "console_results"];
const KEYED = ["agents", "objects"];

export function createStore() {
  return {
    seq: null, runId: null, tick: null, clock: null, health: null,
    schemaVersion: null, state: {}, deltas: { events: [], narrations: [], console_results: [] },
    warned: false, frames: 0,
  };
}

export function resetStore(store) {
  store.seq = null;
  store.runId = null;
  store.state = {};
  store.ended = undefined;
}

// Returns null when `version` is accepted, else the refusal message (T-15).
export function checkVersion(store, version) {
  const [major, minor] = String(version).split(".");
  if (major !== SUPPORTED_MAJOR) {
    return `telemetry schema ${version} not supported (expected ${SUPPORTED_MAJOR}.x)`;
  }
  if (Number(minor) > 0 && !store.warned) {
    store.warned = true;
    console.warn(`telemetry schema ${version} is newer than 1.0; unknown keys are ignored`);
  }
  return null;
}

function takeDeltas(store, frame, limit) {
  for (const key of DELTA_KEYS) {
    const items = frame[key];
    if (Array.isArray(items) && items.length) {
      const list = store.deltas[key];
      list.push(...items);
      if (list.length > limit) list.splice(0, list.length - limit);
    }
  }
}

function applyEntities(state, entities) {
  for (const key of KEYED) {
    const change = entities && entities[key];
    if (!change) continue;
    const table = { ...(state[key] || {}) };
    for (const id of change.remove || []) delete table[id];
    for (const [id, record] of Object.entries(change.upsert || {})) table[id] = record;
    state[key] = table;
  }
}

export function applyFrame(store, frame, limit = 500) {
  const type = frame.payload_type;
  const bad = checkVersion(store, frame.schema_version);
  if (bad) return { ok: false, fatal: true, why: bad };
  if (type === "end") {
    store.seq = frame.seq;
    store.ended = frame.totals || {};
    return { ok: true };
  }
  if (type === "snapshot") {
    const state = {};
    for (const [key, value] of Object.entries(frame)) {
      if (!HEADER_KEYS.has(key) && !DELTA_KEYS.includes(key)) state[key] = value;
    }
    store.state = state;
  } else if (type === "diff") {
    if (store.seq === null) return { ok: false, resync: true, why: "diff before any snapshot" };
    if (frame.base_seq !== store.seq || frame.run_id !== store.runId) {
      resetStore(store);
      return { ok: false, resync: true, why: `gap: base_seq ${frame.base_seq}, last applied ${store.seq}` };
    }
    const state = { ...store.state };
    for (const [key, value] of Object.entries(frame.changes || {})) state[key] = value;
    for (const key of frame.removed || []) delete state[key];
    applyEntities(state, frame.entities);
    if (frame.meta) state.meta = frame.meta;
    store.state = state;
  } else {
    return { ok: false, resync: true, why: `unknown payload_type ${type}` };
  }
  store.seq = frame.seq;
  store.runId = frame.run_id;
  store.tick = frame.tick;
  store.schemaVersion = frame.schema_version;
  if (frame.clock) store.clock = frame.clock;
  if (frame.health) store.health = frame.health;
  store.frames += 1;
  takeDeltas(store, frame, limit);
  return { ok: true };
}
