// The Townlet web viewer: telemetry WebSocket -> diff-merge store -> canvas and panels (operations.md 4.2).
import { applyFrame, createStore, resetStore } from "./merge.js";
import { agentAt, drawMap, legendHtml } from "./map.js";
import { renderBanner, renderCards, renderDetail, renderEconomy, renderHeader, renderKpis, renderNarrations } from "./panels.js";
import { OperatorPanel } from "./operator.js";

const STALE_MS = 5000;
const q = (id) => document.querySelector(`[data-testid="${id}"]`);
const doc = { q };
const store = createStore();
const view = { selected: null, detail: false, overlay: false, positions: {}, size: 10 };
const conn = { state: "connecting", paused: false, stale: false, fatal: null, lastFrameAt: 0, backoff: 500, failures: 0, unavailable: null, meta: null };
let dirty = true;
let socket = null;

function select(id, open = true) {
  view.selected = id;
  view.detail = Boolean(id) && open;
  q("selected-agent").textContent = id || "";
  dirty = true;
}

function connect() {
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/telemetry`;
  const ws = new WebSocket(url);
  socket = ws;
  ws.onopen = () => {
    conn.backoff = 500;
    resetStore(store);
    const token = sessionStorage.getItem("townlet.operator.token");
    if (token) ws.send(JSON.stringify({ type: "hello", token }));
  };
  ws.onmessage = (ev) => {
    let frame;
    try { frame = JSON.parse(ev.data); } catch (err) { console.warn("bad frame", err); return; }
    const result = applyFrame(store, frame);
    if (result.fatal) {
      conn.fatal = result.why;
      conn.state = "error";
      ws.onclose = null;
      ws.close();
    } else if (result.resync) {
      ws.send(JSON.stringify({ type: "resync" }));
    } else {
      conn.state = "live";
      conn.failures = 0;
      conn.metaPaused = false; // frames flow again (a reconnect snapshot re-checks after 5 s)
      conn.unavailable = null;
      conn.stale = false;
      conn.lastFrameAt = performance.now();
    }
    dirty = true;
  };
  ws.onclose = (ev) => {
    if (socket !== ws) return;
    if (store.ended) {
      conn.state = "ended"; // the stream closed normally with an end frame: no reconnect
      dirty = true;
      return;
    }
    if (ev.code === 1008) {
      conn.unavailable = "The telemetry stream needs a viewer token: enter one in the Operator panel.";
    } else if (!store.frames) {
      conn.failures += 1;
      if (conn.failures >= 2) {
        conn.unavailable = "Telemetry stream unavailable at /ws/telemetry; retrying.";
        loadMeta();
      }
    }
    conn.state = "reconnecting";
    dirty = true;
    setTimeout(connect, conn.backoff);
    conn.backoff = Math.min(8000, conn.backoff * 2);
  };
}

// The meta section over HTTP: the banner still shows stub providers and degraded
// notices when no telemetry stream is served (operations.md 6, D-2).
async function loadMeta() {
  try {
    const res = await fetch("/api/meta");
    if (res.ok) {
      conn.meta = await res.json();
      dirty = true;
    }
  } catch (err) {
    console.warn("meta unavailable", err);
  }
}

// A silent stream may just be paused by another operator: /api/meta says so.
async function checkPausedElsewhere() {
  await loadMeta();
  const serve = conn.meta && conn.meta.serve;
  const paused = Boolean(serve && serve.paused);
  const silent = conn.state === "live" && performance.now() - conn.lastFrameAt > STALE_MS;
  conn.metaPaused = paused && silent;
  conn.stale = !paused && silent && !conn.paused;
  dirty = true;
}

function render() {
  if (dirty) {
    dirty = false;
    const state = store.state.meta || !conn.meta ? store.state : { ...store.state, meta: conn.meta };
    renderHeader(doc, store, conn);
    renderBanner(doc, state, conn);
    drawMap(q("map"), state, view);
    renderCards(doc, state, view);
    renderDetail(doc, state, view);
    renderNarrations(doc, store, state);
    renderKpis(doc, state);
    renderEconomy(doc, state);
  }
  requestAnimationFrame(render);
}

function toggleOverlay() {
  view.overlay = !view.overlay;
  q("overlay-toggle").setAttribute("aria-pressed", String(view.overlay));
  dirty = true;
}

function init() {
  q("legend").innerHTML = legendHtml();
  q("map").addEventListener("click", (ev) => {
    const canvas = q("map");
    const rect = canvas.getBoundingClientRect();
    const x = ((ev.clientX - rect.left) * canvas.width) / rect.width;
    const y = ((ev.clientY - rect.top) * canvas.height) / rect.height;
    const hit = agentAt(view, x, y);
    if (hit) select(hit);
  });
  q("agent-cards").addEventListener("click", (ev) => {
    const card = ev.target.closest('[data-testid="agent-card"]');
    if (card) select(card.dataset.id);
  });
  q("narrations").addEventListener("click", (ev) => {
    const item = ev.target.closest('[data-testid="narration-item"]');
    if (!item || !item.dataset.agent) return;
    select(item.dataset.agent);
    const pos = view.positions[item.dataset.agent];
    if (pos) q("map").scrollIntoView({ block: "center", inline: "center" });
  });
  q("agent-detail").addEventListener("click", (ev) => {
    if (ev.target.closest('[data-testid="detail-close"]')) { view.detail = false; dirty = true; }
  });
  q("overlay-toggle").addEventListener("click", toggleOverlay);
  document.addEventListener("keydown", (ev) => {
    const tag = (ev.target.tagName || "").toLowerCase();
    if ((ev.key === "r" || ev.key === "R") && tag !== "input" && tag !== "select" && tag !== "textarea") toggleOverlay();
  });
  window.addEventListener("resize", () => { dirty = true; });
  const panel = new OperatorPanel(q, {
    selected: () => view.selected,
    onPaused: (paused) => { conn.paused = paused; dirty = true; },
    onToken: () => {
      // a token may open a stream that refused an anonymous viewer: reconnect now
      if (conn.state !== "live" && socket) { conn.backoff = 500; socket.close(); }
    },
  });
  panel.init();
  setInterval(() => {
    const silent = conn.state === "live" && !conn.paused && performance.now() - conn.lastFrameAt > STALE_MS;
    if (silent && !conn.metaPaused) checkPausedElsewhere();
    else if (conn.stale) { conn.stale = false; dirty = true; }
  }, 1000);
  // debugging and tests: drop() closes the stream as a network failure would
  window.townlet = { store, view, conn, select, toggleOverlay, drop: () => socket && socket.close() };
  connect();
  requestAnimationFrame(render);
}

init();
