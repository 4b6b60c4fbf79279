// The map canvas: tiles by kind, objects as glyphs, agents as circles by option (operations.md 4.2).

export const TILE_COLOURS = {
  ".": "#3b3f46", "#": "#0b0d10", "+": "#8a5a2b", "=": "#55585e", ",": "#24452b",
  "~": "#1d4e89", "@": "#b08d2f",
};
export const TILE_NAMES = { ".": "floor", "#": "wall", "+": "door", "=": "road", ",": "grass", "~": "water", "@": "spawn" };
export const OPTION_COLOURS = {
  Wait: "#9aa3ad", GetFed: "#f0883e", GetClean: "#58a6ff", Sleep: "#a371f7",
  Work: "#3fb950", ShopGroceries: "#e3b341", Socialise: "#ff7b72", Socialize: "#ff7b72", GoHome: "#db61a2",
};
const OBJECT_COLOURS = {
  bed: "#a371f7", shower: "#58a6ff", stove: "#f0883e", fridge: "#79c0ff", desk: "#3fb950",
  till: "#e3b341", shelf: "#d29922", counter: "#bb8009", table: "#8b949e", bench: "#6e7681",
};

export function optionColour(option) {
  return OPTION_COLOURS[option] || "#ffffff";
}

// Pixels per tile: fit the width, clamped to 8..20 (operations.md 4.2).
export function tileSize(width, mapWidth) {
  if (!mapWidth) return 10;
  return Math.max(8, Math.min(20, Math.floor(width / mapWidth)));
}

// Screen position of each agent; agents sharing a tile are spread on a small ring.
export function agentPositions(agents, size) {
  const byTile = new Map();
  const ids = Object.keys(agents).sort(compareIds);
  for (const id of ids) {
    const a = agents[id];
    if (!a || !a.pos) continue;
    const key = `${a.pos[0]},${a.pos[1]}`;
    if (!byTile.has(key)) byTile.set(key, []);
    byTile.get(key).push(id);
  }
  const out = {};
  for (const group of byTile.values()) {
    group.forEach((id, i) => {
      const [x, y] = agents[id].pos;
      let cx = (x + 0.5) * size, cy = (y + 0.5) * size;
      if (group.length > 1) {
        const angle = (2 * Math.PI * i) / group.length;
        cx += Math.cos(angle) * size * 0.3;
        cy += Math.sin(angle) * size * 0.3;
      }
      out[id] = [cx, cy];
    });
  }
  return out;
}

export function compareIds(a, b) {
  const na = Number(String(a).split("_").pop()), nb = Number(String(b).split("_").pop());
  const pa = String(a).replace(/\d+$/, ""), pb = String(b).replace(/\d+$/, "");
  if (pa !== pb) return pa < pb ? -1 : 1;
  if (!Number.isNaN(na) && !Number.isNaN(nb) && na !== nb) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function drawMap(canvas, state, view) {
  const map = state.map || {};
  const rows = map.rows || [];
  const width = map.width || (rows[0] || "").length;
  const height = map.height || rows.length;
  const avail = canvas.parentElement ? canvas.parentElement.clientWidth : canvas.width;
  const size = tileSize(avail, width);
  if (canvas.width !== width * size || canvas.height !== height * size) {
    canvas.width = Math.max(1, width * size);
    canvas.height = Math.max(1, height * size);
  }
  const ctx = canvas.getContext("2d");
  // tiles and objects never change after reset (world.md 2.4): draw them once per map and size
  const key = `${size}|${rows.length}|${Object.keys(state.objects || {}).length}`;
  if (!view.base || view.base.key !== key || view.base.rows !== rows) {
    const base = document.createElement("canvas");
    base.width = canvas.width;
    base.height = canvas.height;
    drawBase(base.getContext("2d"), rows, state.objects || {}, size, base);
    view.base = { key, rows, canvas: base };
  }
  ctx.drawImage(view.base.canvas, 0, 0);
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  const agents = state.agents || {};
  const pos = agentPositions(agents, size);
  view.positions = pos;
  view.size = size;
  if (view.overlay) drawTies(ctx, agents, pos, size);
  const r = Math.max(3, size * 0.38);
  ctx.font = `${Math.max(8, Math.floor(size * 0.6))}px sans-serif`;
  for (const [id, [cx, cy]] of Object.entries(pos)) {
    const a = agents[id];
    ctx.beginPath();
    ctx.arc(cx, cy, r, 0, 2 * Math.PI);
    ctx.fillStyle = optionColour(a.option);
    ctx.fill();
    if (a.possessed) {
      ctx.setLineDash([3, 2]);
      ctx.strokeStyle = "#ff0";
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(cx, cy, r + 3, 0, 2 * Math.PI);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    if (id === view.selected) {
      ctx.strokeStyle = "#fff";
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(cx, cy, r + 1.5, 0, 2 * Math.PI);
      ctx.stroke();
    }
    ctx.fillStyle = "#fff";
    ctx.fillText(String(a.name || id).slice(0, 3), cx, cy - r - 4);
  }
}

function drawBase(ctx, rows, objects, size, canvas) {
  ctx.fillStyle = "#000";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  rows.forEach((row, y) => {
    for (let x = 0; x < row.length; x++) {
      ctx.fillStyle = TILE_COLOURS[row[x]] || TILE_COLOURS["."];
      ctx.fillRect(x * size, y * size, size, size);
    }
  });
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.font = `bold ${Math.floor(size * 0.8)}px monospace`;
  for (const obj of Object.values(objects)) {
    if (!obj.pos) continue;
    const [x, y] = obj.pos;
    ctx.fillStyle = "#1b1f24";
    ctx.fillRect(x * size + 1, y * size + 1, size - 2, size - 2);
    ctx.fillStyle = OBJECT_COLOURS[obj.type] || "#c9d1d9";
    ctx.fillText((obj.type || "?")[0].toUpperCase(), (x + 0.5) * size, (y + 0.55) * size);
  }
}

// Relationship overlay: green lines for trust, red for rivalry, width by magnitude.
export function drawTies(ctx, agents, pos, size) {
  for (const [id, a] of Object.entries(agents)) {
    const from = pos[id];
    for (const tie of a.top_ties || []) {
      const to = pos[tie.other];
      if (!from || !to) continue;
      const rival = tie.kind === "rival";
      const magnitude = Math.min(1, Math.abs(rival ? tie.rivalry || 0 : tie.trust || 0));
      ctx.strokeStyle = rival ? "rgba(248,81,73,0.85)" : "rgba(63,185,80,0.85)";
      ctx.lineWidth = 1 + magnitude * Math.max(2, size * 0.3);
      ctx.beginPath();
      ctx.moveTo(from[0], from[1]);
      ctx.lineTo(to[0], to[1]);
      ctx.stroke();
    }
  }
}

// The agent under a click, or null.
export function agentAt(view, px, py) {
  let best = null, bestD = (view.size || 10) * 0.6;
  for (const [id, [cx, cy]] of Object.entries(view.positions || {})) {
    const d = Math.hypot(cx - px, cy - py);
    if (d <= bestD) { best = id; bestD = d; }
  }
  return best;
}

export function legendHtml() {
  const tiles = Object.entries(TILE_NAMES).map(([ch, name]) => `<span><i style="background:${TILE_COLOURS[ch]}"></i>${name}</span>`);
  const opts = Object.entries(OPTION_COLOURS).filter(([k]) => k !== "Socialize")
    .map(([name, c]) => `<span><i style="background:${c};border-radius:50%"></i>${name}</span>`);
  return tiles.concat(opts).join("");
}
