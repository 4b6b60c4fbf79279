// Operator panel: token (sessionStorage only), /ws/console hello, catalogue forms, result log (operations.md 4.2, 2.8).
import { esc } from "./panels.js";

const TOKEN_KEY = "townlet.operator.token";
let counter = 0;

export function newCmdId() {
  counter += 1;
  return `web-${Date.now().toString(36)}-${counter}`;
}

// Parse one form value by its JSON Schema: numbers, booleans, JSON for arrays/objects
// ("10 12" and "10,12" are accepted for integer arrays). Returns undefined for an empty field.
export function parseArg(schema, raw) {
  const type = schema && schema.type;
  if (type === "boolean") return Boolean(raw);
  const text = String(raw ?? "").trim();
  if (text === "") return undefined;
  if (type === "integer" || type === "number") {
    const n = Number(text);
    return Number.isNaN(n) ? text : n;
  }
  if (type === "array") {
    if (text.startsWith("[")) return JSON.parse(text);
    const items = text.split(/[\s,]+/).filter(Boolean);
    const itemType = schema.items && schema.items.type;
    return items.map((v) => (itemType === "integer" || itemType === "number" ? Number(v) : v));
  }
  if (type === "object") return JSON.parse(text);
  return text;
}

export function fieldHtml(name, schema, required) {
  const label = `${esc(name)}${required ? " *" : ""}${schema.description ? ` <span class="meta">${esc(schema.description)}</span>` : ""}`;
  const id = `op-arg-${name}`;
  if (schema.enum) {
    const opts = schema.enum.map((v) => `<option value="${esc(v)}">${esc(v)}</option>`).join("");
    return `<label>${label}<br><select data-testid="${id}" name="${name}">${opts}</select></label>`;
  }
  if (schema.type === "boolean") return `<label><input type="checkbox" data-testid="${id}" name="${name}"> ${label}</label>`;
  const placeholder = schema.type === "object" ? '{"hunger": 0.1}' : schema.type === "array" ? "x y" : schema.default ?? "";
  return `<label>${label}<br><input data-testid="${esc(id)}" name="${esc(name)}" placeholder="${esc(placeholder)}" autocomplete="off"></label>`;
}

export class OperatorPanel {
  constructor(q, hooks) {
    this.q = q;
    this.hooks = hooks;
    this.catalogue = [];
    this.ws = null;
    this.token = sessionStorage.getItem(TOKEN_KEY) || "";
    this.waiting = new Map();
  }

