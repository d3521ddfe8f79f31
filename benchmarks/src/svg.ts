import { sig } from './format.js';
import type { Results } from './results.js';

/** Distinct colours; convt backends take the first ones, peers the rest, in registry order. */
const PALETTE = [
  '#1f77b4',
  '#aec7e8',
  '#2ca02c',
  '#98df8a',
  '#9467bd',
  '#c5b0d5',
  '#8c564b',
  '#7f7f7f',
  '#d62728',
  '#ff9896',
  '#ff7f0e',
  '#ffbb78',
  '#17becf',
  '#bcbd22',
  '#e377c2',
  '#c49c94',
];

const esc = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/**
 * A grouped bar chart: one group per workload, one bar per backend or peer, GFLOP/s on a log axis
 * (the runners span three orders of magnitude). Cells without a number draw no bar; the legend
 * says which runners never produced one.
 */
export function resultsSvg(r: Results): string {
  const shown = r.backends.filter((b) => r.cells.some((c) => c.backend === b.id && c.gflops !== undefined));
  const hidden = r.backends.filter((b) => !shown.includes(b));
  const values = r.cells.flatMap((c) => (c.gflops !== undefined ? [c.gflops] : []));
  const lo = Math.floor(Math.log10(Math.min(...values, 1)));
  const hi = Math.ceil(Math.log10(Math.max(...values, 1)));
  const bar = 8;
  const gap = 16;
  const groupWidth = Math.max(shown.length, 1) * bar + gap;
  const left = 64;
  const top = 56;
  const plotHeight = 340;
  const plotWidth = r.workloads.length * groupWidth;
  const width = Math.max(left + plotWidth + 20, 720);
  const legendColumns = Math.max(1, Math.floor((width - left) / 240));
  const legendRows = Math.ceil(shown.length / legendColumns);
  const legendTop = top + plotHeight + 44;
  const height = legendTop + legendRows * 20 + (hidden.length ? 36 : 16);
  const y = (v: number) => top + plotHeight - ((Math.log10(v) - lo) / (hi - lo || 1)) * plotHeight;
  const parts: string[] = [];
  const m = r.machine;

  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="22" font-size="16" font-weight="bold">ConvTranspose2d throughput: GFLOP/s per workload (log scale, higher is better)</text>`,
    `<text x="${left}" y="40" fill="#555">${esc(`${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.date.slice(0, 10)}${r.settings.quick ? ', --quick' : ''}`)}</text>`,
  );
  for (let e = lo; e <= hi; e++) {
    const v = 10 ** e;
    parts.push(
      `<line x1="${left}" x2="${left + plotWidth}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${Number(v.toPrecision(1))}</text>`,
    );
  }
  parts.push(
    `<text transform="translate(16 ${top + plotHeight / 2}) rotate(-90)" text-anchor="middle">GFLOP/s</text>`,
  );
  r.workloads.forEach((w, wi) => {
    const x0 = left + wi * groupWidth + gap / 2;
    shown.forEach((b, bi) => {
      const cell = r.cells.find((c) => c.workload === w.name && c.backend === b.id);
      if (cell?.gflops === undefined) return;
      const color = PALETTE[r.backends.indexOf(b) % PALETTE.length];
      const yTop = y(cell.gflops);
      parts.push(
        `<rect x="${x0 + bi * bar}" y="${yTop.toFixed(1)}" width="${bar - 1}" height="${(top + plotHeight - yTop).toFixed(1)}" fill="${color}"><title>${esc(`${b.label} on ${w.name}: ${sig(cell.gflops)} GFLOP/s`)}</title></rect>`,
      );
    });
    parts.push(
      `<text x="${x0 + (groupWidth - gap) / 2}" y="${top + plotHeight + 16}" text-anchor="middle">${esc(w.name)}</text>`,
    );
  });
  parts.push(
    `<line x1="${left}" x2="${left + plotWidth}" y1="${top + plotHeight}" y2="${top + plotHeight}" stroke="#333"/>`,
  );
  shown.forEach((b, i) => {
    const x = left + (i % legendColumns) * 240;
    const ly = legendTop + Math.floor(i / legendColumns) * 20;
    const color = PALETTE[r.backends.indexOf(b) % PALETTE.length];
    parts.push(
      `<rect x="${x}" y="${ly - 10}" width="12" height="12" fill="${color}"/>`,
      `<text x="${x + 18}" y="${ly}">${esc(b.label)}</text>`,
    );
  });
  const footY = legendTop + legendRows * 20 + 8;
  parts.push(
    `<text x="${left}" y="${footY}" fill="#555">No bar: unsupported, skipped (too slow) or wrong on that workload; see latest.md.</text>`,
  );
  if (hidden.length) {
    parts.push(
      `<text x="${left}" y="${footY + 18}" fill="#555">${esc(`Not shown (no result): ${hidden.map((b) => `${b.label}${b.status === 'unavailable' ? ' (unavailable)' : ''}`).join(', ')}`)}</text>`,
    );
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
