// Interval charts drawn as SVG in the page (no chart library): one row per estimate, the
// interval as a bar, the estimate as a dot, what is documented as a tick, and published claims
// as diamonds, on a logarithmic axis (claims and estimates differ by orders of magnitude).
import { lang, num } from './i18n';

const svgNs = 'http://www.w3.org/2000/svg';

export function svg(tag: string, attributes: Record<string, string | number>, text?: string): SVGElement {
  const element = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

export interface IntervalRow {
  label: string;
  estimate: number;
  low: number;
  high: number;
  documented?: number;
  claims?: number[];
}

export function intervalChart(rows: IntervalRow[], title: string): SVGElement {
  const width = 640;
  const rowHeight = 30;
  const labelWidth = 170;
  const top = 24;
  const height = top + rows.length * rowHeight + 28;
  const values = rows.flatMap((r) => [r.low, r.high, r.estimate, r.documented ?? 0, ...(r.claims ?? [])]).filter((v) => v > 0);
  const min = Math.pow(10, Math.floor(Math.log10(Math.max(1, Math.min(...values)))));
  const max = Math.pow(10, Math.ceil(Math.log10(Math.max(10, ...values))));
  const rtl = lang() === 'ar';
  const plotStart = rtl ? 30 : labelWidth;
  const plotEnd = rtl ? width - labelWidth : width - 30;
  const x = (v: number) => {
    const share = (Math.log10(Math.max(v, min)) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
    return rtl ? plotEnd - share * (plotEnd - plotStart) : plotStart + share * (plotEnd - plotStart);
  };
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': title });
  chart.append(svg('title', {}, title));
  for (let tick = min; tick <= max; tick *= 10) {
    chart.append(svg('line', { x1: x(tick), x2: x(tick), y1: top - 6, y2: height - 24, stroke: '#d9d4c9' }));
    chart.append(svg('text', { x: x(tick), y: height - 8, 'text-anchor': 'middle', 'font-size': 11, fill: '#5a5650' }, num(tick)));
  }
  rows.forEach((r, i) => {
    const y = top + i * rowHeight + rowHeight / 2;
    // Long labels are cut to the label column; the whole label is the row's tooltip.
    const label = r.label.length > 26 ? `${r.label.slice(0, 25)}…` : r.label;
    const text = svg('text', { x: rtl ? width - 4 : 4, y: y + 4, 'font-size': 12, fill: '#1d1b18', 'text-anchor': 'start', direction: rtl ? 'rtl' : 'ltr' }, label);
    text.append(svg('title', {}, r.label));
    chart.append(text);
    chart.append(svg('line', { x1: x(r.low), x2: x(r.high), y1: y, y2: y, stroke: '#0b57a4', 'stroke-width': 6, 'stroke-linecap': 'round', opacity: 0.55 }));
    chart.append(svg('circle', { cx: x(r.estimate), cy: y, r: 5, fill: '#0b57a4' }));
    if (r.documented) chart.append(svg('line', { x1: x(r.documented), x2: x(r.documented), y1: y - 9, y2: y + 9, stroke: '#1d1b18', 'stroke-width': 2 }));
    for (const claim of r.claims ?? []) {
      const cx = x(claim);
      chart.append(svg('path', { d: `M${cx} ${y - 7} L${cx + 6} ${y} L${cx} ${y + 7} L${cx - 6} ${y} Z`, fill: '#a1201a' }));
    }
  });
  return chart;
}
