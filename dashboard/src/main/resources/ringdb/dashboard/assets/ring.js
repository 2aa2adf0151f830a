// The token ring: every vnode coloured by its node, arcs for the ranges each token starts,
// node states, ownership, and the looked-up key with its replicas.
import { svg, el, replace, colorOf, percent } from "./dom.js";

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
  const children = [svg("circle", { class: "track", cx: CENTER, cy: CENTER, r: RADIUS })];
  const tokens = state.tokens;
  // Each token owns the range from the previous token (exclusive) to itself: draw that arc in its colour.
  tokens.forEach((token, i) => {
    const previous = tokens[(i - 1 + tokens.length) % tokens.length];
    const node = nodesById.get(token.node);
    const down = node && !node.up;
    children.push(svg("path", { class: "arc" + (down ? " down" : ""), d: arcPath(previous.position, token.position, RADIUS),
      stroke: colorOf(nodeIds, token.node), "stroke-opacity": 0.55, dataset: { node: token.node } }));
  });
  tokens.forEach((token) => {
    const node = nodesById.get(token.node);
    const down = node && !node.up;
    const [x, y] = point(token.position, RADIUS);
    const classes = ["token"];
    if (down) classes.push("down");
    if (replicas.has(token.node)) classes.push("replica");
    children.push(svg("circle", { class: classes.join(" "), cx: x.toFixed(2), cy: y.toFixed(2), r: down ? 4 : 4.5,
      fill: colorOf(nodeIds, token.node), dataset: { node: token.node, token: token.token } },
      svg("title", {}, `${token.node}${down ? " (down)" : ""} · token ${token.token}`)));
  });
  if (lookup) children.push(...keyMarker(lookup));
  const up = state.nodes.filter((n) => n.up).length;
  children.push(svg("text", { class: "center-big", x: CENTER, y: CENTER - 4 }, `${up}/${state.nodes.length}`));
  children.push(svg("text", { class: "center-text", x: CENTER, y: CENTER + 16 }, "nodes up"));
  children.push(svg("text", { class: "center-text", x: CENTER, y: CENTER + 32 }, `RF ${state.replicationFactor} · ${tokens.length} tokens`));
  replace(svgElement, children);
  renderLegend(legendElement, state, nodeIds, replicas);
  summaryElement.textContent = `${state.nodes.length} nodes`;
}

function keyMarker(lookup) {
  const [x, y] = point(lookup.position, RADIUS + 16);
  const [x0, y0] = point(lookup.position, RADIUS - 24);
  return [
    svg("line", { class: "key-ray", x1: x0.toFixed(2), y1: y0.toFixed(2), x2: x.toFixed(2), y2: y.toFixed(2) }),
    svg("circle", { class: "key-marker", cx: x.toFixed(2), cy: y.toFixed(2), r: 6 },
      svg("title", {}, `key "${lookup.key}" · token ${lookup.token}`)),
  ];
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
