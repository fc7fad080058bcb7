/**
 * Combining analyses: the mean of several models (e.g. the paper's cross-validation folds), the
 * spread of their maps, and the difference of two analyses (two methods or two models) on the same
 * scan. Plain voxel math.
 */

function checkSameSize(maps: readonly Float32Array[], what: string): number {
  if (maps.length === 0) throw new RangeError(`${what} needs at least one map`);
  const n = maps[0]!.length;
  for (const m of maps) if (m.length !== n) throw new RangeError(`${what}: maps differ in size`);
  return n;
}

/** Voxel-wise mean of equally long maps. */
export function meanMaps(maps: readonly Float32Array[]): Float32Array {
  const n = checkSameSize(maps, 'meanMaps');
  const out = new Float32Array(n);
  const acc = new Float64Array(n);
  for (const m of maps) for (let v = 0; v < n; v++) acc[v] += m[v];
  const k = 1 / maps.length;
  for (let v = 0; v < n; v++) out[v] = acc[v] * k;
  return out;
}

/**
 * Voxel-wise sample standard deviation (n - 1 in the denominator: the folds are a sample of the
 * models the training could have made). Two passes in float64 (mean, then squared deviations), so
 * nearly equal maps give ~0, not rounding noise. Fewer than two maps: all zero.
 */
export function sdMaps(maps: readonly Float32Array[]): Float32Array {
  const n = checkSameSize(maps, 'sdMaps');
  const out = new Float32Array(n);
  if (maps.length < 2) return out;
  const sum = new Float64Array(n);
  for (const m of maps) for (let v = 0; v < n; v++) sum[v] += m[v]!;
  const mean = sum.map((x) => x / maps.length);
  const acc = new Float64Array(n);
  for (const m of maps) {
    for (let v = 0; v < n; v++) {
      const d = m[v]! - mean[v]!;
      acc[v] += d * d;
    }
  }
  const k = 1 / (maps.length - 1);
  for (let v = 0; v < n; v++) out[v] = Math.sqrt(acc[v]! * k);
  return out;
}

/** a - b, voxel-wise. */
export function differenceMap(a: Float32Array, b: Float32Array): Float32Array {
  if (a.length !== b.length) throw new RangeError('differenceMap: maps differ in size');
  const out = new Float32Array(a.length);
  for (let v = 0; v < a.length; v++) out[v] = a[v] - b[v];
  return out;
}

/** Arithmetic mean of numbers (probabilities, logits). */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let s = 0;
  for (const x of values) s += x;
  return s / values.length;
}

/** Element-wise mean of equally long number lists (logits of several models). */
export function meanVectors(vectors: readonly number[][]): number[] {
  if (vectors.length === 0) return [];
  const n = vectors[0].length;
  return Array.from({ length: n }, (_, i) => mean(vectors.map((v) => v[i] ?? Number.NaN)));
}
