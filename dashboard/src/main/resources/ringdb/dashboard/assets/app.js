// The dashboard page: keeps a live copy of the cluster's state (server-sent events), merges the
// timeline and message history it has seen, renders every view and sends operator actions.
import { el, replace, formatMicros, formatTime } from "./dom.js";
import { renderRing } from "./ring.js";
import { renderCharts } from "./charts.js";
import { renderNodes, renderNetwork, renderGossip, renderTimeline } from "./panels.js";
import { renderSpacetime, describeOnHover } from "./spacetime.js";

const MESSAGES_KEPT = 20000;
const TIMELINE_KEPT = 1000;
const LOOKUP_REFRESH_MILLIS = 1500;
const $ = (id) => document.getElementById(id);

const page = {
  state: null,
  nodeIds: [],            // every node id ever seen, sorted: stable colours
  actions: new Map(),
  messages: [],
  lastMessageSequence: -1,
  timeline: [],
  lastTimelineSequence: -1,
  lookup: null,
  lookupKey: "",
  lookupAt: 0,
  partitionSideA: new Set(),
  faultsEdited: false,
  renderQueued: false,
};

// ---- live updates ------------------------------------------------------------------------------

function connect() {
  const source = new EventSource("/api/dashboard/stream");
  source.addEventListener("state", (event) => accept(JSON.parse(event.data)));
  source.onopen = () => setConnection(true);
  source.onerror = () => setConnection(false); // EventSource reconnects by itself
}

function setConnection(live) {
  const badge = $("connection");
  badge.textContent = live ? "● live" : "○ reconnecting";
  badge.className = "badge " + (live ? "ok" : "bad");
}

function accept(state) {
  if (page.state && state.version === page.state.version) return;
  if (page.state && (state.version < page.state.version || state.seed !== page.state.seed)) {
    // A new run behind the same address (the server restarted): what the page kept belongs to the old one.
    page.messages = [];
    page.lastMessageSequence = -1;
    page.timeline = [];
    page.lastTimelineSequence = -1;
  }
  adoptRenumberedTimeline(state.timeline);
  page.state = state;
  for (const node of state.nodes) {
    if (!page.nodeIds.includes(node.id)) page.nodeIds = [...page.nodeIds, node.id].sort(naturalOrder);
  }
  page.actions = new Map(state.actions.map((a) => [a.name, a]));
  for (const m of state.messages) {
    if (m.sequence > page.lastMessageSequence) { page.messages.push(m); page.lastMessageSequence = m.sequence; }
  }
  if (page.messages.length > MESSAGES_KEPT) page.messages.splice(0, page.messages.length - MESSAGES_KEPT);
  for (const t of state.timeline) {
    if (t.sequence > page.lastTimelineSequence) { page.timeline.push(t); page.lastTimelineSequence = t.sequence; }
  }
  if (page.timeline.length > TIMELINE_KEPT) page.timeline.splice(0, page.timeline.length - TIMELINE_KEPT);
  if (page.lookupKey && Date.now() - page.lookupAt > LOOKUP_REFRESH_MILLIS) lookup(page.lookupKey, false);
  queueRender();
}

/**
 * A source may number its timeline by position in a bounded buffer, so numbers repeat once it wraps.
 * When the newest incoming entry carries a number the page already holds for a different event, the
 * incoming list (the source's whole recent timeline) replaces the page's.
 */
function adoptRenumberedTimeline(incoming) {
  if (incoming.length === 0) return;
  const newest = incoming[incoming.length - 1];
  const held = page.timeline.find((t) => t.sequence === newest.sequence);
  const same = held && held.atMicros === newest.atMicros && held.kind === newest.kind && held.node === newest.node
    && held.subject === newest.subject && held.detail === newest.detail;
  if (newest.sequence <= page.lastTimelineSequence && !same) {
    page.timeline = [...incoming];
    page.lastTimelineSequence = newest.sequence;
  }
}

function naturalOrder(a, b) {
  return a.localeCompare(b, undefined, { numeric: true });
}

function queueRender() {
  if (page.renderQueued) return;
  page.renderQueued = true;
  requestAnimationFrame(() => { page.renderQueued = false; render(); });
}

// ---- rendering ---------------------------------------------------------------------------------

/** Render costs, for anyone checking that the page keeps up (read by the browser tests). */
const renderStats = { renders: 0, lastMillis: 0, maxMillis: 0, totalMillis: 0, sections: {} };
window.dashboardRenderStats = renderStats;

