// Unit tests of the pure helpers of panels.js, map.js and operator.js.
import { agentPositions, compareIds, tileSize } from "../js/map.js";
import { fieldHtml, parseArg } from "../js/operator.js";
import { bannerLines, cardHtml, esc, fmt, needBand } from "../js/panels.js";
import { eq, ok, test } from "./harness.js";

test("need bands: red below 0.3, amber below 0.6, green otherwise", () => {
  eq([0.1, 0.29, 0.3, 0.59, 0.6, 1].map(needBand), ["red", "red", "amber", "amber", "green", "green"]);
});

test("n/a for null KPIs", () => {
  eq([fmt(null), fmt(undefined), fmt(3), fmt(0.123456)], ["n/a", "n/a", "3", "0.12"]);
});

test("tile size fits the width within 8..20 px", () => {
  eq([tileSize(480, 48), tileSize(2000, 48), tileSize(100, 48)], [10, 20, 8]);
});

test("agents sharing a tile are spread on a ring", () => {
  const pos = agentPositions({ a_1: { pos: [1, 1] }, a_2: { pos: [1, 1] }, a_3: { pos: [3, 1] } }, 10);
  ok(pos.a_1[0] !== pos.a_2[0] || pos.a_1[1] !== pos.a_2[1], "shared tile spread");
  eq(pos.a_3, [35, 15], "alone: tile centre");
});

test("ids sort by number, not by text", () => {
  eq(["agent_10", "agent_2", "agent_1"].sort(compareIds), ["agent_1", "agent_2", "agent_10"]);
});

test("banner lines: degraded messages, stub providers, stale stream", () => {
  const state = {
    meta: {
      degraded: [{ code: "telemetry_stub", message: "Telemetry stub active; stream disabled." }],
      providers: { telemetry: { name: "stub", is_stub: true }, policy: { name: "random", is_stub: true, reason: "no torch" } },
    },
  };
  const lines = bannerLines(state, { stale: true });
  eq(lines[0], "Telemetry stub active; stream disabled.");
  ok(lines.some((l) => l.startsWith("Policy stub active")), "policy stub line");
  ok(!lines.slice(1).some((l) => l.startsWith("Telemetry stub")), "no duplicate telemetry line");
  ok(lines[lines.length - 1].startsWith("Telemetry stream stale"), "stale line");
  eq(bannerLines({}, {}), []);
});

test("form values parse by their JSON Schema", () => {
  eq(parseArg({ type: "array", items: { type: "integer" } }, "10 12"), [10, 12]);
  eq(parseArg({ type: "array", items: { type: "integer" } }, "[3, 4]"), [3, 4]);
  eq(parseArg({ type: "object" }, '{"hunger": 0.1}'), { hunger: 0.1 });
  eq(parseArg({ type: "number" }, "2.5"), 2.5);
  eq(parseArg({ type: "string" }, "  "), undefined);
  eq(parseArg({ type: "boolean" }, true), true);
});

test("banner falls back to /api/meta and says when the stream is unavailable", () => {
  const conn = {
    unavailable: "Telemetry stream unavailable at /ws/telemetry; retrying.",
    meta: { degraded: [{ code: "telemetry_stub", message: "Telemetry stub active; stream disabled." }] },
  };
  eq(bannerLines({}, conn), ["Telemetry stub active; stream disabled.", conn.unavailable]);
});

test("an agent card shows needs as widths, wallet, job and top ties", () => {
  const agent = {
    id: "agent_1", name: "Bob", option: "GetFed", option_ticks: 4, wallet: 2.5, possessed: true,
    needs: { hunger: 0.25, hygiene: 0.5, energy: 0.9 },
    job: { job_id: "clerk", shift_state: "on_time" },
    top_ties: [{ other: "agent_2", kind: "friend", trust: 0.8 }, { other: "agent_3", kind: "rival", rivalry: 0.7 }],
  };
  const box = document.createElement("div");
  box.innerHTML = cardHtml(agent, { agent_2: "Carol", agent_3: "Dan" });
  const hunger = box.querySelector('[data-testid="need-hunger"]');
  eq(hunger.style.width, "25%", "hunger width");
  ok(hunger.classList.contains("red"), "hunger red");
  ok(box.querySelector('[data-testid="need-hygiene"]').classList.contains("amber"), "hygiene amber");
  ok(box.querySelector('[data-testid="need-energy"]').classList.contains("green"), "energy green");
  const text = box.textContent;
  for (const part of ["Bob", "GetFed", "4 ticks", "2.50", "clerk · on_time", "Carol (0.80)", "Dan (0.70)", "possessed"]) {
    ok(text.includes(part), `card text has ${part}: ${text}`);
  }
});

test("card text is escaped", () => {
  eq(esc('<b a="x">&'), "&lt;b a=&quot;x&quot;&gt;&amp;");
  const box = document.createElement("div");
  box.innerHTML = cardHtml({ id: "a_1", name: "<img src=x>", needs: {} }, {});
  eq(box.querySelector("img"), null, "no injected element");
});

test("forms: enum as a select, boolean as a checkbox, text otherwise", () => {
  const box = document.createElement("div");
  box.innerHTML = fieldHtml("action", { type: "string", enum: ["acquire", "release"] }, true)
    + fieldHtml("enabled", { type: "boolean" }, true) + fieldHtml("agent_id", { type: "string" }, false);
  eq([...box.querySelectorAll("select option")].map((o) => o.value), ["acquire", "release"]);
  eq(box.querySelector('[name="enabled"]').type, "checkbox");
  eq(box.querySelector('[name="agent_id"]').tagName, "INPUT");
});
