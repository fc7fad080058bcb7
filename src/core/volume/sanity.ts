/**
 * A quick guess at what the user uploaded, so the app can warn before running the model on
 * the wrong kind of image. The model expects a CAT12 gray-matter map (mwp1) in MNI space.
 *
 * Three measurements, all in world coordinates (any grid, orientation or axis order):
 * 1. Coverage: the fraction of the MNI brain region that lies inside the image's field of view
 *    (sampled every 6 mm). Below MIN_COVERAGE the image is not in MNI space ('not-mni'):
 *    e.g. scanner coordinates far off, or a tiny slab.
 * 2. Intensity range: robust high percentile (99.5th) of the finite non-zero voxels. A GM map
 *    holds volume fractions times a Jacobian, about 0..1.5 (residualized maps about -1..1);
 *    above MAX_GM_P995 it is an intensity image, i.e. a T1 scan (0..255, 0..4000, ...) ('raw-t1').
 * 3. Shape: the fraction of the positive mass that falls inside the MNI brain region. A GM map
 *    in MNI space has nearly all of it there (>= MIN_INSIDE_GM; Colin27 brain 1.00, a whole-head
 *    T1 0.83 as measured on our template assets); an image whose signal mostly
 *    lies elsewhere (< MAX_INSIDE_NOT_MNI) is not aligned to MNI; in between we do not know.
 *
 * The MNI brain region is a super-ellipsoid |x/a|^4 + |y/b|^4 + |z/c|^4 <= 1 centred at
 * (0, -17, 8) mm with a, b, c = 75, 95, 80 mm: it holds the whole MNI brain including the
 * cerebellum and temporal poles (a plain ellipsoid cuts them off) and excludes most of scalp,
 * face and neck.
 */
import { applyToPoint, invert } from './affine';
import type { Volume } from './types';

export type ScanKind = 'gm-map' | 'raw-t1' | 'not-mni' | 'unknown';

export const RAW_T1_MESSAGE = 'this looks like a raw T1 scan; the model expects a CAT12 gray-matter map (mwp1)';

const BRAIN_CENTRE = [0, -17, 8] as const;
const BRAIN_HALF = [75, 95, 80] as const;
const MIN_COVERAGE = 0.5;
const MAX_GM_P995 = 3;
const MIN_INSIDE_GM = 0.93;
const MAX_INSIDE_NOT_MNI = 0.5;
const MAX_PERCENTILE_SAMPLES = 200_000;

function inBrainRegion(x: number, y: number, z: number): boolean {
  const u = (x - BRAIN_CENTRE[0]) / BRAIN_HALF[0];
  const v = (y - BRAIN_CENTRE[1]) / BRAIN_HALF[1];
  const w = (z - BRAIN_CENTRE[2]) / BRAIN_HALF[2];
  const u2 = u * u, v2 = v * v, w2 = w * w;
  return u2 * u2 + v2 * v2 + w2 * w2 <= 1;
}

/** Fraction of the MNI brain region (sampled on a 6 mm lattice) inside the image's voxel extent. */
function brainCoverage(v: Volume, toVoxel: readonly number[]): number {
  const [nx, ny, nz] = v.dims;
  let total = 0;
  let covered = 0;
  for (let x = -BRAIN_HALF[0]; x <= BRAIN_HALF[0]; x += 6)
    for (let y = -BRAIN_HALF[1]; y <= BRAIN_HALF[1]; y += 6)
      for (let z = -BRAIN_HALF[2]; z <= BRAIN_HALF[2]; z += 6) {
        const wx = x + BRAIN_CENTRE[0], wy = y + BRAIN_CENTRE[1], wz = z + BRAIN_CENTRE[2];
        if (!inBrainRegion(wx, wy, wz)) continue;
        total++;
        const [i, j, k] = applyToPoint(toVoxel, [wx, wy, wz]);
        if (i >= -0.5 && i <= nx - 0.5 && j >= -0.5 && j <= ny - 0.5 && k >= -0.5 && k <= nz - 0.5) covered++;
      }
  return covered / total;
}

/** Fraction of the positive mass that lies in the MNI brain region (affine stepped per axis). */
function massInsideBrain(v: Volume): { inside: number; total: number } {
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
  return { inside, total };
}

/** Low and high percentiles (0.5th, 99.5th) of the finite non-zero voxels, from a strided sample. */
function robustRange(data: ArrayLike<number>): { lo: number; hi: number; count: number } {
  const stride = Math.max(1, Math.floor(data.length / (4 * MAX_PERCENTILE_SAMPLES)));
  const vals: number[] = [];
  for (let n = 0; n < data.length; n += stride) {
    const x = data[n]!;
    if (x !== 0 && Number.isFinite(x)) vals.push(x);
  }
  if (vals.length === 0) return { lo: 0, hi: 0, count: 0 };
  const sorted = Float64Array.from(vals).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { lo: at(0.005), hi: at(0.995), count: sorted.length };
}

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));

export function guessScanKind(v: Volume): { kind: ScanKind; message?: string } {
  let toVoxel: number[];
  try {
    toVoxel = invert(v.affine);
  } catch {
    return { kind: 'unknown', message: "the image's voxel-to-world matrix is singular, so its position in space is unknown" };
  }

  const coverage = brainCoverage(v, toVoxel);
  if (coverage < MIN_COVERAGE) {
    const corner0 = applyToPoint(v.affine, [0, 0, 0]);
    return {
      kind: 'not-mni',
      message:
        `the image covers only ${Math.round(coverage * 100)}% of the MNI brain (its first voxel is at ` +
        `${corner0.map(fmt).join(', ')} mm); the model expects an image normalized to MNI space (CAT12 mwp1)`,
    };
  }

  const range = robustRange(v.data);
  if (range.count === 0) return { kind: 'unknown', message: 'the image is empty (all voxels are zero or not finite)' };
  if (range.hi > MAX_GM_P995) return { kind: 'raw-t1', message: RAW_T1_MESSAGE };

  const { inside, total } = massInsideBrain(v);
  const fraction = total > 0 ? inside / total : 0;
  if (fraction >= MIN_INSIDE_GM) return { kind: 'gm-map' };
  if (fraction < MAX_INSIDE_NOT_MNI) {
    return {
      kind: 'not-mni',
      message: `only ${Math.round(fraction * 100)}% of the image's signal lies inside the MNI brain; the model expects a CAT12 gray-matter map (mwp1) in MNI space`,
    };
  }
  return {
    kind: 'unknown',
    message: `the image has gray-matter-like values but ${Math.round((1 - fraction) * 100)}% of its signal lies outside the MNI brain; is it a T1 with skull, or not aligned to MNI? The model expects a CAT12 mwp1 map`,
  };
}