function render() {
  const started = performance.now();
  renderAll();
  const millis = performance.now() - started;
  renderStats.renders++;
  renderStats.lastMillis = millis;
  renderStats.totalMillis += millis;
  renderStats.maxMillis = Math.max(renderStats.maxMillis, millis);
}

function size(element) {
  return { width: element.clientWidth, height: element.clientHeight };
}

function renderAll() {
  const state = page.state;
  if (!state) return;
  // Measure before writing anything: a read after a write would force a layout of the whole page.
  const sizes = { ops: size($("chart-ops")), latency: size($("chart-latency")), spacetime: size($("spacetime")) };
  timed("header", () => renderHeader(state));
  timed("ring", () => renderRing($("ring"), $("ring-legend"), $("ring-summary"), state, page.nodeIds, page.lookup));
  timed("nodes", () => renderNodes($("nodes-table").tBodies[0], state, page.nodeIds, page.actions, act));
  timed("charts", () => renderCharts($("chart-ops"), $("chart-latency"), $("charts-note"), state,
    (t) => formatTime(t, state.kind), sizes, page.timeline));
  timed("network", () => renderNetwork($("net-counters"), $("net-matrix"), $("partitions"), state, page.nodeIds));
  timed("gossip", () => renderGossip($("gossip-table"), state));
  timed("timeline", () => renderTimeline($("timeline"), page.timeline, state.kind, $("timeline-filter").value));
  renderFaultControls(state);
  renderCoordinators(state);
  // The message diagram needs every message (simulated clusters); fault injection exists only where offered.
  $("spacetime-card").hidden = state.kind !== "simulated";
  document.querySelector("main.grid").classList.toggle("real-layout", state.kind !== "simulated");
  $("faults-card").hidden = !["partition", "heal", "network"].some((name) => page.actions.get(name)?.enabled);
  timed("messages", () => renderMessages(state, sizes.spacetime));
  renderLookupTable();
  applyActionAvailability();
}

function timed(section, work) {
  const started = performance.now();
  work();
  renderStats.sections[section] = (renderStats.sections[section] || 0) + performance.now() - started;
}

function renderHeader(state) {
  const simulated = state.kind === "simulated";
  $("cluster-kind").textContent = simulated ? "simulated cluster" : "live cluster";
  $("seed-box").hidden = state.seed === null || state.seed === undefined;
  $("seed").textContent = state.seed ?? "";
  $("seed").title = "replay this run with: ./ringdb dashboard --seed " + state.seed;
  $("clock").textContent = (simulated ? "t = " : "") + formatTime(state.nowMicros, state.kind);
  $("sim-controls").hidden = !simulated;
  const agreement = $("agreement");
  agreement.textContent = state.ringAgreement ? "✓ ring agreed" : "⚠ ring views differ";
  agreement.className = "badge " + (state.ringAgreement ? "ok" : "bad");
  if (!simulated || !state.simulation) return;
  const sim = state.simulation;
  const pause = $("pause");
  pause.textContent = sim.paused ? "▶ Resume" : "Pause";
  pause.dataset.action = sim.paused ? "resume" : "pause";
  $("step").disabled = !sim.paused;
  const speed = $("speed");
  if (![...speed.options].some((o) => Number(o.value) === sim.speed)) {
    speed.append(el("option", { value: String(sim.speed) }, sim.speed + "×"));
  }
  if (document.activeElement !== speed) speed.value = [...speed.options].find((o) => Number(o.value) === sim.speed).value;
  if (document.activeElement !== $("workload")) $("workload").value = String(sim.workloadOpsPerSecond);
  $("events").textContent = sim.eventsProcessed.toLocaleString("en") + " events";
  $("lag").textContent = sim.lagMicros > 500_000 ? `behind by ${formatMicros(sim.lagMicros)}` : "";
}

function renderFaultControls(state) {
  const builder = $("partition-builder");
  const ids = state.nodes.map((n) => n.id);
  if (builder.dataset.nodes !== ids.join(",")) {
    builder.dataset.nodes = ids.join(",");
    replace(builder, ids.map((id) => {
      const chip = el("label", { class: "chip" + (page.partitionSideA.has(id) ? " selected" : ""), dataset: { node: id } },
        el("input", { type: "checkbox", dataset: { node: id } }), id);
      chip.addEventListener("click", (event) => {
        event.preventDefault();
        if (page.partitionSideA.has(id)) page.partitionSideA.delete(id); else page.partitionSideA.add(id);
        chip.classList.toggle("selected", page.partitionSideA.has(id));
      });
      return chip;
    }));
  }
  const faults = state.network.faults;
  $("network-faults").hidden = !faults;
  if (faults && !page.faultsEdited) {
    $("drop").value = faults.dropProbability;
    $("duplicate").value = faults.duplicateProbability;
    $("delay-min").value = faults.delayMinMicros / 1000;
    $("delay-max").value = faults.delayMaxMicros / 1000;
    showRates();
  }
}

