/**
 * The group level of a batch run (pure): the subjects table, AUC per group pair, the correlation
 * of hippocampus relevance with hippocampal volume, and group-mean and group-difference maps.
 */
import { aucWithInterval, pearsonWithInterval, rocCurve, type Interval } from './stats';

export interface SubjectRow {
  key: string;
  group?: string;
  probability: number;
  hippocampusRelevance: number;
  hippocampalVolume: number;
}

/** Diagnostic groups ordered by expected disease stage; a pair's second group is the "positive" class. */
const STAGE_ORDER = ['CN', 'HC', 'SCD', 'SMC', 'EMCI', 'MCI', 'LMCI', 'AD'];

export function orderGroups(groups: Iterable<string>): string[] {
  const rank = (g: string) => {
    const i = STAGE_ORDER.indexOf(g.toUpperCase());
    return i < 0 ? STAGE_ORDER.length : i;
  };
  return [...new Set(groups)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

export interface PairResult {
  negative: string;
  positive: string;
  nNegative: number;
  nPositive: number;
  auc: Interval & { resamples: number };
  roc: { fpr: number; tpr: number }[];
}

export interface GroupSummary {
  n: number;
  groups: { group: string; n: number; meanProbability: number; meanHippocampusRelevance: number; meanHippocampalVolume: number }[];
  pairs: PairResult[];
  /** r(hippocampus relevance, hippocampal volume) over all analysed subjects. */
  correlation: Interval & { n: number };
}

const mean = (v: readonly number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);

export function groupSummary(rows: readonly SubjectRow[], options: { seed?: number; resamples?: number } = {}): GroupSummary {
  const byGroup = new Map<string, SubjectRow[]>();
  for (const r of rows) if (r.group) byGroup.set(r.group, [...(byGroup.get(r.group) ?? []), r]);
  const order = orderGroups(byGroup.keys());
  const pairs: PairResult[] = [];
  for (let a = 0; a < order.length; a++)
    for (let b = a + 1; b < order.length; b++) {
      const neg = byGroup.get(order[a]!)!.map((r) => r.probability),
        pos = byGroup.get(order[b]!)!.map((r) => r.probability);
      pairs.push({
        negative: order[a]!,
        positive: order[b]!,
        nNegative: neg.length,
        nPositive: pos.length,
        auc: aucWithInterval(neg, pos, options),
        roc: rocCurve(neg, pos),
      });
    }
  return {
    n: rows.length,
    groups: order.map((g) => {
      const m = byGroup.get(g)!;
      return {
        group: g,
        n: m.length,
        meanProbability: mean(m.map((r) => r.probability)),
        meanHippocampusRelevance: mean(m.map((r) => r.hippocampusRelevance)),
        meanHippocampalVolume: mean(m.map((r) => r.hippocampalVolume)),
      };
    }),
    pairs,
    correlation: pearsonWithInterval(
      rows.map((r) => r.hippocampusRelevance),
      rows.map((r) => r.hippocampalVolume),
    ),
  };
}

/**
 * Voxel-wise running mean of maps (float64 sums, added in the caller's order), so a group of
 * thousands needs one map in memory at a time.
 */
export class MeanMap {
  private readonly sum: Float64Array;
  count = 0;
  constructor(readonly voxels: number) {
    this.sum = new Float64Array(voxels);
  }
  add(map: ArrayLike<number>): void {
    if (map.length !== this.voxels) throw new RangeError(`map has ${map.length} voxels, the mean ${this.voxels}`);
    for (let v = 0; v < this.voxels; v++) {
      const x = map[v]!;
      if (x === x) this.sum[v] += x; // NaN counts as 0
    }
    this.count++;
  }
  mean(): Float32Array {
    const out = new Float32Array(this.voxels);
    if (this.count) for (let v = 0; v < this.voxels; v++) out[v] = this.sum[v]! / this.count;
    return out;
  }
}

/** positive - negative, voxel by voxel (group-difference map). */
export function differenceMap(positive: Float32Array, negative: Float32Array): Float32Array {
  const out = new Float32Array(positive.length);
  for (let v = 0; v < out.length; v++) out[v] = positive[v]! - negative[v]!;
  return out;
}
