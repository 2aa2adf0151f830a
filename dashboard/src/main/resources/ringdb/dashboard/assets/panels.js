// Tables and lists: nodes, network counters and matrix, partitions, gossip, timeline.
import { el, replace, colorOf, formatBytes, formatCount, formatMicros, formatTime, percent, escape, setMarkup } from "./dom.js";

/**
 * Nodes table, updated in place (rows, cells and buttons are kept between updates so a click is never
 * lost to a re-render); onAction(name, params) runs fail/recover/removeNode.
 */
export function renderNodes(tbody, state, nodeIds, actions, onAction) {
  if (!tbody.dataset.wired) {
    tbody.dataset.wired = "true";
    tbody.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action]");
      if (button && !button.disabled) onAction(button.dataset.action, { node: button.dataset.node });
    });
  }
  const rows = new Map([...tbody.rows].map((row) => [row.dataset.node, row]));
  state.nodes.forEach((node, index) => {
    let row = rows.get(node.id);
    if (!row) row = newNodeRow(node, nodeIds);
    rows.delete(node.id);
    if (tbody.rows[index] !== row) tbody.insertBefore(row, tbody.rows[index] || null);
    updateNodeRow(row, node, actions);
  });
  for (const stale of rows.values()) stale.remove();
}

function newNodeRow(node, nodeIds) {
  const cells = Array.from({ length: 13 }, (_, i) => el("td", { class: i >= 2 && i <= 9 || i === 11 ? "num" : "" }));
  cells[0].append(el("span", { class: "swatch", style: `background:${colorOf(nodeIds, node.id)}` }), " ",
    node.httpAddress ? el("a", { href: `http://${node.httpAddress}/`, title: "this node's own dashboard" }, node.id) : node.id);
  cells[1].append(el("span", { class: "state" }));
  cells[12].append(el("button", { type: "button", class: "toggle", dataset: { node: node.id } }),
    el("button", { type: "button", class: "remove", dataset: { node: node.id, action: "removeNode" } }, "Remove"));
  return el("tr", { dataset: { node: node.id } }, cells);
}

function setText(cell, text, title) {
  if (cell.textContent !== String(text)) cell.textContent = text;
  if (title !== undefined && cell.title !== title) cell.title = title;
}

function updateNodeRow(row, node, actions) {
  const stateName = node.up ? node.state : "DOWN";
  row.className = node.up ? "" : "down";
  row.dataset.state = stateName;
  const cells = row.cells;
  const badge = cells[1].firstChild;
  badge.className = "state " + stateName;
  setText(badge, stateName);
  setText(cells[2], percent(node.ownership));
  setText(cells[3], node.tokenCount);
  setText(cells[4], formatCount(node.keys));
  setText(cells[5], formatBytes(node.loadBytes));
  setText(cells[6], formatBytes(node.memtableBytes));
  setText(cells[7], formatCount(node.tableCount));
  setText(cells[8], formatBytes(node.commitLogBytes));
  setText(cells[9], formatCount(node.hintsPending), "hints this node holds for others");
  renderStreaming(cells[10], node);
  setText(cells[11], `${formatGeneration(node.generation)} / ${node.heartbeatVersion}`, `generation ${node.generation}`);
  const [toggle, remove] = cells[12].children;
  const name = node.up ? "fail" : "recover";
  toggle.dataset.action = name;
  toggle.className = node.up ? "danger fail" : "recover";
  toggle.hidden = stateName === "LEFT"; // it left the ring for good
  setText(toggle, node.up ? "Fail" : "Recover");
  applyAvailability(toggle, actions.get(name));
  const removable = actions.get("removeNode");
  remove.hidden = !(removable && removable.enabled) || stateName === "LEFT";
  setText(remove, node.up ? "Decommission" : "Remove");
  remove.title = node.up ? "stream its ranges to their new owners, then leave the ring"
    : "remove the dead node: the survivors re-replicate its ranges";
}

function renderStreaming(cell, node) {
  const progress = node.streamingProgress;
  const markup = progress >= 0
    ? `<span class="progress" title="${escape(node.streaming)}"><i style="width:${(progress * 100).toFixed(0)}%"></i></span> ` +
      `${(progress * 100).toFixed(0)}%`
    : escape(node.streaming || "–");
  setMarkup(cell, markup);
  if (cell.title !== (node.streaming || "")) cell.title = node.streaming || "";
}

function applyAvailability(button, action) {
  const enabled = Boolean(action && action.enabled);
  if (button.disabled === enabled) button.disabled = !enabled;
  const title = enabled ? "" : action ? action.disabledReason : "not offered by this cluster";
  if (button.title !== title) button.title = title;
}