function showRates() {
  $("drop-out").textContent = Math.round($("drop").value * 100) + "%";
  $("duplicate-out").textContent = Math.round($("duplicate").value * 100) + "%";
}

function renderCoordinators(state) {
  const select = $("op-coordinator");
  const ids = state.nodes.filter((n) => n.up).map((n) => n.id);
  if (select.dataset.nodes === ids.join(",")) return;
  select.dataset.nodes = ids.join(",");
  const chosen = select.value;
  replace(select, el("option", { value: "" }, "any live node"), ids.map((id) => el("option", { value: id }, id)));
  select.value = ids.includes(chosen) ? chosen : "";
}

function renderMessages(state, size) {
  const windowMicros = Number($("st-window").value);
  const live = $("st-live").checked;
  const oldest = page.messages.length ? page.messages[0].sentMicros : state.nowMicros;
  const earliestEnd = Math.min(state.nowMicros, oldest + windowMicros);
  const slider = $("st-scroll");
  let end = state.nowMicros;
  if (live) slider.value = slider.max;
  else end = earliestEnd + (state.nowMicros - earliestEnd) * (Number(slider.value) / Number(slider.max));
  const counts = renderSpacetime($("spacetime"), state, page.messages, page.timeline,
    { endMicros: end, windowMicros, width: size.width, height: size.height });
  $("spacetime-note").textContent = `${counts.shown} in view` + (counts.shown < counts.visible ? ` (of ${counts.visible})` : "") +
    ` · ${page.messages.length} kept` + (live ? "" : " · scrolled back");
}

function renderLookupTable() {
  const target = $("lookup-result");
  const result = page.lookup;
  if (!result) { replace(target); return; }
  const rows = result.replicas.map((r, i) => el("tr", { dataset: { node: r.node, state: r.state } },
    el("td", {}, i === 0 ? "primary" : `replica ${i + 1}`),
    el("td", {}, r.node, r.up ? "" : el("span", { class: "state DOWN" }, "DOWN")),
    el("td", { class: "value" }, r.state === "value" ? r.value : el("span", { class: "muted" }, r.state)),
    el("td", { class: "num" }, r.timestampMicros ? String(r.timestampMicros) : "–")));
  replace(target,
    el("div", {}, "key ", el("b", {}, result.key), " → token ", el("span", { class: "token" }, result.token)),
    el("table", { class: "data", id: "lookup-replicas" },
      el("thead", {}, el("tr", {}, el("th", {}, ""), el("th", {}, "node"), el("th", {}, "holds"), el("th", { class: "num" }, "timestamp µs"))),
      el("tbody", {}, rows)));
}

function applyActionAvailability() {
  for (const button of document.querySelectorAll("header [data-action], main .card > [data-action], #ops-card [data-action], " +
    "#faults-card [data-action], .membership [data-action]")) {
    const action = page.actions.get(button.dataset.action);
    const enabled = action && action.enabled;
    if (button.id === "step") { if (!enabled) button.disabled = true; } else button.disabled = !enabled;
    button.title = enabled ? (button.dataset.title || "") : (action ? action.disabledReason : "not offered by this cluster");
  }
  const add = page.actions.get("addNode");
  $("membership-note").textContent = add && !add.enabled ? add.disabledReason : "";
  const remove = page.actions.get("removeNode");
  $("remove-node").hidden = Boolean(remove && remove.enabled); // rows carry their own button then
  const moves = page.state ? page.state.movesInProgress || [] : [];
  $("moves").textContent = moves.length ? "in progress: " + moves.join(", ") : "";
}

// ---- actions -----------------------------------------------------------------------------------

// With password authentication on, an action of a dashboard session needs the session's CSRF
// token (the login page keeps it in sessionStorage). Refused for want of it (403), the page asks
// GET /v1/auth/session for it (answered to this page only) and tries once more; a node without
// logins is never asked.
function sendAction(action, params, token) {
  return fetch("/api/dashboard/action", {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
    body: JSON.stringify({ action, params }),
  });
}

