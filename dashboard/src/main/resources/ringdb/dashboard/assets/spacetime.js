// The message space-time diagram: one lane per node, time to the right, an arrow per message.
// Drops end in a cross, duplicates are dashed amber, unusually slow deliveries are drawn thick.
import { escape, setMarkup, formatMicros, formatTime } from "./dom.js";

const LABEL_WIDTH = 64;
const ELEMENTS_MAX = 1500;

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
 * view: {endMicros, windowMicros, width, height}; messages: accumulated (oldest first); timeline:
 * accumulated entries. Built as one markup string: thousands of elements cost milliseconds this way.
 * Returns how many messages the window holds and shows.
 */
export function renderSpacetime(svgElement, state, messages, timeline, view) {
  const width = Math.max(300, view.width || 1000);
  const height = Math.max(120, view.height || 240);
  svgElement.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svgElement.setAttribute("preserveAspectRatio", "xMinYMin meet");
  const ids = state.nodes.map((n) => n.id);
  const up = new Map(state.nodes.map((n) => [n.id, n.up]));
  const top = 14;
  const laneGap = ids.length > 1 ? (height - top - 22) / (ids.length - 1) : 0;
  const laneY = new Map(ids.map((id, i) => [id, top + i * laneGap]));
  const start = view.endMicros - view.windowMicros;
  const plotWidth = width - LABEL_WIDTH - 8;
  const x = (t) => (LABEL_WIDTH + ((t - start) / view.windowMicros) * plotWidth).toFixed(1);
  const parts = [arrowheads()];
  for (const id of ids) {
    const y = laneY.get(id).toFixed(1);
    parts.push(`<line class="lane${up.get(id) ? "" : " down"}" x1="${LABEL_WIDTH}" x2="${width - 8}" y1="${y}" y2="${y}"/>`,
      `<text class="lane-label" x="4" y="${(laneY.get(id) + 4).toFixed(1)}">${escape(id)}</text>`);
  }
  for (let i = 0; i <= 4; i++) {
    const t = start + (view.windowMicros * i) / 4;
    const anchor = i === 0 ? "start" : i === 4 ? "end" : "middle";
    parts.push(`<text class="tick" x="${x(t)}" y="${height - 4}" text-anchor="${anchor}">${escape(formatTime(t, state.kind))}</text>`);
  }
  for (const entry of timeline) {
    if (entry.atMicros < start || entry.atMicros > view.endMicros) continue;
    parts.push(`<line class="event-mark" x1="${x(entry.atMicros)}" x2="${x(entry.atMicros)}" y1="4" y2="${height - 16}">` +
      `<title>${escape(`${entry.kind} ${entry.node} ${entry.subject} ${entry.detail}`)}</title></line>`);
  }
  const visible = [];
  for (let i = messages.length - 1; i >= 0; i--) { // newest first: stop once past the window
    const m = messages[i];
    if (m.atMicros < start - 10_000_000) break;
    if (m.atMicros >= start && m.sentMicros <= view.endMicros && laneY.has(m.from) && laneY.has(m.to)) visible.push(m);
  }
  const shown = visible.slice(0, ELEMENTS_MAX);
  const slowMicros = Math.max(5000, 3 * median(shown.filter((m) => m.outcome === "DELIVERED").map((m) => m.atMicros - m.sentMicros)));
  for (const m of shown) parts.push(messageMarkup(m, x, laneY, slowMicros));
  setMarkup(svgElement, parts.join(""));
  return { visible: visible.length, shown: shown.length };
}

const ARROW_COLORS = { gossip: "#64748b", write: "#22c55e", read: "#a78bfa", other: "#38bdf8", dup: "#f59e0b" };

function arrowheads() {
  return "<defs>" + Object.entries(ARROW_COLORS).map(([name, color]) =>
    `<marker id="arrow-${name}" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="6" markerHeight="6" ` +
    `orient="auto-start-reverse" markerUnits="userSpaceOnUse"><path d="M 0 0 L 8 4 L 0 8 z" fill="${color}"/></marker>`).join("") +
    "</defs>";
}

/** One message; its description sits in data-info and becomes a tooltip on hover (see describeOnHover). */
function messageMarkup(m, x, laneY, slowMicros) {
  const x1 = x(m.sentMicros);
  const y1 = laneY.get(m.from);
  const y2 = laneY.get(m.to);
  const delay = m.atMicros - m.sentMicros;
  const info = escape(`${m.type} ${m.from} → ${m.to} · ${m.outcome.toLowerCase().replaceAll("_", " ")}` +
    (delay > 0 ? ` after ${formatMicros(delay)}` : ""));
  if (m.outcome.startsWith("DROPPED")) {
    // Dropped at send time (random, partition): a short stub towards the target; at arrival (node down): the full way.
    const x2 = delay > 0 ? Number(x(m.atMicros)) : Number(x1) + 10;
    const yEnd = y1 + (y2 - y1) * (delay > 0 ? 1 : 0.35);
    return `<line class="msg drop" x1="${x1}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${yEnd.toFixed(1)}" ` +
      `data-outcome="${m.outcome}" data-info="${info}"/>` +
      `<path class="drop-x" d="M ${(x2 - 3).toFixed(1)} ${(yEnd - 3).toFixed(1)} l 6 6 m 0 -6 l -6 6"/>`;
  }
  const style = m.outcome === "DUPLICATED" ? "dup" : category(m.type);
  const slow = delay >= slowMicros ? " slow" : "";
  return `<line class="msg ${style}${slow}" x1="${x1}" y1="${y1.toFixed(1)}" x2="${x(m.atMicros)}" y2="${y2.toFixed(1)}" ` +
    `marker-end="url(#arrow-${style})" data-outcome="${m.outcome}" data-info="${info}"/>`;
}

/** Shows a message's description as a tooltip when the pointer rests on it. */
export function describeOnHover(svgElement) {
  svgElement.addEventListener("mouseover", (event) => {
    const line = event.target;
    if (line.dataset && line.dataset.info && !line.querySelector("title")) {
      const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
      title.textContent = line.dataset.info;
      line.append(title);
    }
  });
}
