// Small DOM and formatting helpers shared by every view.
const SVG_NS = "http://www.w3.org/2000/svg";

/** Creates an HTML element: el("td", {class: "num", title: "x"}, "text", child...). */
export function el(tag, attributes = {}, ...children) {
  return fill(document.createElement(tag), attributes, children);
}

/** Creates an SVG element with attributes and children. */
export function svg(tag, attributes = {}, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attributes, children);
}

function fill(node, attributes, children) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "dataset") Object.assign(node.dataset, value);
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replaces the children of a node. */
export function replace(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

const PALETTE = ["#3b82f6", "#f59e0b", "#10b981", "#ef4444", "#a855f7", "#06b6d4", "#f472b6", "#84cc16",
  "#eab308", "#6366f1", "#14b8a6", "#fb7185", "#8b5cf6", "#22d3ee", "#fb923c", "#4ade80", "#c084fc",
  "#facc15", "#60a5fa", "#f87171"];

/** A stable colour per node: its index among all node ids seen, sorted. */
export function colorOf(nodeIds, id) {
  const index = nodeIds.indexOf(id);
  return PALETTE[(index < 0 ? 0 : index) % PALETTE.length];
}

export function formatBytes(bytes) {
  if (bytes === undefined || bytes === null || bytes < 0) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return (unit === 0 ? value.toFixed(0) : value.toFixed(value < 10 ? 1 : 0)) + " " + units[unit];
}

export function formatMicros(micros) {
  if (micros === undefined || micros === null) return "–";
  if (micros < 1000) return micros.toFixed(0) + " µs";
  if (micros < 1_000_000) return (micros / 1000).toFixed(micros < 10_000 ? 2 : 1) + " ms";
  return (micros / 1_000_000).toFixed(2) + " s";
}

/** A cluster time: seconds with millisecond precision for the simulator, a clock time for a real cluster. */
export function formatTime(micros, kind) {
  if (kind === "real") return new Date(micros / 1000).toLocaleTimeString();
  return (micros / 1_000_000).toFixed(3) + " s";
}

export function formatCount(n) {
  if (n === undefined || n === null || n < 0) return "–";
  if (n >= 10_000_000) return (n / 1_000_000).toFixed(1) + "M";
  if (n >= 100_000) return (n / 1000).toFixed(0) + "k";
  return String(n);
}

export function percent(fraction) {
  return (fraction * 100).toFixed(1) + "%";
}

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for use inside markup built as a string (the fast path for views with many elements). */
export function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Replaces an element's content with markup, only when it changed. */
export function setMarkup(node, markup) {
  if (node._markup !== markup) {
    node._markup = markup;
    node.innerHTML = markup;
  }
}
