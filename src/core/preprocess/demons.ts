/**
 * Nonlinear registration of the subject's GM and WM maps (already affinely in template space) to
 * the template's: log-domain diffeomorphic demons. A stationary velocity field v (voxel units of
 * the level) is updated by the demons force of both tissue channels, smoothed (fluid-like on the
 * update, diffusion-like on v), and exponentiated by scaling and squaring, so the map
 * phi(y) = y + d(y) stays invertible. Coarse to fine: 6 mm then 3 mm.
 *
 * phi maps template voxels to the affine-space image: the warped moving image is M(phi(y)).
 */
import { gaussianSmooth } from '../analysis/smooth';
import type { Dims3 } from '../volume/types';
import { double, halve, interpolate, locate, newTap } from './grid';

export interface DemonsOptions {
  iterations: number[];
  /** Gaussian sigma (voxels) on each update (fluid) and on the velocity (diffusion). */
  fluidSigma: number;
  diffusionSigma: number;
  /** Largest update step, voxels. */
  maxStep: number;
  signal?: AbortSignal;
  onIteration?: (fraction: number) => void;
}

export const DEFAULT_DEMONS: DemonsOptions = { iterations: [16, 10], fluidSigma: 1, diffusionSigma: 1.25, maxStep: 0.5 };

export type Field = [Float32Array, Float32Array, Float32Array];

/** d o (id + e) + e: the displacement of phi_d o phi_e, into `out` (which must not be d or e). */
function compose(d: Field, e: Field, dims: Dims3, out: Field): Field {
  const [nx, ny, nz] = dims;
  const t = newTap();
  let v = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, v++) {
        const ex = e[0][v]!,
          ey = e[1][v]!,
          ez = e[2][v]!;
        if (locate(dims, i + ex, j + ey, k + ez, t)) {
          out[0][v] = ex + interpolate(d[0], t);
          out[1][v] = ey + interpolate(d[1], t);
          out[2][v] = ez + interpolate(d[2], t);
        } else {
          out[0][v] = ex;
          out[1][v] = ey;
          out[2][v] = ez;
        }
      }
  return out;
}

/**
 * exp(v) by scaling and squaring: displacement of the map. The squarings alternate between two
 * fields instead of allocating one each (the demons exponentiate every iteration).
 */
export function exponentiate(vel: Field, dims: Dims3, squarings = 5): Field {
  const f = 1 / 2 ** squarings;
  let d: Field = [vel[0].map((x) => x * f), vel[1].map((x) => x * f), vel[2].map((x) => x * f)];
  let spare: Field = [new Float32Array(d[0].length), new Float32Array(d[0].length), new Float32Array(d[0].length)];
  for (let s = 0; s < squarings; s++) [d, spare] = [compose(d, d, dims, spare), d];
  return d;
}

/** Images m o (id + d), warped together by one displacement (voxel units), 0 outside. */
export function warpByField<T extends Float32Array[]>(images: T, d: Field, dims: Dims3): Float32Array[] {
  const [nx, ny, nz] = dims;
  const outs = images.map((m) => new Float32Array(m.length));
  const t = newTap();
  let v = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, v++) {
        if (!locate(dims, i + d[0][v]!, j + d[1][v]!, k + d[2][v]!, t)) continue;
        for (let c = 0; c < images.length; c++) outs[c]![v] = interpolate(images[c]!, t);
      }
  return outs;
}

/** Jacobian determinant of id + d by central differences (one-sided at the border). */
export function jacobianDeterminant(d: Field, dims: Dims3): Float32Array {
  const [nx, ny, nz] = dims;
  const out = new Float32Array(d[0].length);
  const strides = [1, nx, nx * ny];
  const sizes = [nx, ny, nz];
  const g = new Float64Array(9);
  let v = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, v++) {
        const idx = [i, j, k];
        for (let a = 0; a < 3; a++) {
          const lo = idx[a]! > 0 ? strides[a]! : 0,
            hi = idx[a]! < sizes[a]! - 1 ? strides[a]! : 0;
          const h = (lo + hi) / strides[a]! || 1;
          for (let c = 0; c < 3; c++) g[c * 3 + a] = (d[c][v + hi]! - d[c][v - lo]!) / h + (c === a ? 1 : 0);
        }
        out[v] = g[0]! * (g[4]! * g[8]! - g[5]! * g[7]!) - g[1]! * (g[3]! * g[8]! - g[5]! * g[6]!) + g[2]! * (g[3]! * g[7]! - g[4]! * g[6]!);
      }
  return out;
}

