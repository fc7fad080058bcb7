/**
 * Whole-head affine registration of a T1 to the Colin27 head template: centre-of-mass start, a short
 * coarse search over pitch and height, then 12-parameter Levenberg-Marquardt least squares on the
 * 6 mm and 3 mm levels, with a global intensity scale and offset refitted every iteration.
 *
 * The affine maps template world (MNI mm) to subject world (scanner mm): x = M y + t. The residual's
 * gradient comes from the subject resampled into template space (grad_x S = M^-T grad_y (S o A)),
 * so no image is ever resampled twice per iteration.
 */
import { invert, multiply } from '../volume/affine';
import type { Grid } from '../volume/grid';
import { resampleToGrid } from '../volume/resample';
import type { Dims3, Volume } from '../volume/types';
import { det3, pairMoments, rotation, solveSpd } from './linalg';

export type Affine = number[];

/** The subject (any grid) sampled at the template grid's voxels through `a` (template world -> subject world). */
export function warpAffine(subject: Volume, a: Affine, grid: Grid, outside = 0): Float32Array {
  return resampleToGrid({ dims: subject.dims, data: subject.data, affine: multiply(invert(a), subject.affine) }, grid, 'trilinear', outside).data;
}

/** Pearson correlation over the voxels where `mask` (when given) is set. */
export function correlation(a: Float32Array, b: Float32Array, mask?: Uint8Array): number {
  const { n, sa, sb, saa, sbb, sab } = pairMoments(a, b, mask);
  const cov = sab - (sa * sb) / n;
  const va = saa - (sa * sa) / n,
    vb = sbb - (sb * sb) / n;
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
}

/** Intensity-weighted centre of the voxels above a head-level threshold, in world mm. */
export function headCentre(v: Volume): [number, number, number] {
  const [nx, ny, nz] = v.dims;
  let mean = 0,
    cnt = 0;
  for (let n = 0; n < v.data.length; n += 7) {
    const x = v.data[n]!;
    if (x > 0) {
      mean += x;
      cnt++;
    }
  }
  const thr = cnt ? (0.5 * mean) / cnt : 0;
  let sx = 0,
    sy = 0,
    sz = 0,
    sw = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const x = v.data[i + nx * (j + ny * k)]!;
        if (!(x > thr)) continue;
        sx += i;
        sy += j;
        sz += k;
        sw++;
      }
  const m = v.affine;
  const [ci, cj, ck] = [sx / sw, sy / sw, sz / sw];
  return [m[0]! * ci + m[1]! * cj + m[2]! * ck + m[3]!, m[4]! * ci + m[5]! * cj + m[6]! * ck + m[7]!, m[8]! * ci + m[9]! * cj + m[10]! * ck + m[11]!];
}

/** x = R (y - c) + c + t: a rotation about the template point c, then a shift. */
function rigidAbout(c: readonly number[], t: readonly number[], pitch: number, roll = 0, yaw = 0): Affine {
  const r = rotation(pitch, roll, yaw);
  const out = [...r];
  for (let row = 0; row < 3; row++) {
    out[row * 4 + 3] = c[row]! + t[row]! - (r[row * 4]! * c[0]! + r[row * 4 + 1]! * c[1]! + r[row * 4 + 2]! * c[2]!);
  }
  return out;
}

/**
 * Start for the least squares: align centres of mass, then try pitches and heights (long necks,
 * tilted heads) and a little roll and yaw on the 6 mm level; keep the best correlation.
 */
export function initialAffine(
  subject6: Volume,
  template6: Float32Array,
  grid6: Grid,
  templateCentre: readonly number[],
  subjectCentre: readonly number[],
): { affine: Affine; ncc: number } {
  const shift = [0, 1, 2].map((a) => subjectCentre[a]! - templateCentre[a]!);
  let best = { affine: rigidAbout(templateCentre, shift, 0), ncc: -2 };
  for (const pitch of [-20, -10, 0, 10, 20])
    for (const dz of [-20, 0, 20])
      for (const dy of [-10, 0, 10]) {
        const a = rigidAbout(templateCentre, [shift[0]!, shift[1]! + dy, shift[2]! + dz], pitch);
        const ncc = correlation(template6, warpAffine(subject6, a, grid6));
        if (ncc > best.ncc) best = { affine: a, ncc };
      }
  const base = best.affine;
  for (const roll of [-10, 10])
    for (const yaw of [-10, 10]) {
      const c = templateCentre;
      const a = multiply(base, rigidAbout(c, [0, 0, 0], 0, roll, yaw));
      const ncc = correlation(template6, warpAffine(subject6, a, grid6));
      if (ncc > best.ncc) best = { affine: a, ncc };
    }
  return best;
}

interface LevelResult {
  affine: Affine;
  cost: number;
  iterations: number;
}

