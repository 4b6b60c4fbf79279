// Header, banner, agent cards, narration ticker, KPIs, economy and utilities (operations.md 4.2).
import { compareIds, optionColour } from "./map.js";

const NEEDS = ["hunger", "hygiene", "energy"];
const STUB_TEXT = "Unavailable (telemetry stub)";

export function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

export function needBand(value) {
  return value < 0.3 ? "red" : value < 0.6 ? "amber" : "green";
}

export function fmt(value, digits = 2) {
  if (value === null || value === undefined) return "n/a";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(digits);
  return String(value);
}

export function isTelemetryStub(state) {
  const p = state.meta && state.meta.providers;
  return Boolean(p && p.telemetry && p.telemetry.is_stub);
}

// Banner lines: meta.degraded, any stub provider, a stale or refused stream.
export function bannerLines(state, conn) {
  const lines = [];
  const meta = state.meta || conn.meta || {};
  for (const d of meta.degraded || []) lines.push(d.message || d.code);
  const providers = meta.providers || {};
  for (const [kind, p] of Object.entries(providers)) {
    if (p && p.is_stub && !lines.some((l) => l.toLowerCase().startsWith(kind))) {
      lines.push(`${kind[0].toUpperCase()}${kind.slice(1)} stub active (${p.name}): ${p.reason || "stub provider"}`);
    }
  }
  if (conn.fatal) lines.push(conn.fatal);
  else if (conn.unavailable) lines.push(conn.unavailable);
  else if (conn.stale) lines.push("Telemetry stream stale: no frame for over 5 s.");
  return lines;
}

export function renderHeader(doc, store, conn) {
  const clock = store.clock;
  doc.q("tick").textContent = store.tick ?? "–";
  doc.q("clock").textContent = clock ? `day ${clock.day} ${clock.hhmm}` : "–";
  doc.q("tps").textContent = store.health && store.health.tps != null ? fmt(store.health.tps, 1) : "–";
  doc.q("schema").textContent = store.schemaVersion || "–";
  const el = doc.q("conn-state");
  const paused = conn.state === "live" && ((store.health && store.health.paused) || conn.paused || conn.metaPaused);
  const state = paused ? "paused" : conn.state;
  const label = { live: "Live", paused: "Paused", reconnecting: "Reconnecting…", connecting: "Connecting…", error: "Refused", ended: "Ended" }[state];
  el.dataset.state = state;
  el.textContent = label || state;
}

export function renderBanner(doc, state, conn) {
  const el = doc.q("degraded-banner");
  const lines = bannerLines(state, conn);
  el.hidden = lines.length === 0;
  el.textContent = lines.join("\n");
}

function needsHtml(needs) {
  return NEEDS.map((n) => {
    const v = Math.max(0, Math.min(1, Number((needs || {})[n] ?? 0)));
    const pct = (v * 100).toFixed(1);
    return `<div class="need"><span>${n.slice(0, 3)}</span><div class="track"><div class="fill ${needBand(v)}" data-testid="need-${n}" data-value="${v}" style="width:${pct}%"></div></div><span>${v.toFixed(2)}</span></div>`;
  }).join("");
}

function tieText(ties, kind, names) {
  const tie = (ties || []).find((t) => t.kind === kind);
  if (!tie) return "–";
  const value = kind === "rival" ? tie.rivalry : tie.trust;
  return `${esc(names[tie.other] || tie.other)} (${fmt(value)})`;
}

export function cardHtml(a, names) {
  const job = a.job ? `${esc(a.job.job_id)} · ${esc(a.job.shift_state)}` : "no job";
  return `<div class="head"><b>${esc(a.name || a.id)}</b> <span class="meta">${esc(a.id)}</span>${a.possessed ? " <span class=\"meta\">[possessed]</span>" : ""}</div>
<div class="opt"><i style="color:${optionColour(a.option)}">●</i> <span data-testid="agent-option">${esc(a.option ?? "idle")}</span> · ${fmt(a.option_ticks)} ticks</div>
${needsHtml(a.needs)}
<div class="meta">wallet <span data-testid="wallet">${fmt(a.wallet)}</span> · ${job}</div>
<div class="meta">friend ${tieText(a.top_ties, "friend", names)} · rival ${tieText(a.top_ties, "rival", names)}</div>`;
}

export function renderCards(doc, state, view) {
  const box = doc.q("agent-cards");
  const agents = state.agents || {};
  const ids = Object.keys(agents).sort(compareIds);
  const names = Object.fromEntries(ids.map((id) => [id, agents[id].name || id]));
  const existing = new Map([...box.children].map((el) => [el.dataset.id, el]));
  ids.forEach((id, i) => {
    let el = existing.get(id);
    if (!el) {
      el = document.createElement("div");
      el.className = "card";
      el.dataset.testid = "agent-card";
      el.setAttribute("data-testid", "agent-card");
      el.dataset.id = id;
    }
    existing.delete(id);
    const html = cardHtml(agents[id], names);
    if (el.dataset.html !== html) { el.innerHTML = html; el.dataset.html = html; }
    el.classList.toggle("selected", id === view.selected);
    if (box.children[i] !== el) box.insertBefore(el, box.children[i] || null);
  });
  for (const el of existing.values()) el.remove();
}

