// The monitoring dashboard: polls /stats (totals over every worker) and draws it.
// No libraries and nothing fetched from elsewhere: the page must work on offline networks.
// Text from articles (entities, sources) only ever goes in through textContent.
"use strict";

const REFRESH_MS = 2000;
const COLORS = ["#2f6fde", "#2e9e6a", "#7a5af5", "#c0692b", "#2aa1b3", "#b03a7a"];
const countryNames = (() => {
  try { return new Intl.DisplayNames(["en"], { type: "region" }); } catch (e) { return null; }
})();

const $ = (id) => document.getElementById(id);
const fmt = (n) => (n === null || n === undefined ? "—" : Number(n).toLocaleString("en-US"));

function fmtMs(ms) {
  if (ms === null || ms === undefined) return "—";
  if (ms >= 10000) return (ms / 1000).toFixed(0) + " s";
  if (ms >= 1000) return (ms / 1000).toFixed(1) + " s";
  return Math.round(ms) + " ms";
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    // CSSOM, not a style attribute: the Content-Security-Policy allows no inline styles.
    else if (key === "style") node.style.cssText = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

function replaceChildren(node, children) {
  while (node.firstChild) node.removeChild(node.firstChild);
  for (const child of children) node.appendChild(child);
}

function stack(parts, total) {
  const bar = el("div", { class: "stack" });
  if (total > 0) {
    for (const [cls, value] of parts) {
      if (value > 0) bar.appendChild(el("span", { class: cls, style: `width:${(100 * value) / total}%` }));
    }
  }
  return bar;
}

// --- canvas charts ---------------------------------------------------------------------

function prepareCanvas(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return { ctx, width, height };
}

function niceMax(value) {
  if (value <= 0) return 1;
  const power = Math.pow(10, Math.floor(Math.log10(value)));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (value <= step * power) return step * power;
  }
  return 10 * power;
}

function timeLabel(seconds) {
  const d = new Date(seconds * 1000);
  return d.toTimeString().slice(0, 5);
}

// Events/s of each bucket; the last one is still filling: its rate is over the seconds so far.
function rates(counts, throughput, now) {
  const step = throughput.step;
  const lastStart = throughput.start + (counts.length - 1) * step;
  const elapsed = Math.min(step, Math.max(1, now - lastStart));
  return counts.map((n, i) => n / (i === counts.length - 1 ? elapsed : step));
}

