// The token ring: every vnode coloured by its node, arcs for the ranges each token starts,
// node states, ownership, and the looked-up key with its replicas.
import { el, replace, colorOf, percent, escape, setMarkup } from "./dom.js";

const CENTER = 180;
const RADIUS = 140;

function point(position, radius) {
  const angle = position * 2 * Math.PI - Math.PI / 2; // 0 at the top, clockwise
  return [CENTER + radius * Math.cos(angle), CENTER + radius * Math.sin(angle)];
}

function arcPath(from, to, radius) {
  const [x1, y1] = point(from, radius);
  const [x2, y2] = point(to, radius);
  const span = (to - from + 1) % 1 || (to === from ? 1 : 0);
  const large = span > 0.5 ? 1 : 0;
  return `M ${x1.toFixed(2)} ${y1.toFixed(2)} A ${radius} ${radius} 0 ${large} 1 ${x2.toFixed(2)} ${y2.toFixed(2)}`;
}

/** Draws the ring from a snapshot; lookup (may be null) highlights a key and its replicas. */
export function renderRing(svgElement, legendElement, summaryElement, state, nodeIds, lookup) {
  const nodesById = new Map(state.nodes.map((n) => [n.id, n]));
  const replicas = new Set(lookup ? lookup.replicas.map((r) => r.node) : []);
  const parts = [`<circle class="track" cx="${CENTER}" cy="${CENTER}" r="${RADIUS}"/>`];
  const tokens = state.tokens;
  const isDown = (id) => { const node = nodesById.get(id); return Boolean(node && !node.up); };
  // Each token owns the range from the previous token (exclusive) to itself: draw that arc in its colour.
  tokens.forEach((token, i) => {
    const previous = tokens[(i - 1 + tokens.length) % tokens.length];
    parts.push(`<path class="arc${isDown(token.node) ? " down" : ""}" d="${arcPath(previous.position, token.position, RADIUS)}" ` +
      `stroke="${colorOf(nodeIds, token.node)}" stroke-opacity="0.55" data-node="${escape(token.node)}"/>`);
  });
  for (const token of tokens) {
    const down = isDown(token.node);
    const [x, y] = point(token.position, RADIUS);
    const classes = "token" + (down ? " down" : "") + (replicas.has(token.node) ? " replica" : "");
    parts.push(`<circle class="${classes}" cx="${x.toFixed(2)}" cy="${y.toFixed(2)}" r="${down ? 4 : 4.5}" ` +
      `fill="${colorOf(nodeIds, token.node)}" data-node="${escape(token.node)}" data-token="${token.token}">` +
      `<title>${escape(token.node)}${down ? " (down)" : ""} · token ${token.token}</title></circle>`);
  }
  if (lookup) parts.push(keyMarker(lookup));
  const up = state.nodes.filter((n) => n.up).length;
  parts.push(`<text class="center-big" x="${CENTER}" y="${CENTER - 4}">${up}/${state.nodes.length}</text>`,
    `<text class="center-text" x="${CENTER}" y="${CENTER + 16}">nodes up</text>`,
    `<text class="center-text" x="${CENTER}" y="${CENTER + 32}">RF ${state.replicationFactor} · ${tokens.length} tokens</text>`);
  setMarkup(svgElement, parts.join(""));
  renderLegend(legendElement, state, nodeIds, replicas);
  summaryElement.textContent = `${state.nodes.length} nodes`;
}

function keyMarker(lookup) {
  const [x, y] = point(lookup.position, RADIUS + 16);
  const [x0, y0] = point(lookup.position, RADIUS - 24);
  return `<line class="key-ray" x1="${x0.toFixed(2)}" y1="${y0.toFixed(2)}" x2="${x.toFixed(2)}" y2="${y.toFixed(2)}"/>` +
    `<circle class="key-marker" cx="${x.toFixed(2)}" cy="${y.toFixed(2)}" r="6">` +
    `<title>key "${escape(lookup.key)}" · token ${lookup.token}</title></circle>`;
}

function renderLegend(legendElement, state, nodeIds, replicas) {
  replace(legendElement, state.nodes.map((node) => el("li", {
    class: "ring-node" + (replicas.has(node.id) ? " replica" : ""),
    dataset: { node: node.id, state: node.up ? node.state : "DOWN" },
  },
  el("span", { class: "swatch", style: `background:${colorOf(nodeIds, node.id)}` }),
  node.id,
  el("span", { class: "state " + (node.up ? node.state : "DOWN") }, node.up ? node.state : "DOWN"),
  el("span", { class: "owns", title: "share of the ring it holds as primary replica" }, percent(node.ownership)))));
}