export function renderNarrations(doc, store, state) {
  const list = doc.q("narrations");
  if (isTelemetryStub(state)) {
    list.innerHTML = `<li class="unavailable">${STUB_TEXT}</li>`;
    return;
  }
  const items = store.deltas.narrations.slice(-50).reverse();
  const key = items.map((n) => n.nid).join(",");
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  list.innerHTML = items.map((n) => `<li data-testid="narration-item" class="${n.priority ? "priority" : ""}" data-agent="${esc((n.agents || [])[0] || "")}"><span class="t">${fmt(n.tick)}</span>${n.priority ? "★ " : ""}${esc(n.message)}</li>`).join("")
    || `<li class="unavailable">No narrations yet.</li>`;
}

export function sparkline(points, width = 80, height = 18) {
  const values = (points || []).map((p) => p[1]).filter((v) => typeof v === "number");
  if (values.length < 2) return `<svg width="${width}" height="${height}"></svg>`;
  const lo = Math.min(...values), hi = Math.max(...values), span = hi - lo || 1;
  const step = width / (values.length - 1);
  const d = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 1 - ((v - lo) / span) * (height - 2)).toFixed(1)}`).join(" ");
  return `<svg width="${width}" height="${height}"><polyline fill="none" stroke="#58a6ff" stroke-width="1.2" points="${d}"/></svg>`;
}

export function renderKpis(doc, state) {
  const box = doc.q("kpis");
  if (isTelemetryStub(state) || !state.kpis) {
    box.innerHTML = `<div class="unavailable">${isTelemetryStub(state) ? STUB_TEXT : "No KPIs yet."}</div>`;
    return;
  }
  const latest = state.kpis.latest || {}, bands = state.kpis.bands || {}, history = state.kpi_history || {};
  box.innerHTML = Object.keys(latest).map((name) => `<div class="kpi" data-testid="kpi-${esc(name)}" data-band="${esc(bands[name] || "")}"><span class="name">${esc(name)}</span>${sparkline(history[name])}<span class="val">${fmt(latest[name])}</span></div>`).join("");
}

export function renderEconomy(doc, state) {
  const eco = doc.q("economy"), utl = doc.q("utilities");
  const e = state.economy;
  if (!e) {
    eco.innerHTML = `<div class="unavailable">${isTelemetryStub(state) ? STUB_TEXT : "No economy data."}</div>`;
  } else {
    const prices = Object.entries(e.prices || {}).map(([k, v]) => `${esc(k)} ${fmt(v)}`).join(" · ");
    const spikes = (e.spikes || []).map((s) => `${esc(s.target)} ×${fmt(s.magnitude)} until ${fmt(s.ends_at)}`).join(", ");
    eco.innerHTML = `<div>prices: ${prices}</div><div>spikes: ${spikes || "none"}</div><div>money supply ${fmt(e.money_supply)}${e.rent_per_day != null ? ` · rent/day ${fmt(e.rent_per_day)}` : ""}</div>`;
  }
  const u = state.utilities || {};
  utl.innerHTML = ["power", "water"].map((name) => {
    const s = u[name];
    const text = !s ? "unknown" : s.up ? "ON" : `OUTAGE${s.ends_at != null ? ` until ${fmt(s.ends_at)}` : ""}`;
    return `<span data-testid="utility-${name}">${name}: ${text}</span>`;
  }).join("");
}

// The open card of the selected agent: every field of its AgentRecord worth reading.
export function detailHtml(a, names, reward) {
  const row = (k, v) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`;
  const obj = (o) => (o ? esc(Object.entries(o).map(([k, v]) => `${k} ${fmt(v)}`).join(" · ")) : "–");
  const ties = (a.top_ties || []).map((t) => `${esc(t.kind)} ${esc(names[t.other] || t.other)} trust ${fmt(t.trust)} fam ${fmt(t.familiarity)} rivalry ${fmt(t.rivalry)}`).join("<br>") || "–";
  return `<h3><span data-testid="detail-name">${esc(a.name || a.id)}</span> <span class="meta">${esc(a.id)} · ${esc(a.personality || "")}</span>
<button type="button" data-testid="detail-close" title="Close">×</button></h3>
<table>${[
    row("position", esc(JSON.stringify(a.pos))),
    row("option", `${esc(a.option ?? "idle")} (${fmt(a.option_ticks)} ticks) · primitive ${esc(a.primitive ?? "–")}`),
    row("target", esc(a.target ?? "–")),
    row("queue", a.queue ? `${esc(a.queue.object_id)} #${fmt(a.queue.position)}` : "–"),
    row("affordance", a.affordance ? `${esc(a.affordance.affordance)} at ${esc(a.affordance.object_id)}, ${fmt(a.affordance.remaining_ticks)} ticks left` : "–"),
    row("needs", obj(a.needs)),
    row("wallet", fmt(a.wallet)),
    row("inventory", obj(a.inventory)),
    row("job", a.job ? obj(a.job) : "no job"),
    row("ties", ties),
    row("reward", reward ? `${fmt(reward.total)} (${obj(reward.components)})` : "–"),
    row("possessed", a.possessed ? "yes" : "no"),
  ].join("")}</table>`;
}

export function renderDetail(doc, state, view) {
  const box = doc.q("agent-detail");
  const agents = state.agents || {};
  const a = view.selected && view.detail ? agents[view.selected] : null;
  box.hidden = !a;
  if (!a) return;
  const names = Object.fromEntries(Object.entries(agents).map(([id, r]) => [id, r.name || id]));
  const html = detailHtml(a, names, (state.rewards || {})[a.id]);
  if (box.dataset.html !== html) { box.innerHTML = html; box.dataset.html = html; }
}
