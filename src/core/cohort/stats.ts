/**
 * Group statistics of a cohort (pure): ROC AUC with a stratified bootstrap interval, Pearson r with
 * its Fisher-z interval, and the ROC curve the report draws.
 */
import { mulberry32 } from '../random';

/** ROC AUC by the Mann-Whitney statistic (ties count 1/2). labels: 1 positive, 0 negative. */
export function auc(scores: readonly number[], labels: readonly number[]): number {
  const pos: number[] = [],
    neg: number[] = [];
  scores.forEach((s, i) => (labels[i] ? pos : neg).push(s));
  return aucOfGroups(neg, pos);
}

/**
 * The same statistic from ranks, O(n log n): (sum of the positives' mid-ranks - nPos (nPos + 1) / 2) / (nPos nNeg).
 * The bootstrap evaluates it thousands of times on cohorts of thousands, where the pairwise count is too slow.
 */
export function aucOfGroups(negatives: readonly number[], positives: readonly number[]): number {
  const nn = negatives.length,
    np = positives.length;
  if (!nn || !np) return NaN;
  const all = new Float64Array(nn + np);
  all.set(negatives, 0);
  all.set(positives, nn);
  const order = Array.from(all.keys()).sort((a, b) => all[a]! - all[b]!);
  let rankSumPos = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && all[order[j + 1]!] === all[order[i]!]) j++;
    const midRank = (i + j) / 2 + 1; // ties share the mean of their ranks
    for (let k = i; k <= j; k++) if (order[k]! >= nn) rankSumPos += midRank;
    i = j + 1;
  }
  return (rankSumPos - (np * (np + 1)) / 2) / (np * nn);
}

/** Pearson correlation. */
export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n,
    my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0,
    sxx = 0,
    syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx,
      dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

export interface Interval {
  estimate: number;
  lo: number;
  hi: number;
}

/** Quantile of sorted values with linear interpolation between order statistics (R's type 7, numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (!n) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h),
    hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export const BOOTSTRAP_RESAMPLES = 2000;
export const BOOTSTRAP_SEED = 20210101;

/**
 * AUC with a 95 % percentile bootstrap interval. Resampling is stratified (negatives and positives
 * are drawn with replacement within their own group, keeping the group sizes), so every resample
 * has both classes. Seeded: the same data give the same interval on every machine.
 */
export function aucWithInterval(
  negatives: readonly number[],
  positives: readonly number[],
  options: { resamples?: number; seed?: number } = {},
): Interval & { resamples: number } {
  const resamples = options.resamples ?? BOOTSTRAP_RESAMPLES;
  const estimate = aucOfGroups(negatives, positives);
  if (Number.isNaN(estimate)) return { estimate, lo: NaN, hi: NaN, resamples: 0 };
  const random = mulberry32(options.seed ?? BOOTSTRAP_SEED);
  const draw = (values: readonly number[]) => Array.from(values, () => values[Math.floor(random() * values.length)]!);
  const values = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) values[b] = aucOfGroups(draw(negatives), draw(positives));
  values.sort();
  return { estimate, lo: quantileSorted(values, 0.025), hi: quantileSorted(values, 0.975), resamples };
}

const Z_975 = 1.959963984540054;

/** Pearson r with its 95 % interval from Fisher's z transform (atanh(r) ± 1.96 / sqrt(n - 3)). */
export function pearsonWithInterval(x: readonly number[], y: readonly number[]): Interval & { n: number } {
  const n = x.length;
  const r = n >= 2 ? pearson(x, y) : NaN;
  if (n < 4 || !Number.isFinite(r) || Math.abs(r) >= 1) return { estimate: r, lo: NaN, hi: NaN, n };
  const z = Math.atanh(r),
    se = 1 / Math.sqrt(n - 3);
  return { estimate: r, lo: Math.tanh(z - Z_975 * se), hi: Math.tanh(z + Z_975 * se), n };
}

/** ROC curve points (false-positive rate, true-positive rate) from (0,0) to (1,1), thresholds from high to low; tied scores move in one step. */
export function rocCurve(negatives: readonly number[], positives: readonly number[]): { fpr: number; tpr: number }[] {
  const scored = [...negatives.map((s) => ({ s, p: 0 })), ...positives.map((s) => ({ s, p: 1 }))].sort((a, b) => b.s - a.s);
  const points = [{ fpr: 0, tpr: 0 }];
  let tp = 0,
    fp = 0;
  for (let i = 0; i < scored.length;) {
    let j = i;
    while (j < scored.length && scored[j]!.s === scored[i]!.s) {
      if (scored[j]!.p) tp++;
      else fp++;
      j++;
    }
    points.push({ fpr: negatives.length ? fp / negatives.length : 0, tpr: positives.length ? tp / positives.length : 0 });
    i = j;
  }
  return points;
}
