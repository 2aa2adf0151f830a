// Tables and lists: nodes, network counters and matrix, partitions, gossip, timeline.
import { el, replace, colorOf, formatBytes, formatCount, formatMicros, formatTime, percent } from "./dom.js";

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
  setText(cells[10], node.streaming || "–");
  setText(cells[11], `${formatGeneration(node.generation)} / ${node.heartbeatVersion}`, `generation ${node.generation}`);
  const [toggle, remove] = cells[12].children;
  const name = node.up ? "fail" : "recover";
  toggle.dataset.action = name;
  toggle.className = node.up ? "danger fail" : "recover";
  setText(toggle, node.up ? "Fail" : "Recover");
  applyAvailability(toggle, actions.get(name));
  const removable = actions.get("removeNode");
  remove.hidden = !(removable && removable.enabled);
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
  renderMatrix(matrixElement, state, nodeIds);
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

function renderMatrix(table, state, nodeIds) {
  const links = new Map(state.network.links.map((l) => [l.from + ">" + l.to, l]));
  const blocked = blockedPairs(state.network.partitions);
  const ids = state.nodes.map((n) => n.id);
  const maxDelivered = Math.max(1, ...state.network.links.map((l) => l.delivered));
  const head = el("tr", {}, el("th", { class: "row" }, "from \\ to"), ids.map((id) => el("th", {}, id)));
  const rows = ids.map((from) => el("tr", {}, el("th", { class: "row" }, from), ids.map((to) => {
    if (from === to) return el("td", { class: "self" }, "·");
    const link = links.get(from + ">" + to) || { sent: 0, delivered: 0, dropped: 0, duplicated: 0 };
    const dropShare = link.sent > 0 ? link.dropped / link.sent : 0;
    const intensity = 0.12 + 0.55 * (link.delivered / maxDelivered);
    const background = dropShare > 0.02
      ? `rgba(239,68,68,${Math.min(0.85, 0.2 + dropShare).toFixed(2)})`
      : `rgba(59,130,246,${intensity.toFixed(2)})`;
    return el("td", {
      class: blocked.has(from + ">" + to) ? "blocked" : "",
      style: `background:${background}`,
      dataset: { from, to, dropped: link.dropped },
      title: `${from} → ${to}: sent ${link.sent}, delivered ${link.delivered}, dropped ${link.dropped}, duplicated ${link.duplicated}` +
        (blocked.has(from + ">" + to) ? " — blocked by a partition" : ""),
    }, formatCount(link.delivered), link.dropped > 0 ? el("span", { class: "muted" }, `/${formatCount(link.dropped)}✕`) : "");
  })));
  replace(table, el("thead", {}, head), el("tbody", {}, rows));
}

export function renderGossip(table, state) {
  const ids = state.nodes.map((n) => n.id);
  const digests = new Set(state.gossip.map((g) => g.ringVersion));
  const head = el("tr", {}, el("th", { class: "row" }, "observer"), el("th", { title: "generation: start time" }, "started"), el("th", {}, "hb"),
    el("th", {}, "ring"), ids.map((id) => el("th", {}, id)));
  const rows = state.gossip.map((g) => {
    const peers = new Map(g.peers.map((p) => [p.peer, p]));
    return el("tr", { dataset: { node: g.node } },
      el("th", { class: "row" }, g.node), el("td", { title: `generation ${g.generation}` }, formatGeneration(g.generation)),
      el("td", {}, g.heartbeatVersion),
      el("td", { title: "ring view digest", style: digests.size > 1 ? "color:#f59e0b" : "" }, String(g.ringVersion).slice(0, 6)),
      ids.map((id) => {
        if (id === g.node) return el("td", { class: "self" }, "·");
        const peer = peers.get(id);
        if (!peer) return el("td", { class: "self", title: `${g.node} does not know ${id}` }, "?");
        const suspicion = Math.min(1, peer.phi / 8);
        const background = peer.up ? `rgba(34,197,94,${(0.15 + 0.2 * (1 - suspicion)).toFixed(2)})`
          : "rgba(239,68,68,0.55)";
        return el("td", {
          class: peer.up ? "" : "suspect", style: `background:${background}`, dataset: { peer: id, up: peer.up },
          title: `${g.node} sees ${id}: ${peer.up ? "UP" : "DOWN"}, phi ${peer.phi.toFixed(2)}, ` +
            `heartbeat ${peer.heartbeatVersion} seen ${formatMicros(peer.heartbeatAgeMicros)} ago, generation ${peer.generation}, ${peer.state}`,
        }, peer.phi >= 100 ? "∞" : peer.phi.toFixed(1));
      }));
  });
  replace(table, el("thead", {}, head), el("tbody", {}, rows));
}

const KIND_CLASS = {
  PEER_DOWN: "bad", FAIL: "bad", STOPPED: "bad", PARTITION: "bad", ERROR: "bad", REMOVED: "bad",
  PEER_UP: "good", RECOVER: "good", STARTED: "good", HEAL: "good", HINTS_DELIVERED: "good", JOINED: "good",
  RECOVERY_DONE: "good", HINT_STORED: "warn", JOINING: "warn", LEAVING: "warn", LEFT: "warn",
  PEER_RESTARTED: "warn", RECOVERY_STARTED: "warn", NETWORK: "warn",
};

/** Newest first; entries is the page's accumulated timeline (oldest first). */
export function renderTimeline(list, entries, kind) {
  const newest = entries.slice(-300).reverse();
  replace(list, newest.map((e) => el("li", { dataset: { kind: e.kind, node: e.node, subject: e.subject } },
    el("time", {}, formatTime(e.atMicros, kind)),
    el("div", {}, el("span", { class: "kind " + (KIND_CLASS[e.kind] || "info") }, e.kind.replaceAll("_", " ")),
      e.node ? el("b", {}, e.node) : "", e.subject && e.subject !== e.node ? ` → ${e.subject}` : "", e.detail ? el("span", { class: "muted" }, ` ${e.detail}`) : ""))));
}