async function post(action, params) {
  let response = await sendAction(action, params, sessionStorage.getItem("ringdb_csrf") || "");
  if (response.status === 403) {
    const session = await fetch("/v1/auth/session");
    if (session.ok) {
      const token = (await session.json()).csrf_token;
      sessionStorage.setItem("ringdb_csrf", token);
      response = await sendAction(action, params, token);
    }
  }
  const body = await response.json();
  if (!response.ok) return { ok: false, message: body.error || response.statusText };
  return body;
}

async function act(action, params = {}) {
  const result = await post(action, params);
  toast(result.message, result.ok);
  return result;
}

async function operation(action) {
  const key = $("op-key").value;
  const params = { key, cl: $("op-cl").value, coordinator: $("op-coordinator").value };
  if (action === "put") params.value = $("op-value").value;
  const entry = el("li", { class: "pending" }, `${action.toUpperCase()} ${key} @${params.cl} …`);
  $("op-log").prepend(entry);
  const result = await post(action, params);
  entry.className = result.ok ? "ok" : "failed";
  entry.textContent = `${action.toUpperCase()} ${key} @${params.cl}: ${result.message}`;
  if (key) lookup(key, true);
}

async function lookup(key, announce) {
  page.lookupKey = key;
  page.lookupAt = Date.now();
  if (announce) $("lookup-key").value = key;
  const response = await fetch("/api/dashboard/lookup?key=" + encodeURIComponent(key));
  const body = await response.json();
  if (!response.ok) { if (announce) toast(body.error, false); page.lookup = null; page.lookupKey = ""; return; }
  if (page.lookupKey === key) { page.lookup = body; queueRender(); }
}

let toastTimer = 0;
function toast(message, ok) {
  const box = $("toast");
  box.textContent = message;
  box.className = "toast" + (ok ? " ok" : "");
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, ok ? 2500 : 6000);
}

function wire() {
  $("pause").addEventListener("click", (e) => act(e.currentTarget.dataset.action));
  $("step").addEventListener("click", () => act("step", { events: "1" }));
  $("speed").addEventListener("change", (e) => act("speed", { speed: e.target.value }));
  $("workload").addEventListener("change", (e) => act("workload", { opsPerSecond: e.target.value }));
  $("add-node").addEventListener("click", () => act("addNode"));
  $("remove-node").addEventListener("click", () => toast("use the Remove button on a node's row", true));
  for (const name of ["put", "get", "delete"]) $("op-" + name).addEventListener("click", () => operation(name));
  $("op-form").addEventListener("submit", (e) => { e.preventDefault(); operation("get"); });
  $("lookup-form").addEventListener("submit", (e) => { e.preventDefault(); lookup($("lookup-key").value, true); });
  $("partition-apply").addEventListener("click", () => {
    const ids = page.state ? page.state.nodes.map((n) => n.id) : [];
    const sideA = ids.filter((id) => page.partitionSideA.has(id));
    const sideB = ids.filter((id) => !page.partitionSideA.has(id));
    act("partition", { sideA: sideA.join(","), sideB: sideB.join(","), oneWay: String($("partition-one-way").checked) });
  });
  $("heal").addEventListener("click", () => act("heal"));
  for (const id of ["drop", "duplicate", "delay-min", "delay-max"]) {
    $(id).addEventListener("input", () => { page.faultsEdited = true; showRates(); });
  }
  $("network-apply").addEventListener("click", async () => {
    const result = await act("network", {
      dropProbability: $("drop").value, duplicateProbability: $("duplicate").value,
      delayMinMicros: String(Math.round(Number($("delay-min").value) * 1000)),
      delayMaxMicros: String(Math.round(Number($("delay-max").value) * 1000)),
    });
    if (result.ok) page.faultsEdited = false;
  });
  $("st-live").addEventListener("change", queueRender);
  $("timeline-filter").addEventListener("change", queueRender);
  $("st-window").addEventListener("change", queueRender);
  $("st-scroll").addEventListener("input", () => { $("st-live").checked = false; queueRender(); });
  $("spacetime").addEventListener("wheel", (e) => {
    e.preventDefault();
    const slider = $("st-scroll");
    $("st-live").checked = false;
    slider.value = String(Math.max(0, Math.min(Number(slider.max), Number(slider.value) + Math.sign(e.deltaY) * 20)));
    queueRender();
  }, { passive: false });
  window.addEventListener("resize", queueRender);
  describeOnHover($("spacetime"));
}

async function start() {
  wire();
  const response = await fetch("/api/dashboard/state");
  if (response.ok) accept(await response.json());
  connect();
}

start();
