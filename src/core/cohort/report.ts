/**
 * The group report as one self-contained HTML page (pure string builder): no script, no external
 * file, no network — images are inline SVG and PNG data URIs, so it opens offline from a cluster's
 * file system or as an e-mail attachment.
 */
import type { GroupSummary, PairResult, SubjectRow } from './group';
import { base64 } from './png';
import type { Interval } from './stats';

export interface ReportMapImage {
  /** e.g. "Mean relevance, AD" or "AD - CN". */
  label: string;
  /** The NIfTI file next to the report (relative link) that the viewer can open as an overlay. */
  file: string;
  /** PNG pictures of axial, coronal, sagittal slices. */
  slices: { plane: string; png: Uint8Array }[];
}

export interface ReportData {
  title: string;
  version: string;
  model: { id: string; sha256: string; disclaimer: string };
  method: string;
  engine: string;
  summary: GroupSummary;
  rows: (SubjectRow & { inputKind: string; verdict: string })[];
  failures: { key: string; reason: string }[];
  /** Subjects with neither a result nor a recorded failure (their task did not finish). */
  missing: string[];
  maps: ReportMapImage[];
}

const COLOURS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#666666'];

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const fmt = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const withInterval = (i: Interval, digits = 3) => `${fmt(i.estimate, digits)} [${fmt(i.lo, digits)}, ${fmt(i.hi, digits)}]`;