  init() {
    const q = this.q;
    q("token-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.setToken(q("op-token").value.trim());
    });
    q("op-token-clear").addEventListener("click", () => this.setToken(""));
    q("op-command").addEventListener("change", () => this.renderForm());
    q("op-send").addEventListener("click", () => this.sendForm());
    q("op-form").addEventListener("submit", (ev) => { ev.preventDefault(); this.sendForm(); });
    q("op-pause").addEventListener("click", () => this.send("pause", {}));
    q("op-resume").addEventListener("click", () => this.send("resume", {}));
    q("op-step").addEventListener("click", () => this.send("step", { n: 1 }));
    this.setToken(this.token);
  }

  setToken(token) {
    this.token = token;
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
    this.q("op-token").value = "";
    if (this.ws) { this.ws.onclose = null; this.ws.close(); this.ws = null; }
    this.enable(false, token ? "Connecting to the console…" : "Operator token required");
    if (token && this.hooks.onToken) this.hooks.onToken(token);
    if (token) this.connect();
  }

  enable(on, hint) {
    for (const id of ["op-pause", "op-resume", "op-step", "op-command", "op-send"]) this.q(id).disabled = !on;
    for (const el of this.q("op-form").querySelectorAll("input,select")) el.disabled = !on;
    this.q("op-controls").dataset.enabled = String(on);
    const h = this.q("op-hint");
    h.textContent = hint || "";
    h.hidden = !hint;
  }

  async loadCatalogue() {
    const headers = this.token ? { Authorization: `Bearer ${this.token}` } : {};
    const res = await fetch("/api/console/commands", { headers });
    if (!res.ok) throw new Error(`catalogue: HTTP ${res.status}`);
    const body = await res.json();
    this.catalogue = Array.isArray(body) ? body : body.commands || [];
    this.fillPicker();
  }

  // Admin commands are listed only for an admin token (operations.md 4.2: filtered by role).
  setRole(role) {
    this.role = role || null;
    this.q("operator-panel").dataset.role = this.role || "";
    this.fillPicker();
    if (this.role === "viewer") {
      this.enable(true, "Viewer token: read-only commands only.");
      for (const id of ["op-pause", "op-resume", "op-step"]) this.q(id).disabled = true;
    }
  }

  fillPicker() {
    const shown = this.catalogue.filter((c) => this.role !== "viewer" || c.role !== "admin");
    const sel = this.q("op-command");
    const keep = sel.value;
    sel.innerHTML = shown.map((c) => `<option value="${esc(c.name)}">${esc(c.name)}${c.role === "admin" ? " (admin)" : ""}</option>`).join("");
    if (shown.some((c) => c.name === keep)) sel.value = keep;
    this.renderForm();
  }

  connect() {
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/console`;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: "hello", token: this.token }));
    ws.onmessage = (ev) => this.onMessage(JSON.parse(ev.data));
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.enable(false, "Console disconnected; set the token again to reconnect.");
    };
  }

  async onMessage(msg) {
    if (msg.type === "hello") {
      try {
        await this.loadCatalogue();
        this.enable(true, "");
        // learn the token's role from a viewer command's envelope, to filter the picker
        this.probeId = newCmdId();
        this.ws.send(JSON.stringify({ type: "command", envelope: { cmd_id: this.probeId, name: "help", args: {} } }));
      } catch (err) {
        this.enable(false, String(err));
      }
      return;
    }
    if (msg.type === "error") {
      const code = msg.error && msg.error.code;
      this.log({ status: "error", name: "console", error: msg.error });
      if (code === "unauthenticated") {
        sessionStorage.removeItem(TOKEN_KEY);
        this.token = "";
        this.enable(false, "Operator token required (the token was refused: unauthenticated)");
      }
      return;
    }
    if (msg.type === "ack" || msg.type === "result") {
      const env = msg.envelope || {};
      if (env.cmd_id && env.cmd_id === this.probeId) {
        if (msg.type === "result" || env.status !== "ok") this.setRole(env.role);
        return;
      }
      if (msg.type === "ack" && env.status === "ok") return; // the result message follows
      this.log(env);
      if (env.status === "ok" && (env.name === "pause" || env.name === "resume")) {
        this.hooks.onPaused(Boolean(env.result && env.result.paused));
      }
    }
  }

  renderForm() {
    const cmd = this.catalogue.find((c) => c.name === this.q("op-command").value);
    const form = this.q("op-form");
    if (!cmd) { form.innerHTML = ""; return; }
    this.q("op-summary").textContent = `${cmd.summary || ""} Usage: ${cmd.usage || cmd.name}`;
    const params = cmd.params || {};
    const required = new Set(params.required || []);
    form.innerHTML = Object.entries(params.properties || {}).map(([n, s]) => fieldHtml(n, s, required.has(n))).join("");
    const sel = this.hooks.selected();
    const agentField = form.querySelector('[name="agent_id"]');
    if (agentField && sel) agentField.value = sel;
  }

  sendForm() {
    const cmd = this.catalogue.find((c) => c.name === this.q("op-command").value);
    if (!cmd) return;
    const args = {};
    try {
      for (const [name, schema] of Object.entries((cmd.params || {}).properties || {})) {
        const el = this.q("op-form").querySelector(`[name="${name}"]`);
        const value = parseArg(schema, schema.type === "boolean" ? el.checked : el.value);
        if (value !== undefined) args[name] = value;
      }
    } catch (err) {
      this.log({ status: "error", name: cmd.name, error: { code: "bad_input", message: String(err) } });
      return;
    }
    this.send(cmd.name, args);
  }

  send(name, args) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
      this.log({ status: "error", name, error: { code: "unavailable", message: "console not connected" } });
      return;
    }
    const envelope = { cmd_id: newCmdId(), name, args, issuer: "web-viewer" };
    this.ws.send(JSON.stringify({ type: "command", envelope }));
  }

  log(env) {
    const li = document.createElement("li");
    li.setAttribute("data-testid", "op-result");
    li.className = env.status || "";
    li.dataset.status = env.status || "";
    li.dataset.name = env.name || "";
    li.dataset.code = (env.error && env.error.code) || "";
    const detail = env.error ? `${env.error.code}: ${env.error.message || ""}` : JSON.stringify(env.result ?? (env.apply_tick != null ? { apply_tick: env.apply_tick } : {}));
    li.textContent = `${env.name || "?"} ${env.status || ""} ${detail}`;
    const list = this.q("op-log");
    list.prepend(li);
    while (list.children.length > 100) list.lastChild.remove();
  }
}