/** A generation is the node's start time in microseconds on its own clock: show it as a time of day. */
export function formatGeneration(generation) {
  if (!generation) return "–";
  return new Date(generation / 1000).toISOString().slice(11, 22);
}

export function renderNetwork(countersElement, matrixElement, partitionsElement, state, nodeIds) {
  const network = state.network;
  const dropped = Object.values(network.droppedByCause).reduce((a, b) => a + b, 0);
  const causes = Object.entries(network.droppedByCause).filter(([, n]) => n > 0)
    .map(([cause, n]) => `${cause.replace("DROPPED_", "").toLowerCase()} ${formatCount(n)}`).join(" · ");
  replace(countersElement,
    counter("sent", network.sent, "net-sent"),
    counter("delivered", network.delivered, "net-delivered"),
    counter("dropped", dropped, "net-dropped", dropped > 0 ? "bad" : "", causes),
    counter("duplicated", network.duplicated, "net-duplicated"),
    counter("in flight", network.inFlight, "net-in-flight"));
  renderMatrix(matrixElement, state);
  replace(partitionsElement, network.partitions.length === 0
    ? el("li", { class: "none" }, "none — every node can reach every other")
    : network.partitions.map((p) => el("li", { class: "partition" },
      `{${p.sideA.join(", ")}} ${p.oneWay ? "→✕" : "✕"} {${p.sideB.join(", ")}}`,
      p.oneWay ? el("span", { class: "muted" }, " (one-way)") : "")));
}

function counter(label, value, id, extraClass = "", detail = "") {
  return el("div", { class: "counter " + extraClass, id },
    el("b", {}, formatCount(value)), el("span", {}, label), detail ? el("div", { class: "causes" }, detail) : null);
}

function blockedPairs(partitions) {
  const blocked = new Set();
  for (const p of partitions) {
    for (const a of p.sideA) for (const b of p.sideB) {
      blocked.add(a + ">" + b);
      if (!p.oneWay) blocked.add(b + ">" + a);
    }
  }
  return blocked;
}

function renderMatrix(table, state) {
  const links = new Map(state.network.links.map((l) => [l.from + ">" + l.to, l]));
  const blocked = blockedPairs(state.network.partitions);
  const ids = state.nodes.map((n) => n.id);
  const maxDelivered = Math.max(1, ...state.network.links.map((l) => l.delivered));
  const parts = ["<thead><tr><th class=\"row\">from \\ to</th>", ...ids.map((id) => `<th class="node-head">${escape(id)}</th>`), "</tr></thead><tbody>"];
  for (const from of ids) {
    parts.push(`<tr><th class="row">${escape(from)}</th>`);
    for (const to of ids) {
      if (from === to) { parts.push("<td class=\"self\">·</td>"); continue; }
      const link = links.get(from + ">" + to) || { sent: 0, delivered: 0, dropped: 0, duplicated: 0 };
      const dropShare = link.sent > 0 ? link.dropped / link.sent : 0;
      const background = dropShare > 0.02
        ? `rgba(239,68,68,${Math.min(0.85, 0.2 + dropShare).toFixed(2)})`
        : `rgba(59,130,246,${(0.12 + 0.55 * (link.delivered / maxDelivered)).toFixed(2)})`;
      const isBlocked = blocked.has(from + ">" + to);
      const title = `${from} → ${to}: sent ${link.sent}, delivered ${link.delivered}, dropped ${link.dropped}, ` +
        `duplicated ${link.duplicated}` + (isBlocked ? " — blocked by a partition" : "");
      parts.push(`<td class="${isBlocked ? "blocked" : ""}" style="background:${background}" data-from="${escape(from)}" ` +
        `data-to="${escape(to)}" data-dropped="${link.dropped}" title="${escape(title)}">${formatCount(link.delivered)}` +
        (link.dropped > 0 ? `<span class="muted">/${formatCount(link.dropped)}✕</span>` : "") + "</td>");
    }
    parts.push("</tr>");
  }
  parts.push("</tbody>");
  table.classList.toggle("compact", ids.length > COMPACT_NODES);
  setMarkup(table, parts.join(""));
}

/** Above this many nodes the matrices show coloured cells only (figures in each cell's tooltip). */
const COMPACT_NODES = 10;

