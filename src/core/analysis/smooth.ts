/**
 * Separable Gaussian smoothing with scipy.ndimage.gaussian_filter semantics:
 * kernel exp(-x^2 / (2 sigma^2)) on x = -r..r, r = int(truncate * sigma + 0.5), normalised to sum 1;
 * mode 'reflect' (half-sample symmetric: d c b a | a b c d); axes filtered in order 0, 1, 2, each
 * pass rounded to float32 like scipy does for a float32 array.
 *
 * Layout: Fortran order, index = i + nx * (j + ny * k). The two strided passes sweep whole rows /
 * planes at a time so that the innermost loop always runs over contiguous memory.
 */
import type { Dims3 } from '../volume/types';

/** scipy's _gaussian_kernel1d (order 0): normalised taps w[0..2r], centre at r. */
export function gaussianKernel1d(sigma: number, truncate = 4.0): Float64Array {
  const radius = Math.floor(truncate * sigma + 0.5);
  const w = new Float64Array(2 * radius + 1);
  const a = -0.5 / (sigma * sigma);
  let sum = 0;
  for (let x = -radius; x <= radius; x++) {
    const v = Math.exp(a * x * x);
    w[x + radius] = v;
    sum += v;
  }
  for (let t = 0; t < w.length; t++) w[t] = w[t] / sum;
  return w;
}

/** Source index for position p (may lie outside 0..n-1) under scipy's 'reflect' extension. */
export function reflectIndex(p: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n;
  const m = ((p % period) + period) % period;
  return m < n ? m : period - 1 - m;
}

// Scratch kept between calls: the display pipeline smooths maps of one size over and over.
let scratchVolume: Float32Array | null = null;
let scratchPlane: Float64Array | null = null;

function volumeScratch(n: number): Float32Array {
  if (!scratchVolume || scratchVolume.length !== n) scratchVolume = new Float32Array(n);
  return scratchVolume;
}
function planeScratch(n: number): Float64Array {
  if (!scratchPlane || scratchPlane.length < n) scratchPlane = new Float64Array(n);
  return scratchPlane;
}

/**
 * Gaussian-smooth a 3D volume. Returns `out` (allocated when omitted; must not alias `data`).
 * sigma <= 0 copies the input (scipy skips such axes).
 */
export function gaussianSmooth(data: Float32Array, dims: Dims3, sigma = 0.8, out?: Float32Array, truncate = 4.0): Float32Array {
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  if (data.length !== n) throw new RangeError(`gaussianSmooth: data has ${data.length} voxels, dims say ${n}`);
  const dst = out ?? new Float32Array(n);
  if (dst.length !== n) throw new RangeError('gaussianSmooth: out has the wrong length');
  if (dst === data) throw new RangeError('gaussianSmooth: out must not alias data');
  if (!(sigma > 1e-15)) {
    dst.set(data);
    return dst;
  }
  const w = gaussianKernel1d(sigma, truncate);
  const r = (w.length - 1) >> 1;
  if (r === 0) {
    dst.set(data);
    return dst;
  }
  const tmp = volumeScratch(n);
  passAxis0(data, dst, nx, ny, nz, w, r);
  passAxis1(dst, tmp, nx, ny, nz, w, r);
  passAxis2(tmp, dst, nx, ny, nz, w, r);
  return dst;
}

/**
 * Gaussian-smooth with its own sigma (voxels) per axis (anisotropic voxels); an axis whose kernel
 * has radius 0 is left as it is. Allocates its buffers, so a large scan leaves no scratch behind.
 */
export function gaussianSmoothAxes(data: Float32Array, dims: Dims3, sigmas: readonly [number, number, number], truncate = 4.0): Float32Array {
  const [nx, ny, nz] = dims;
  if (data.length !== nx * ny * nz) throw new RangeError(`gaussianSmoothAxes: data has ${data.length} voxels, dims say ${nx * ny * nz}`);
  const passes = [passAxis0, passAxis1, passAxis2];
  let cur = data;
  for (let axis = 0; axis < 3; axis++) {
    const w = sigmas[axis]! > 1e-15 ? gaussianKernel1d(sigmas[axis]!, truncate) : null;
    if (!w || w.length === 1) continue;
    const next = new Float32Array(cur.length);
    passes[axis]!(cur, next, nx, ny, nz, w, (w.length - 1) >> 1);
    cur = next;
  }
  return cur === data ? Float32Array.from(data) : cur;
}

/** Along i (contiguous lines): copy each line into a reflect-padded float64 buffer, then correlate. */
function passAxis0(src: Float32Array, dst: Float32Array, nx: number, ny: number, nz: number, w: Float64Array, r: number): void {
  const padded = new Float64Array(nx + 2 * r);
  const srcOf = new Int32Array(nx + 2 * r);
  for (let p = 0; p < srcOf.length; p++) srcOf[p] = reflectIndex(p - r, nx);
  const w0 = w[r];
  const lines = ny * nz;
  for (let line = 0; line < lines; line++) {
    const base = line * nx;
    for (let p = 0; p < padded.length; p++) padded[p] = src[base + srcOf[p]];
    for (let i = 0; i < nx; i++) {
      const c = i + r;
      // Same pairing and order (outermost pair first) as scipy's symmetric branch of correlate1d.
      let acc = padded[c] * w0;
      for (let t = r; t >= 1; t--) acc += (padded[c - t] + padded[c + t]) * w[r + t];
      dst[base + i] = acc;
    }
  }
}

/** Along j: for each output row, accumulate whole source rows (contiguous in i). */
function passAxis1(src: Float32Array, dst: Float32Array, nx: number, ny: number, nz: number, w: Float64Array, r: number): void {
  const acc = planeScratch(nx);
  const w0 = w[r];
  const plane = nx * ny;
  for (let k = 0; k < nz; k++) {
    const pk = k * plane;
    for (let j = 0; j < ny; j++) {
      const row = pk + j * nx;
      for (let i = 0; i < nx; i++) acc[i] = src[row + i] * w0;
      for (let t = r; t >= 1; t--) {
        const a = pk + reflectIndex(j - t, ny) * nx;
        const b = pk + reflectIndex(j + t, ny) * nx;
        const wt = w[r + t];
        for (let i = 0; i < nx; i++) acc[i] = acc[i] + (src[a + i] + src[b + i]) * wt;
      }
      for (let i = 0; i < nx; i++) dst[row + i] = acc[i];
    }
  }
}

/** Along k: for each output plane, accumulate whole source planes (contiguous in i, j). */
function passAxis2(src: Float32Array, dst: Float32Array, nx: number, ny: number, nz: number, w: Float64Array, r: number): void {
  const plane = nx * ny;
  const acc = planeScratch(plane);
  const w0 = w[r];
  for (let k = 0; k < nz; k++) {
    const pk = k * plane;
    for (let q = 0; q < plane; q++) acc[q] = src[pk + q] * w0;
    for (let t = r; t >= 1; t--) {
      const a = reflectIndex(k - t, nz) * plane;
      const b = reflectIndex(k + t, nz) * plane;
      const wt = w[r + t];
      for (let q = 0; q < plane; q++) acc[q] = acc[q] + (src[a + q] + src[b + q]) * wt;
    }
    for (let q = 0; q < plane; q++) dst[pk + q] = acc[q];
  }
}
