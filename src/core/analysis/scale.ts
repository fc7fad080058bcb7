/**
 * Display scaling of relevance maps, as in the original app: smooth, then either multiply by a fixed
 * factor (subjects stay comparable) or divide by a high percentile of |R| (adaptive), and clip to
 * [-1, 1]. Non-finite values display as 0.
 */
import type { Dims3 } from '../volume/types';
import { gaussianSmooth } from './smooth';

export const DEFAULT_FIXED_FACTOR = 500;
export const DEFAULT_ADAPTIVE_PERCENTILE = 99.99;
export const DEFAULT_DISPLAY_SIGMA = 0.8;

function clip1(x: number): number {
  if (x > 1) return 1;
  if (x < -1) return -1;
  return x === x ? x : 0; // NaN -> 0
}

/** out[v] = clip(data[v] * factor, -1, 1). `out` may be `data` (in place). */
export function scaleFixed(data: Float32Array, factor = DEFAULT_FIXED_FACTOR, out?: Float32Array): Float32Array {
  const dst = out ?? new Float32Array(data.length);
  for (let v = 0; v < data.length; v++) dst[v] = clip1(data[v] * factor);
  return dst;
}

/**
 * out[v] = clip(data[v] / P, -1, 1) with P the `percentile`-th percentile of |data| (numpy's default
 * 'linear' method). An all-zero map (P = 0) gives all zeros. `out` may be `data` (in place).
 */
export function scaleAdaptive(data: Float32Array, percentile = DEFAULT_ADAPTIVE_PERCENTILE, out?: Float32Array): Float32Array {
  const p = percentileOfAbs(data, percentile);
  const dst = out ?? new Float32Array(data.length);
  if (!(p > 0) || !Number.isFinite(p)) {
    dst.fill(0);
    return dst;
  }
  const inv = 1 / p;
  for (let v = 0; v < data.length; v++) dst[v] = clip1(data[v] * inv);
  return dst;
}

export interface DisplayOptions {
  scaling: 'fixed' | 'adaptive';
  sigma?: number; // default 0.8 voxels
  factor?: number; // fixed scaling, default 500
  percentile?: number; // adaptive scaling, default 99.99
}

/** The display map of a raw relevance map: Gaussian smoothing, then fixed or adaptive scaling. */
export function displayMap(raw: Float32Array, dims: Dims3, options: DisplayOptions = { scaling: 'fixed' }): Float32Array {
  // A non-finite voxel would blank its whole smoothing neighbourhood: count it as 0 instead.
  let input = raw;
  for (let v = 0; v < raw.length; v++) {
    if (!Number.isFinite(raw[v])) {
      input = raw.map((x) => (Number.isFinite(x) ? x : 0));
      break;
    }
  }
  const smoothed = gaussianSmooth(input, dims, options.sigma ?? DEFAULT_DISPLAY_SIGMA);
  return options.scaling === 'adaptive'
    ? scaleAdaptive(smoothed, options.percentile ?? DEFAULT_ADAPTIVE_PERCENTILE, smoothed)
    : scaleFixed(smoothed, options.factor ?? DEFAULT_FIXED_FACTOR, smoothed);
}

// Reused between calls: a copy of |data| that quickselect may reorder.
let selectScratch: Float32Array | null = null;

/** numpy.percentile(np.abs(data), q) with the default 'linear' method. NaN counts as 0. */
export function percentileOfAbs(data: Float32Array, q: number): number {
  const n = data.length;
  if (n === 0) return NaN;
  if (!selectScratch || selectScratch.length < n) selectScratch = new Float32Array(n);
  const a = selectScratch;
  for (let v = 0; v < n; v++) {
    const x = Math.abs(data[v]);
    a[v] = x === x ? x : 0;
  }
  return percentileInPlace(a, n, q);
}

/** numpy.percentile(data, q) ('linear') of a copy of the data; data is left untouched. */
export function percentile(data: Float32Array | Float64Array, q: number): number {
  const a = Float64Array.from(data);
  return percentileInPlace(a, a.length, q);
}

/** Percentile of a[0..n-1]; reorders a. */
function percentileInPlace(a: Float32Array | Float64Array, n: number, q: number): number {
  if (!(q >= 0 && q <= 100)) throw new RangeError(`percentile must lie in [0, 100], got ${q}`);
  const virtual = (q / 100) * (n - 1);
  const lo = Math.floor(virtual);
  const gamma = virtual - lo;
  quickselect(a, lo, 0, n - 1);
  const below = a[lo];
  if (lo + 1 >= n || gamma === 0) return below;
  // After selection every element right of lo is >= a[lo]; the next order statistic is their minimum.
  let above = Infinity;
  for (let v = lo + 1; v < n; v++) if (a[v] < above) above = a[v];
  // numpy's _lerp: the symmetric form keeps the result monotone and exact at gamma 0 and 1.
  const diff = above - below;
  return gamma >= 0.5 ? above - diff * (1 - gamma) : below + diff * gamma;
}

/** Hoare-style quickselect: afterwards a[k] is the k-th smallest of a[left..right], smaller left, larger right. */
function quickselect(a: Float32Array | Float64Array, k: number, left: number, right: number): void {
  while (right > left) {
    // Median of three as the pivot keeps sorted or constant inputs from going quadratic.
    const mid = (left + right) >>> 1;
    if (a[mid] < a[left]) swap(a, mid, left);
    if (a[right] < a[left]) swap(a, right, left);
    if (a[right] < a[mid]) swap(a, right, mid);
    const pivot = a[mid];
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

function swap(a: Float32Array | Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