/** Mean squared residual of T - (scale * W + offset) with the best scale and offset, and those. */
function fitIntensity(t: Float32Array, w: Float32Array): { scale: number; offset: number; cost: number } {
  const { n, sa: sw, sb: st, saa: sww, sbb: stt, sab: swt } = pairMoments(w, t);
  const vw = sww - (sw * sw) / n;
  const scale = vw > 0 ? (swt - (sw * st) / n) / vw : 0;
  const offset = (st - scale * sw) / n;
  const cost = (stt - 2 * scale * swt - 2 * offset * st + scale * scale * sww + 2 * scale * offset * sw + n * offset * offset) / n;
  return { scale, offset, cost };
}

/** Zooms (column norms of M) within [0.6, 1.7] and no reflection: the guard rails. */
function plausible(a: Affine): boolean {
  const d = det3(a);
  if (!(d > 0)) return false;
  for (let c = 0; c < 3; c++) {
    const z = Math.hypot(a[c]!, a[4 + c]!, a[8 + c]!);
    if (z < 0.6 || z > 1.7) return false;
  }
  return true;
}

/** Levenberg-Marquardt on one level. */
export function affineLevel(subject: Volume, template: Float32Array, grid: Grid, start: Affine, maxIter: number, signal?: AbortSignal): LevelResult {
  const [nx, ny, nz] = grid.dims as Dims3;
  const g = grid.affine;
  const hx = g[0]!,
    hy = g[5]!,
    hz = g[10]!;
  let a = [...start];
  let w = warpAffine(subject, a, grid);
  let fit = fitIntensity(template, w);
  let lambda = 1e-3;
  let it = 0;
  const H = new Float64Array(144),
    b = new Float64Array(12),
    jrow = new Float64Array(12);
  for (; it < maxIter; it++) {
    if (signal?.aborted) throw new DOMException('The analysis was cancelled.', 'AbortError');
    H.fill(0);
    b.fill(0);
    const mInv = invert(a);
    // grad_x = M^-T grad_y: row r of M^-T is column r of M^-1.
    const q = [mInv[0]!, mInv[4]!, mInv[8]!, mInv[1]!, mInv[5]!, mInv[9]!, mInv[2]!, mInv[6]!, mInv[10]!];
    const s = fit.scale;
    for (let k = 1; k < nz - 1; k++) {
      const yz = hz * k + g[11]!;
      for (let j = 1; j < ny - 1; j++) {
        const yy = hy * j + g[7]!;
        let v = 1 + nx * (j + ny * k);
        for (let i = 1; i < nx - 1; i++, v++) {
          const yx = hx * i + g[3]!;
          const r = s * w[v]! + fit.offset - template[v]!;
          const gi = (w[v + 1]! - w[v - 1]!) / (2 * hx);
          const gj = (w[v + nx]! - w[v - nx]!) / (2 * hy);
          const gk = (w[v + nx * ny]! - w[v - nx * ny]!) / (2 * hz);
          if (gi === 0 && gj === 0 && gk === 0) continue;
          const gx0 = s * (q[0]! * gi + q[1]! * gj + q[2]! * gk);
          const gx1 = s * (q[3]! * gi + q[4]! * gj + q[5]! * gk);
          const gx2 = s * (q[6]! * gi + q[7]! * gj + q[8]! * gk);
          jrow[0] = gx0 * yx;
          jrow[1] = gx0 * yy;
          jrow[2] = gx0 * yz;
          jrow[3] = gx0;
          jrow[4] = gx1 * yx;
          jrow[5] = gx1 * yy;
          jrow[6] = gx1 * yz;
          jrow[7] = gx1;
          jrow[8] = gx2 * yx;
          jrow[9] = gx2 * yy;
          jrow[10] = gx2 * yz;
          jrow[11] = gx2;
          for (let p = 0; p < 12; p++) {
            const jp = jrow[p]!;
            b[p] += jp * r;
            const row = p * 12;
            for (let qq = 0; qq <= p; qq++) H[row + qq] += jp * jrow[qq]!;
          }
        }
      }
    }
    for (let p = 0; p < 12; p++) for (let qq = 0; qq < p; qq++) H[qq * 12 + p] = H[p * 12 + qq]!;
    let improved = false;
    for (let attempt = 0; attempt < 6 && !improved; attempt++) {
      const Hd = Float64Array.from(H);
      for (let p = 0; p < 12; p++) Hd[p * 13] = H[p * 13]! * (1 + lambda) + 1e-12;
      const neg = b.map((x) => -x);
      const step = solveSpd(Hd, neg, 12);
      if (!step) {
        lambda *= 10;
        continue;
      }
      const next = [...a];
      for (let p = 0; p < 12; p++) next[p] = a[p]! + step[p]!;
      if (!plausible(next)) {
        lambda *= 10;
        continue;
      }
      const wn = warpAffine(subject, next, grid);
      const fn = fitIntensity(template, wn);
      if (fn.cost < fit.cost) {
        const gain = (fit.cost - fn.cost) / fit.cost;
        a = next;
        w = wn;
        fit = fn;
        improved = true;
        lambda = Math.max(1e-6, lambda / 3);
        if (gain < 1e-5) it = maxIter;
      } else lambda *= 4;
    }
    if (!improved) break;
  }
  return { affine: a, cost: fit.cost, iterations: it };
}
