/** Region tables as CSV, identical in the CLI's regions.csv and the app's export. */
import type { LobeScore, RegionScore } from './regions';

function csvField(value: string | number): string {
  const s = typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toPrecision(7)) : value;
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(header: string[], rows: (string | number)[][]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/** One row per AAL region, in atlas order: the paper's score is positive_sum on the raw map. */
export function regionsCsv(regions: readonly RegionScore[]): string {
  return csv(
    ['region', 'hemisphere', 'voxels', 'positive_sum', 'negative_sum'],
    regions.map((r) => [r.name, r.hemisphere, r.voxels, r.positiveSum, r.negativeSum]),
  );
}

export function lobesCsv(lobes: readonly LobeScore[]): string {
  return csv(
    ['lobe', 'voxels', 'positive_sum', 'negative_sum'],
    lobes.map((l) => [l.label, l.voxels, l.positiveSum, l.negativeSum]),
  );
}
