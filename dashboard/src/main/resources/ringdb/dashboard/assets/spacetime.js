// The message space-time diagram: one lane per node, time to the right, an arrow per message.
// Drops end in a cross, duplicates are dashed amber, unusually slow deliveries are drawn thick.
import { svg, replace, formatMicros, formatTime } from "./dom.js";

const LABEL_WIDTH = 64;
const ELEMENTS_MAX = 2500;

function category(type) {
  if (/syn|ack|gossip|shutdown|echo/i.test(type)) return "gossip";
  if (/mutat|write|hint|stream/i.test(type)) return "write";
  if (/read|digest|repair/i.test(type)) return "read";
  return "other";
}

function median(values) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * view: {endMicros, windowMicros}; messages: accumulated (oldest first); timeline: accumulated entries.
 * Returns how many messages the window shows.
 */
export function renderSpacetime(svgElement, state, messages, timeline, view) {
  const width = Math.max(300, svgElement.clientWidth || 1000);
  const height = Math.max(120, svgElement.clientHeight || 240);
  svgElement.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svgElement.setAttribute("preserveAspectRatio", "xMinYMin meet");
  const ids = state.nodes.map((n) => n.id);
  const up = new Map(state.nodes.map((n) => [n.id, n.up]));
  const top = 14;
  const laneGap = ids.length > 1 ? (height - top - 22) / (ids.length - 1) : 0;
  const laneY = new Map(ids.map((id, i) => [id, top + i * laneGap]));
  const start = view.endMicros - view.windowMicros;
  const plotWidth = width - LABEL_WIDTH - 8;
  const x = (t) => LABEL_WIDTH + ((t - start) / view.windowMicros) * plotWidth;
  const children = [arrowheads()];
  for (const id of ids) {
    const y = laneY.get(id);
    children.push(svg("line", { class: "lane" + (up.get(id) ? "" : " down"), x1: LABEL_WIDTH, x2: width - 8, y1: y, y2: y }));
    children.push(svg("text", { class: "lane-label", x: 4, y: y + 4 }, id));
  }
  for (let i = 0; i <= 4; i++) {
    const t = start + (view.windowMicros * i) / 4;
    children.push(svg("text", { class: "tick", x: x(t), y: height - 4, "text-anchor": i === 0 ? "start" : i === 4 ? "end" : "middle" },
      formatTime(t, state.kind)));
  }
  for (const entry of timeline) {
    if (entry.atMicros < start || entry.atMicros > view.endMicros) continue;
    children.push(svg("line", { class: "event-mark", x1: x(entry.atMicros), x2: x(entry.atMicros), y1: 4, y2: height - 16 },
      svg("title", {}, `${entry.kind} ${entry.node} ${entry.subject} ${entry.detail}`)));
  }
  const visible = messages.filter((m) => m.atMicros >= start && m.sentMicros <= view.endMicros && laneY.has(m.from) && laneY.has(m.to));
  const shown = visible.slice(-ELEMENTS_MAX);
  const slowMicros = Math.max(5000, 3 * median(shown.filter((m) => m.outcome === "DELIVERED").map((m) => m.atMicros - m.sentMicros)));
  for (const m of shown) children.push(...messageShapes(m, x, laneY, slowMicros, state.kind));
  replace(svgElement, children);
  return { visible: visible.length, shown: shown.length };
}

const ARROW_COLORS = { gossip: "#64748b", write: "#22c55e", read: "#a78bfa", other: "#38bdf8", dup: "#f59e0b" };

function arrowheads() {
  return svg("defs", {}, Object.entries(ARROW_COLORS).map(([name, color]) =>
    svg("marker", { id: "arrow-" + name, viewBox: "0 0 8 8", refX: 7, refY: 4, markerWidth: 6, markerHeight: 6,
      orient: "auto-start-reverse", markerUnits: "userSpaceOnUse" },
    svg("path", { d: "M 0 0 L 8 4 L 0 8 z", fill: color }))));
}

function messageShapes(m, x, laneY, slowMicros, kind) {
  const x1 = x(m.sentMicros);
  const y1 = laneY.get(m.from);
  const y2 = laneY.get(m.to);
  const delay = m.atMicros - m.sentMicros;
  const title = svg("title", {}, `${m.type} ${m.from} → ${m.to} · sent ${formatTime(m.sentMicros, kind)} · ` +
    `${m.outcome.toLowerCase().replaceAll("_", " ")}${delay > 0 ? " after " + formatMicros(delay) : ""}`);
  if (m.outcome.startsWith("DROPPED")) {
    // Dropped at send time (random, partition): a short stub towards the target; at arrival (node down): the full way.
    const fraction = delay > 0 ? 1 : 0.35;
    const x2 = delay > 0 ? x(m.atMicros) : x1 + 10;
    const yEnd = y1 + (y2 - y1) * fraction;
    return [svg("line", { class: "msg drop", x1, y1, x2, y2: yEnd, dataset: { outcome: m.outcome } }, title),
      svg("path", { class: "drop-x", d: `M ${x2 - 3} ${yEnd - 3} l 6 6 m 0 -6 l -6 6` })];
  }
  const style = m.outcome === "DUPLICATED" ? "dup" : category(m.type);
  const classes = ["msg", style];
  if (delay >= slowMicros) classes.push("slow");
  return [svg("line", { class: classes.join(" "), x1, y1, x2: x(m.atMicros), y2, "marker-end": `url(#arrow-${style})`,
    dataset: { outcome: m.outcome } }, title)];
}