export function renderGossip(table, state) {
  const ids = state.nodes.map((n) => n.id);
  const digests = new Set(state.gossip.map((g) => g.ringVersion));
  const parts = ["<thead><tr><th class=\"row\">observer</th><th title=\"generation: start time\">started</th><th>hb</th><th>ring</th>",
    ...ids.map((id) => `<th class="node-head">${escape(id)}</th>`), "</tr></thead><tbody>"];
  for (const g of state.gossip) {
    const peers = new Map(g.peers.map((p) => [p.peer, p]));
    parts.push(`<tr data-node="${escape(g.node)}"><th class="row">${escape(g.node)}</th>` +
      `<td title="generation ${g.generation}">${formatGeneration(g.generation)}</td><td>${g.heartbeatVersion}</td>` +
      `<td title="ring view digest"${digests.size > 1 ? " style=\"color:#f59e0b\"" : ""}>${escape(String(g.ringVersion).slice(0, 6))}</td>`);
    for (const id of ids) {
      const peer = peers.get(id);
      if (id === g.node) { parts.push("<td class=\"self\">·</td>"); continue; }
      if (!peer) { parts.push(`<td class="self" title="${escape(g.node)} does not know ${escape(id)}">?</td>`); continue; }
      const suspicion = Math.min(1, peer.phi / 8);
      const background = peer.up ? `rgba(34,197,94,${(0.15 + 0.2 * (1 - suspicion)).toFixed(2)})` : "rgba(239,68,68,0.55)";
      const title = `${g.node} sees ${id}: ${peer.up ? "UP" : "DOWN"}, phi ${peer.phi.toFixed(2)}, heartbeat ` +
        `${peer.heartbeatVersion} seen ${formatMicros(peer.heartbeatAgeMicros)} ago, generation ${peer.generation}, ${peer.state}`;
      parts.push(`<td class="${peer.up ? "" : "suspect"}" style="background:${background}" data-peer="${escape(id)}" ` +
        `data-up="${peer.up}" title="${escape(title)}">${peer.phi >= 100 ? "∞" : peer.phi.toFixed(1)}</td>`);
    }
    parts.push("</tr>");
  }
  parts.push("</tbody>");
  table.classList.toggle("compact", ids.length > COMPACT_NODES);
  setMarkup(table, parts.join(""));
}

const KIND_CLASS = {
  PEER_DOWN: "bad", FAIL: "bad", STOPPED: "bad", PARTITION: "bad", ERROR: "bad", REMOVED: "bad",
  PEER_UP: "good", RECOVER: "good", STARTED: "good", HEAL: "good", HINTS_DELIVERED: "good", JOINED: "good",
  RECOVERY_DONE: "good", HINT_STORED: "warn", JOINING: "warn", LEAVING: "warn", LEFT: "warn",
  PEER_RESTARTED: "warn", RECOVERY_STARTED: "warn", NETWORK: "warn",
};

const TIMELINE_FILTERS = {
  all: () => true,
  faults: (k) => ["STOPPED", "STARTED", "RECOVER", "ERROR", "PARTITION", "HEAL", "NETWORK", "JOINING", "JOINED",
    "LEAVING", "LEFT", "REMOVED", "ADD_NODE", "REMOVE_NODE", "CLOCK_SKEW", "SEED"].includes(k),
  gossip: (k) => k.startsWith("PEER_"),
  data: (k) => k.startsWith("HINT") || k.startsWith("RECOVERY") || k === "STREAM_PROGRESS",
  operator: (k) => ["RECOVER", "PARTITION", "HEAL", "NETWORK", "ADD_NODE", "REMOVE_NODE", "SEED"].includes(k),
};

/** Newest first; entries is the page's accumulated timeline (oldest first); filter names a TIMELINE_FILTERS entry. */
export function renderTimeline(list, entries, kind, filter = "all") {
  const accept = TIMELINE_FILTERS[filter] || TIMELINE_FILTERS.all;
  const parts = [];
  for (let i = entries.length - 1; i >= 0 && parts.length < 300; i--) {
    const e = entries[i];
    if (!accept(e.kind)) continue;
    const subject = e.subject && e.subject !== e.node ? ` → ${escape(e.subject)}` : "";
    parts.push(`<li data-kind="${escape(e.kind)}" data-node="${escape(e.node)}" data-subject="${escape(e.subject)}">` +
      `<time>${escape(formatTime(e.atMicros, kind))}</time><div><span class="kind ${KIND_CLASS[e.kind] || "info"}">` +
      `${escape(e.kind.replaceAll("_", " "))}</span>${e.node ? `<b>${escape(e.node)}</b>` : ""}${subject}` +
      (e.detail ? `<span class="muted"> ${escape(e.detail)}</span>` : "") + "</div></li>");
  }
  setMarkup(list, parts.join(""));
}