function gradient(m: Float32Array, dims: Dims3): Field {
  const [nx, ny, nz] = dims;
  const out: Field = [new Float32Array(m.length), new Float32Array(m.length), new Float32Array(m.length)];
  let v = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, v++) {
        if (i > 0 && i < nx - 1) out[0][v] = (m[v + 1]! - m[v - 1]!) / 2;
        if (j > 0 && j < ny - 1) out[1][v] = (m[v + nx]! - m[v - nx]!) / 2;
        if (k > 0 && k < nz - 1) out[2][v] = (m[v + nx * ny]! - m[v - nx * ny]!) / 2;
      }
  return out;
}

/** One level: returns the velocity field. */
function demonsLevel(
  fixed: Float32Array[],
  moving: Float32Array[],
  dims: Dims3,
  vel: Field,
  iterations: number,
  o: DemonsOptions,
  report: (i: number) => void,
): Field {
  const n = fixed[0]!.length;
  for (let it = 0; it < iterations; it++) {
    if (o.signal?.aborted) throw new DOMException('The analysis was cancelled.', 'AbortError');
    const d = exponentiate(vel, dims);
    const u: Field = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
    const denom = new Float32Array(n);
    const warped = warpByField(moving, d, dims);
    for (let c = 0; c < fixed.length; c++) {
      const w = warped[c]!;
      const g = gradient(w, dims);
      for (let v = 0; v < n; v++) {
        const diff = fixed[c]![v]! - w[v]!;
        u[0][v] += diff * g[0][v]!;
        u[1][v] += diff * g[1][v]!;
        u[2][v] += diff * g[2][v]!;
        denom[v] += g[0][v]! ** 2 + g[1][v]! ** 2 + g[2][v]! ** 2 + diff * diff;
      }
    }
    for (let v = 0; v < n; v++) {
      const s = denom[v]! > 1e-6 ? 1 / denom[v]! : 0;
      let ux = u[0][v]! * s,
        uy = u[1][v]! * s,
        uz = u[2][v]! * s;
      const len = Math.hypot(ux, uy, uz);
      if (len > o.maxStep) {
        const f = o.maxStep / len;
        ux *= f;
        uy *= f;
        uz *= f;
      }
      u[0][v] = ux;
      u[1][v] = uy;
      u[2][v] = uz;
    }
    // Log-domain update, first-order: v <- v + smooth(u), then smooth(v).
    for (let c = 0; c < 3; c++) {
      const su = gaussianSmooth(u[c]!, dims, o.fluidSigma, undefined, 3);
      for (let v = 0; v < n; v++) su[v] = vel[c][v]! + su[v]!;
      vel[c] = gaussianSmooth(su, dims, o.diffusionSigma, undefined, 3);
    }
    report(it);
  }
  return vel;
}

/**
 * Registers the moving channels to the fixed ones on the 3 mm level (with a 6 mm start).
 * Returns the displacement field of phi on the 3 mm level (voxel units).
 */
export function demons(fixed3: Float32Array[], moving3: Float32Array[], dims3: Dims3, options: DemonsOptions = DEFAULT_DEMONS): Field {
  const [it6, it3] = options.iterations as [number, number];
  const total = it6 + it3;
  const f6 = fixed3.map((m) => halve(m, dims3)),
    m6 = moving3.map((m) => halve(m, dims3));
  const dims6 = f6[0]!.dims;
  const n6 = f6[0]!.data.length;
  let vel: Field = [new Float32Array(n6), new Float32Array(n6), new Float32Array(n6)];
  vel = demonsLevel(
    f6.map((x) => x.data),
    m6.map((x) => x.data),
    dims6,
    vel,
    it6,
    options,
    (i) => options.onIteration?.((i + 1) / total),
  );
  let vel3: Field = [double(vel[0], dims6, dims3, 2), double(vel[1], dims6, dims3, 2), double(vel[2], dims6, dims3, 2)];
  vel3 = demonsLevel(fixed3, moving3, dims3, vel3, it3, options, (i) => options.onIteration?.((it6 + i + 1) / total));
  return exponentiate(vel3, dims3);
}