// Lines of events/s per agent.
function drawThroughput(canvas, throughput, now) {
  const { ctx, width, height } = prepareCanvas(canvas);
  const step = throughput.step;
  const names = Object.keys(throughput.events);
  const series = names.map((name) => rates(throughput.events[name], throughput, now));
  const points = series.length ? series[0].length : 0;
  const pad = { left: 42, right: 12, top: 10, bottom: 24 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const top = niceMax(Math.max(0.1, ...series.flat()));
  ctx.font = "11px system-ui, sans-serif";
  ctx.strokeStyle = "#e3e8ee";
  ctx.fillStyle = "#6b7785";
  ctx.lineWidth = 1;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  // niceMax gives 1, 2, 2.5 or 5 times a power of ten: 4 or 5 even steps.
  const mantissa = top / Math.pow(10, Math.floor(Math.log10(top)));
  const divisions = Math.abs(mantissa - 2) < 1e-9 ? 4 : 5;
  const digits = top / divisions >= 1 ? 0 : top / divisions >= 0.1 ? 1 : 2;
  for (let i = 0; i <= divisions; i++) {
    const y = pad.top + plotH - (plotH * i) / divisions;
    ctx.beginPath();
    ctx.moveTo(pad.left, y + 0.5);
    ctx.lineTo(width - pad.right, y + 0.5);
    ctx.stroke();
    ctx.fillText(((top * i) / divisions).toFixed(digits), pad.left - 6, y);
  }
  if (points < 2) return;
  const x = (i) => pad.left + (plotW * i) / (points - 1);
  const y = (v) => pad.top + plotH - (plotH * v) / top;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (let i = 0; i < points; i++) {
    const t = throughput.start + i * step;
    if (t % 60 !== 0) continue;
    // Keep the edge labels inside the canvas.
    ctx.textAlign = x(i) > width - 24 ? "right" : x(i) < pad.left + 16 ? "left" : "center";
    ctx.fillText(timeLabel(t), x(i), pad.top + plotH + 6);
  }
  series.forEach((values, index) => {
    const color = COLORS[index % COLORS.length];
    ctx.beginPath();
    values.forEach((v, i) => (i ? ctx.lineTo(x(i), y(v)) : ctx.moveTo(x(i), y(v))));
    ctx.strokeStyle = color;
    // Each line thinner than the one before it, drawn on top: equal series stay visible.
    ctx.lineWidth = Math.max(1.5, 4 - 1.25 * index);
    ctx.lineJoin = "round";
    ctx.stroke();
    ctx.lineTo(x(values.length - 1), y(0));
    ctx.lineTo(x(0), y(0));
    ctx.closePath();
    ctx.globalAlpha = 0.07;
    ctx.fillStyle = color;
    ctx.fill();
    ctx.globalAlpha = 1;
  });
  const legend = names.map((name, index) => {
    const values = series[index];
    const last = values.length ? values[values.length - 1] : 0;
    return el("span", {}, el("i", { style: `background:${COLORS[index % COLORS.length]}` }), name,
      el("b", { text: `${last.toFixed(1)}/s` }));
  });
  replaceChildren($("throughput-legend"), legend);
}

// Dead letters per 10 s bucket, as bars.
function drawDeadLetters(canvas, throughput) {
  const { ctx, width, height } = prepareCanvas(canvas);
  const values = throughput.deadletter;
  const top = niceMax(Math.max(1, ...values));
  const barW = width / values.length;
  ctx.fillStyle = "#eef1f5";
  ctx.fillRect(0, height - 1, width, 1);
  ctx.fillStyle = "#e39b2d";
  values.forEach((v, i) => {
    if (!v) return;
    const h = Math.max(2, ((height - 14) * v) / top);
    ctx.fillRect(i * barW + 1, height - h, Math.max(1, barW - 2), h);
  });
  ctx.fillStyle = "#6b7785";
  ctx.font = "11px system-ui, sans-serif";
  ctx.textBaseline = "top";
  ctx.fillText(`max ${top} per ${throughput.step} s, last 5 minutes`, 2, 0);
}

// --- lists, tables, histogram ----------------------------------------------------------

function barList(node, rows, { label = (k) => k, note = () => null, empty = "nothing yet" } = {}) {
  if (!rows.length) {
    replaceChildren(node, [el("li", { class: "empty", text: empty })]);
    return;
  }
  const top = Math.max(...rows.map((r) => r[1]));
  replaceChildren(node, rows.map(([key, count]) => el("li", {},
    el("span", { class: "label", dir: "auto", title: key }, label(key), note(key)),
    el("span", { class: "bar" }, el("span", { style: `width:${(100 * count) / top}%` })),
    el("span", { class: "count", text: fmt(count) }))));
}

function renderStages(stages) {
  const rows = Object.entries(stages).map(([name, c]) => {
    const row = el("tr", {},
      el("td", { text: name }),
      el("td", { class: "num", text: fmt(c.processed) }),
      el("td", { class: "num", text: fmt(c.ok) }),
      el("td", { class: "num", text: fmt(c.skipped) }),
      el("td", { class: "num" + (c.failed ? " failed-nonzero" : ""), text: fmt(c.failed) }),
      el("td", {}, stack([["ok", c.ok], ["skipped", c.skipped], ["failed", c.failed]], c.processed)));
    row.dataset.stage = name;
    return row;
  });
  replaceChildren($("stages-body"), rows.length ? rows
    : [el("tr", {}, el("td", { colspan: "6", class: "muted", text: "no articles yet" }))]);
}

function renderAgents(agents) {
  const rows = Object.entries(agents).map(([name, c]) => {
    const row = el("tr", {},
      el("td", { text: name }),
      el("td", { class: "num", text: fmt(c.processed) }),
      el("td", { class: "num", text: fmt(c.forwarded) }),
      el("td", { class: "num" + (c.deadletter ? " dead-nonzero" : ""), text: fmt(c.deadletter) }),
      el("td", {}, stack([["fwd", c.forwarded], ["dead", c.deadletter]], c.processed)),
      el("td", {}));
    row.dataset.agent = name;
    return row;
  });
  replaceChildren($("agents-body"), rows);
}

function renderHistogram(latency) {
  const counts = latency.counts || [];
  const bounds = latency.bounds || [];
  const top = Math.max(1, ...counts);
  // Show the span of buckets that hold anything, with a little context on each side.
  let first = counts.findIndex((n) => n > 0);
  let last = counts.length - 1 - [...counts].reverse().findIndex((n) => n > 0);
  if (first < 0) { first = 0; last = Math.min(counts.length - 1, 7); }
  first = Math.max(0, first - 1);
  last = Math.min(counts.length - 1, Math.max(last + 1, first + 5));
  const columns = [];
  for (let i = first; i <= last; i++) {
    const label = i < bounds.length ? "≤" + fmtMs(bounds[i]) : ">" + fmtMs(bounds[bounds.length - 1]);
    columns.push(el("div", { class: "col", title: `${fmt(counts[i])} articles ${label}` },
      el("span", { class: "n", text: counts[i] ? fmt(counts[i]) : "" }),
      el("div", { class: "b", style: `height:${(85 * counts[i]) / top}%` }),
      el("span", { class: "t", text: label })));
  }
  replaceChildren($("latency-histogram"), columns);
}

function agentLine(name, agent) {
  // Per agent: the input partitions this worker holds, whether it runs, its crashes.
  const parts = agent.partitions.length ? `partitions ${agent.partitions.join(", ")}` : "no partitions";
  const crashes = agent.crashes ? ` · ${agent.crashes} crash${agent.crashes > 1 ? "es" : ""}` : "";
  const state = agent.state === "running" ? "" : ` · ${agent.state}`;
  const bad = agent.state !== "running" || agent.crashes > 0;
  return el("li", { class: bad ? "agent bad" : agent.partitions.length ? "agent" : "agent idle",
    title: agent.last_error || "" }, `${name}: ${parts}${state}${crashes}`);
}

function renderWorkers(workers) {
  replaceChildren($("workers"), workers.map((w) => {
    const state = !w.ok ? "down" : w.ready ? "" : "wait";
    const detail = !w.ok ? "not answering" : (w.ready ? "ready" : "not ready");
    const agents = Object.entries(w.agents || {}).map(([name, a]) => agentLine(name, a));
    const reasons = (w.reasons || []).map((r) => el("li", { class: "reason", text: r }));
    return el("li", {},
      el("div", { class: "worker-head" },
        el("span", {}, el("span", { class: "dot " + state }), w.url),
        el("span", { class: "muted", text: detail })),
      agents.length || reasons.length ? el("ul", { class: "worker-agents" }, ...agents, ...reasons) : null);
  }));
}

function windowLabel(window) {
  return `${timeLabel(window.start)}–${timeLabel(window.end)}`;
}

function render(stats) {
  const final = Object.keys(stats.throughput.events).slice(-1)[0];
  const step = stats.throughput.step;
  // The last six full buckets and the one filling now.
  const recent = final ? stats.throughput.events[final].slice(-7) : [];
  const filling = Math.min(step, Math.max(1, stats.time - (stats.throughput.start
    + (stats.throughput.deadletter.length - 1) * step)));
  const perSecond = recent.reduce((a, b) => a + b, 0) / (6 * step + filling);
  const dead = stats.deadletter.total;
  const handled = Object.values(stats.agents).reduce((a, c) => a + c.processed, 0);
  const latency = stats.latency_ms;

  $("kpi-enriched").textContent = fmt(stats.enriched);
  $("kpi-enriched-note").textContent = `${fmt(handled)} events handled by ${Object.keys(stats.agents).length} agents`;
  $("kpi-rate").textContent = perSecond.toFixed(1);
  $("kpi-dead").textContent = fmt(dead);
  $("kpi-dead-note").textContent = handled ? `${((100 * dead) / handled).toFixed(2)} % of events` : "\u00a0";
  $("kpi-dups").textContent = fmt(stats.duplicates);
  $("kpi-p50").textContent = fmtMs(latency.p50);
  $("kpi-p90").textContent = fmtMs(latency.p90);
  $("kpi-p99").textContent = fmtMs(latency.p99);
  $("kpi-latency-note").textContent = latency.count
    ? `${fmt(latency.count)} articles · mean ${fmtMs(latency.mean)} · max ${fmtMs(latency.max)}`
    : "no enriched articles yet";

  drawThroughput($("throughput"), stats.throughput, stats.time);
  drawDeadLetters($("deadletter-chart"), stats.throughput);
  renderHistogram(latency);
  renderStages(stats.stages);
  renderAgents(stats.agents);
  barList($("dead-reasons"), Object.entries(stats.deadletter.by_reason), { empty: "none — every message went through" });

  const windows = stats.trending.windows;
  const shown = windows.find((w) => w.articles > 0) || windows[0];
  const label = shown ? `${windowLabel(shown)} · ${fmt(shown.articles)} articles` : "";
  $("window-entities").textContent = label;
  $("window-countries").textContent = label;
  barList($("trending-entities"), shown ? shown.entities.slice(0, 12) : []);
  barList($("trending-countries"), shown ? shown.countries.slice(0, 12) : [], {
    note: (code) => (countryNames ? el("small", { text: countryNames.of(code) || "" }) : null),
  });
  barList($("sources"), Object.entries(stats.sources).slice(0, 12));
  const dialects = Object.entries(stats.dialects);
  $("dialects-card").hidden = dialects.length === 0;
  barList($("dialects"), dialects);
  renderWorkers(stats.workers);

  const answering = stats.workers.filter((w) => w.ok).length;
  $("workers-summary").textContent = `${answering}/${stats.workers.length} workers answering`;
  setStatus(stats.complete ? "live" : "partial", stats.complete ? "live" : "some workers silent");
  $("updated").textContent = "updated " + new Date(stats.time * 1000).toLocaleTimeString("en-GB");
}

function setStatus(kind, text) {
  const pill = $("status");
  pill.className = "pill pill-" + kind;
  pill.textContent = text;
}

let latest = null;

// With STREAMS_WEB_TOKEN set, the data needs the token: asked once, kept for this tab only.
const TOKEN_KEY = "streams-web-token";

function authHeaders() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { Authorization: "Bearer " + token } : {};
}

function askForToken() {
  $("token-form").hidden = false;
  $("token").focus();
}

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
  $("token").value = "";
  $("token-form").hidden = true;
});

async function refresh() {
  try {
    const response = await fetch("/stats", { cache: "no-store", headers: authHeaders() });
    if (response.status === 401) {
      setStatus("down", "token needed");
      askForToken();
      return;
    }
    if (!response.ok) throw new Error("HTTP " + response.status);
    latest = await response.json();
    render(latest);
  } catch (error) {
    // Keep the last figures on screen; say the worker is not answering.
    setStatus("down", "worker not answering");
  } finally {
    setTimeout(refresh, REFRESH_MS);
  }
}

window.addEventListener("resize", () => {
  if (latest) {
    drawThroughput($("throughput"), latest.throughput, latest.time);
    drawDeadLetters($("deadletter-chart"), latest.throughput);
  }
});

refresh();
