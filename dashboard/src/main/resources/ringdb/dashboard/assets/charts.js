// Small SVG line charts for operations per second and latency percentiles.
import { svg, replace, formatMicros } from "./dom.js";

let WIDTH = 560;
let HEIGHT = 130;
const LEFT = 46;
const BOTTOM = 16;

function niceMax(value) {
  if (value <= 0) return 1;
  const magnitude = Math.pow(10, Math.floor(Math.log10(value)));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * magnitude >= value) return step * magnitude;
  }
  return 10 * magnitude;
}

/** Draws series [{values, color}] over points (one x per point); formatY labels the axis. */
export function lineChart(svgElement, points, series, formatY, formatX, size) {
  WIDTH = Math.max(200, size.width || 560);
  HEIGHT = Math.max(80, size.height || 130);
  svgElement.setAttribute("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
  svgElement.setAttribute("preserveAspectRatio", "xMinYMin meet");
  const children = [];
  const count = points.length;
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const plotWidth = WIDTH - LEFT - 4;
  const plotHeight = HEIGHT - BOTTOM - 6;
  for (let i = 0; i <= 4; i++) {
    const y = 6 + plotHeight * (1 - i / 4);
    children.push(svg("line", { class: "gridline", x1: LEFT, x2: WIDTH - 4, y1: y, y2: y }));
    children.push(svg("text", { class: "axis-label", x: LEFT - 4, y: y + 3, "text-anchor": "end" }, formatY(max * i / 4)));
  }
  if (count > 0) {
    children.push(svg("text", { class: "axis-label", x: LEFT, y: HEIGHT - 3 }, formatX(points[0].atMicros)));
    children.push(svg("text", { class: "axis-label", x: WIDTH - 4, y: HEIGHT - 3, "text-anchor": "end" },
      formatX(points[count - 1].atMicros)));
  }
  const x = (i) => LEFT + (count <= 1 ? plotWidth : (plotWidth * i) / (count - 1));
  const y = (v) => 6 + plotHeight * (1 - v / max);
  for (const s of series) {
    if (count === 0) continue;
    const coordinates = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    children.push(svg("polyline", { points: coordinates, stroke: s.color, class: s.name, dataset: { series: s.name } }));
  }
  if (count === 0) {
    children.push(svg("text", { class: "axis-label", x: WIDTH / 2, y: HEIGHT / 2, "text-anchor": "middle" }, "no operations yet"));
  }
  replace(svgElement, children);
}

/** sizes: {ops: {width, height}, latency: {...}} measured before any DOM write of this frame. */
export function renderCharts(opsElement, latencyElement, noteElement, state, formatX, sizes) {
  const points = state.metrics;
  lineChart(opsElement, points, [
    { name: "ops", color: "#38bdf8", values: points.map((p) => p.operationsPerSecond) },
    { name: "errors", color: "#ef4444", values: points.map((p) => p.errorsPerSecond) },
  ], (v) => v >= 1000 ? (v / 1000).toFixed(1) + "k" : String(Math.round(v * 10) / 10), formatX, sizes.ops);
  lineChart(latencyElement, points, [
    { name: "p50", color: "#22c55e", values: points.map((p) => p.p50Micros) },
    { name: "p95", color: "#f59e0b", values: points.map((p) => p.p95Micros) },
    { name: "p99", color: "#ef4444", values: points.map((p) => p.p99Micros) },
  ], formatMicros, formatX, sizes.latency);
  const last = points[points.length - 1];
  noteElement.textContent = last
    ? `${last.operationsPerSecond.toFixed(0)} op/s · p99 ${formatMicros(last.p99Micros)}` +
      (state.kind === "simulated" ? " (simulated time)" : "")
    : "";
}