function rocSvg(pairs: readonly PairResult[]): string {
  const size = 300,
    pad = 40,
    plot = size - 2 * pad;
  const px = (f: number) => pad + f * plot,
    py = (t: number) => size - pad - t * plot;
  const lines = pairs.map((p, i) => {
    const pts = p.roc.map((q) => `${px(q.fpr).toFixed(1)},${py(q.tpr).toFixed(1)}`).join(' ');
    return `<polyline fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="2" points="${pts}"/>`;
  });
  const legend = pairs.map(
    (p, i) =>
      `<text x="${pad + 8}" y="${pad + 14 + 16 * i}" fill="${COLOURS[i % COLOURS.length]}" font-size="12">${escapeHtml(`${p.positive} vs ${p.negative}: ${fmt(p.auc.estimate)}`)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" role="img" aria-label="ROC curves">
<rect x="${pad}" y="${pad}" width="${plot}" height="${plot}" fill="none" stroke="#999"/>
<line x1="${px(0)}" y1="${py(0)}" x2="${px(1)}" y2="${py(1)}" stroke="#ccc" stroke-dasharray="4 4"/>
${lines.join('\n')}
${legend.join('\n')}
<text x="${size / 2}" y="${size - 8}" text-anchor="middle" font-size="12">false-positive rate</text>
<text x="12" y="${size / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 12 ${size / 2})">true-positive rate</text>
</svg>`;
}

function range(values: readonly number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return [0, 1];
  let lo = Math.min(...finite),
    hi = Math.max(...finite);
  if (hi === lo) {
    lo -= 1;
    hi += 1;
  }
  const m = (hi - lo) * 0.05;
  return [lo - m, hi + m];
}

function scatterSvg(rows: readonly SubjectRow[], groups: readonly string[]): string {
  const w = 420,
    h = 320,
    pad = 48;
  const [x0, x1] = range(rows.map((r) => r.hippocampalVolume)),
    [y0, y1] = range(rows.map((r) => r.hippocampusRelevance));
  const px = (x: number) => pad + ((x - x0) / (x1 - x0)) * (w - 2 * pad),
    py = (y: number) => h - pad - ((y - y0) / (y1 - y0)) * (h - 2 * pad);
  const colourOf = (g?: string) => COLOURS[Math.max(0, groups.indexOf(g ?? '')) % COLOURS.length];
  const dots = rows
    .filter((r) => Number.isFinite(r.hippocampalVolume) && Number.isFinite(r.hippocampusRelevance))
    .map(
      (r) =>
        `<circle cx="${px(r.hippocampalVolume).toFixed(1)}" cy="${py(r.hippocampusRelevance).toFixed(1)}" r="3" fill="${colourOf(r.group)}" fill-opacity="0.75"><title>${escapeHtml(`${r.key} ${r.group ?? ''}`)}</title></circle>`,
    );
  const legend = groups.map(
    (g, i) => `<text x="${w - pad + 4}" y="${pad + 14 * i}" fill="${COLOURS[i % COLOURS.length]}" font-size="12">${escapeHtml(g)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w + 40}" height="${h}" role="img" aria-label="Hippocampus relevance against hippocampal volume">
<rect x="${pad}" y="${pad / 2}" width="${w - 2 * pad}" height="${h - 1.5 * pad}" fill="none" stroke="#999"/>
${dots.join('\n')}
${legend.join('\n')}
<text x="${pad}" y="${h - pad + 16}" font-size="11">${fmt(x0, 2)}</text><text x="${w - pad}" y="${h - pad + 16}" font-size="11" text-anchor="end">${fmt(x1, 2)}</text>
<text x="${pad - 4}" y="${h - pad}" font-size="11" text-anchor="end">${fmt(y0, 2)}</text><text x="${pad - 4}" y="${pad / 2 + 10}" font-size="11" text-anchor="end">${fmt(y1, 2)}</text>
<text x="${w / 2}" y="${h - 8}" text-anchor="middle" font-size="12">hippocampal gray-matter volume (cm³)</text>
<text x="12" y="${h / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 12 ${h / 2})">hippocampus relevance</text>
</svg>`;
}

function table(head: readonly string[], rows: readonly (string | number)[][]): string {
  const cell = (v: string | number) => `<td>${escapeHtml(typeof v === 'number' ? fmt(v) : v)}</td>`;
  return `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>\n${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('\n')}\n</tbody></table>`;
}

export function reportHtml(d: ReportData): string {
  const s = d.summary;
  const groups = s.groups.map((g) => g.group);
  const maps = d.maps.map(
    (m) => `<figure><figcaption>${escapeHtml(m.label)} — <a href="${escapeHtml(m.file)}">${escapeHtml(m.file)}</a></figcaption>
${m.slices.map((sl) => `<img alt="${escapeHtml(`${m.label}, ${sl.plane}`)}" src="data:image/png;base64,${base64(sl.png)}">`).join('')}</figure>`,
  );
  const qc =
    d.failures.length || d.missing.length
      ? table(
          ['subject', 'problem'],
          [
            ...d.failures.map((f) => [f.key, f.reason]),
            ...d.missing.map((k) => [k, 'no result and no recorded failure: its task did not finish; rerun the participant level']),
          ],
        )
      : '<p>No subject failed.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(d.title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}
.warn{background:#fff3cd;border:1px solid #e0c36c;padding:.5em 1em}
figure{margin:1em 0}figure img{width:242px;image-rendering:pixelated;margin-right:4px;background:#000}
.plots{display:flex;gap:2em;flex-wrap:wrap}
</style></head><body>
<h1>${escapeHtml(d.title)}</h1>
<p class="warn">${escapeHtml(d.model.disclaimer)} Relevance explains the model's output; it is not a diagnosis.</p>
<p>Model ${escapeHtml(d.model.id)} (SHA-256 <code>${escapeHtml(d.model.sha256)}</code>), method ${escapeHtml(d.method)}, engine ${escapeHtml(d.engine)}, ${escapeHtml(d.version)}.</p>
<h2>Summary</h2>
<p>${s.n} subjects analysed, ${d.failures.length} failed, ${d.missing.length} without result.</p>
${table(
  ['group', 'n', 'mean P(AD)', 'mean hippocampus relevance', 'mean hippocampal volume (cm³)'],
  s.groups.map((g) => [g.group, String(g.n), g.meanProbability, g.meanHippocampusRelevance, g.meanHippocampalVolume]),
)}
${table(
  ['pair', 'n', 'AUC [95 % bootstrap interval]'],
  s.pairs.map((p) => [`${p.positive} vs ${p.negative}`, `${p.nPositive} / ${p.nNegative}`, `${withInterval(p.auc)} (${p.auc.resamples} stratified resamples)`]),
)}
<p>r(hippocampus relevance, hippocampal volume) = ${withInterval(s.correlation)} (n = ${s.correlation.n}, 95 % interval from Fisher's z).</p>
<div class="plots"><div><h2>ROC curves</h2>${rocSvg(s.pairs)}</div><div><h2>Relevance and volume</h2>${scatterSvg(d.rows, groups)}</div></div>
<h2>Mean relevance maps</h2>
<p>Axial, coronal and sagittal slices through the left hippocampus, neurological orientation (left on the left); red-yellow positive, blue-cyan negative; the group means share one colour scale (the 99.9th percentile of |relevance|), each difference has its own; over the cohort's mean model input. Drop a NIfTI file named here onto the viewer's page to see it as an overlay.</p>
${maps.join('\n')}
<h2>Quality control</h2>
${qc}
<details><summary>All subjects (${d.rows.length})</summary>
${table(
  ['subject', 'group', 'input', 'QC', 'P(AD)', 'hippocampus relevance', 'hippocampal volume (cm³)'],
  d.rows.map((r) => [r.key, r.group ?? '', r.inputKind, r.verdict, r.probability, r.hippocampusRelevance, r.hippocampalVolume]),
)}
</details>
</body></html>
`;
}
