/**
 * The measurements the input gate rests on, all in world coordinates (any grid, orientation or
 * axis order), so that a scan need not be on the model's grid to be judged:
 *
 * - brainCoverage: the fraction of the MNI brain region (sampled every 6 mm) that lies inside the
 *   image's field of view. A slab, a partial-brain fMRI or an image in scanner coordinates far
 *   from MNI's origin covers little of it.
 * - p995: a robust high percentile (99.5th) of the finite non-zero voxels. A CAT12 gray-matter
 *   map holds volume fractions times a Jacobian, about 0..1.5; an intensity image (T1, EPI) goes
 *   to hundreds or thousands.
 * - wmRatio: the median intensity in deep white matter (centrum semiovale, both hemispheres)
 *   relative to p995. White matter is the brightest tissue of a T1 (Colin27 T1 0.60, skull-stripped
 *   0.92) and empty in a gray-matter map (every demo case and the GM template: 0.00). It tells
 *   the contrast apart even when a T1 was rescaled to 0..1.
 * - insideFraction: the fraction of the positive mass inside the MNI brain region. Nearly all of
 *   a brain-only image lies there (Colin27 brain 1.00); a whole head has scalp, skull and neck
 *   outside (Colin27 T1 0.83); an image not aligned to MNI has most of its signal elsewhere.
 *
 * The MNI brain region is a super-ellipsoid |x/a|^4 + |y/b|^4 + |z/c|^4 <= 1 centred at
 * (0, -17, 8) mm with a, b, c = 75, 95, 80 mm: it holds the whole MNI brain including the
 * cerebellum and temporal poles (a plain ellipsoid cuts them off) and excludes most of scalp,
 * face and neck.
 */
import { applyToPoint } from '../volume/affine';
import type { Mat4, Volume } from '../volume/types';

const BRAIN_CENTRE = [0, -17, 8] as const;
const BRAIN_HALF = [75, 95, 80] as const;
const MAX_PERCENTILE_SAMPLES = 200_000;

export function inBrainRegion(x: number, y: number, z: number): boolean {
  const u = (x - BRAIN_CENTRE[0]) / BRAIN_HALF[0];
  const v = (y - BRAIN_CENTRE[1]) / BRAIN_HALF[1];
  const w = (z - BRAIN_CENTRE[2]) / BRAIN_HALF[2];
  const u2 = u * u,
    v2 = v * v,
    w2 = w * w;
  return u2 * u2 + v2 * v2 + w2 * w2 <= 1;
}

function voxelIndex(v: Volume, toVoxel: Mat4, p: readonly [number, number, number]): number {
  const [fi, fj, fk] = applyToPoint(toVoxel, p);
  const i = Math.round(fi),
    j = Math.round(fj),
    k = Math.round(fk);
  const [nx, ny, nz] = v.dims;
  if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) return -1;
  return i + nx * (j + ny * k);
}

/** Fraction of the MNI brain region (sampled on a 6 mm lattice) inside the image's voxel extent. */
export function brainCoverage(v: Volume, toVoxel: Mat4): number {
  const [nx, ny, nz] = v.dims;
  let total = 0;
  let covered = 0;
  for (let x = -BRAIN_HALF[0]; x <= BRAIN_HALF[0]; x += 6)
    for (let y = -BRAIN_HALF[1]; y <= BRAIN_HALF[1]; y += 6)
      for (let z = -BRAIN_HALF[2]; z <= BRAIN_HALF[2]; z += 6) {
        const wx = x + BRAIN_CENTRE[0],
          wy = y + BRAIN_CENTRE[1],
          wz = z + BRAIN_CENTRE[2];
        if (!inBrainRegion(wx, wy, wz)) continue;
        total++;
        const [i, j, k] = applyToPoint(toVoxel, [wx, wy, wz]);
        if (i >= -0.5 && i <= nx - 0.5 && j >= -0.5 && j <= ny - 0.5 && k >= -0.5 && k <= nz - 0.5) covered++;
      }
  return covered / total;
}

/** Fraction of the positive mass that lies in the MNI brain region (affine stepped per axis); NaN when there is none. */
export function insideFraction(v: Volume): number {
  const [nx, ny, nz] = v.dims;
  const m = v.affine;
  let inside = 0;
  let total = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) {
      const bx = m[1]! * j + m[2]! * k + m[3]!;
      const by = m[5]! * j + m[6]! * k + m[7]!;
      const bz = m[9]! * j + m[10]! * k + m[11]!;
      let o = nx * (j + ny * k);
      for (let i = 0; i < nx; i++, o++) {
        const val = v.data[o]!;
        if (!(val > 0)) continue; // skips 0, negatives and NaN
        total += val;
        if (inBrainRegion(bx + m[0]! * i, by + m[4]! * i, bz + m[8]! * i)) inside += val;
      }
    }
  return total > 0 ? inside / total : Number.NaN;
}

/** 99.5th percentile of the finite non-zero voxels, from a strided sample (count 0: an empty image). */
export function robustHigh(data: ArrayLike<number>): { p995: number; count: number } {
  const stride = Math.max(1, Math.floor(data.length / (4 * MAX_PERCENTILE_SAMPLES)));
  const vals: number[] = [];
  for (let n = 0; n < data.length; n += stride) {
    const x = data[n]!;
    if (x !== 0 && Number.isFinite(x)) vals.push(x);
  }
  if (vals.length === 0) return { p995: 0, count: 0 };
  const sorted = Float64Array.from(vals).sort();
  return { p995: sorted[Math.min(sorted.length - 1, Math.floor(0.995 * sorted.length))]!, count: sorted.length };
}

/** Deep white matter of both hemispheres (MNI mm): boxes of 12 x 18 x 12 mm around (±26, -12, 28). */
const WM_POINTS: ReadonlyArray<readonly [number, number, number]> = (() => {
  const pts: Array<[number, number, number]> = [];
  for (const side of [-1, 1])
    for (let dx = -6; dx <= 6; dx += 3) for (let dy = -9; dy <= 9; dy += 3) for (let dz = -6; dz <= 6; dz += 3) pts.push([side * 26 + dx, -12 + dy, 28 + dz]);
  return pts;
})();

/** Median deep-white-matter value over p995 (NaN when the white matter lies outside the image). */
export function whiteMatterRatio(v: Volume, toVoxel: Mat4, p995: number): number {
  const vals: number[] = [];
  for (const p of WM_POINTS) {
    const idx = voxelIndex(v, toVoxel, p);
    if (idx < 0) continue;
    const x = v.data[idx]!;
    vals.push(Number.isFinite(x) ? x : 0);
  }
  if (vals.length < WM_POINTS.length / 2 || !(p995 > 0)) return Number.NaN;
  vals.sort((a, b) => a - b);
  return vals[vals.length >> 1]! / p995;
}
