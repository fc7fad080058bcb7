/**
 * One resolution for every input voxel size. The tissue maps are made on the 1.5 mm grid from the
 * scan sampled there; a scan with finer voxels reaches the grid sharper than a 1.5 mm scan of the
 * same head, so the GM map depended on the input's voxel size (Colin27: r 0.946 against its
 * reference from the 1 mm original, 0.952 from the same head on the 1.5 mm grid). A coarser voxel's
 * tissue fraction is the mean of the fractions of the finer voxels it covers, so the maps (not the
 * intensities) get the difference in blur: the partial-volume unmixing is clipped at the pure-class
 * means, and blurring intensities before it turns a CSF/GM edge into spurious GM (simulated scans:
 * total GM +0.5 %, hippocampal GM +1.6-1.8 % at 25-30 % atrophy), while blurring fractions keeps
 * every total.
 *
 * Per scan axis of voxel size s, sampled at the grid's spacing T (in the scan's mm), the blur
 * missing against a scan acquired at T is the box of the coarser voxel, (T^2 - s^2) / 12, plus the
 * coarser trilinear resampling, (T^2 - s^2) / 6 (the variance of linear interpolation averaged
 * over the sampling offsets): a Gaussian of variance (T^2 - s^2) / 4; none on axes at or above T.
 * That covariance is carried into template space through the affine and applied per grid axis.
 */
import { gaussianKernel1d, gaussianSmoothAxes } from '../analysis/smooth';
import { invert } from '../volume/affine';
import type { Dims3 } from '../volume/types';
import { det3 } from './linalg';

/** Below this (voxels^2, a sigma of a twentieth of a voxel) a pass is not worth making. */
const NEGLIGIBLE_VARIANCE = 0.0025;

/**
 * Gaussian sigmas (grid voxels, per grid axis) that bring a scan with voxel-to-world `scanAffine`,
 * registered by `affine` (template world -> scan world), to the resolution of a scan acquired at
 * the grid's spacing `gridMm`.
 */
export function resolutionMatchSigmas(scanAffine: readonly number[], affine: readonly number[], gridMm: number): [number, number, number] {
  const target = gridMm * Math.cbrt(Math.abs(det3(affine)));
  // Covariance in scan world (mm^2): sum over scan axes of variance * direction direction^T.
  const cov = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const col = [scanAffine[a]!, scanAffine[4 + a]!, scanAffine[8 + a]!];
    const s = Math.hypot(col[0]!, col[1]!, col[2]!);
    const variance = Math.max(0, target * target - s * s) / 4;
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) cov[r * 3 + c] += (variance * col[r]! * col[c]!) / (s * s);
  }
  // Into template world: M^-1 cov M^-T; its diagonal per grid axis, in grid voxels.
  const inv = invert([...affine]);
  return [0, 1, 2].map((g) => {
    let v = 0;
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) v += inv[g * 4 + r]! * cov[r * 3 + c]! * inv[g * 4 + c]!;
    return sigmaForVariance(v / (gridMm * gridMm));
  }) as [number, number, number];
}

/** The maps blurred by `sigmas` (grid voxels per axis); the same arrays when there is nothing to do. */
export function matchResolution(maps: Float32Array[], dims: Dims3, sigmas: readonly [number, number, number]): Float32Array[] {
  if (sigmas.every((s) => s === 0)) return maps;
  return maps.map((m) => gaussianSmoothAxes(m, dims, sigmas));
}

/** Variance (voxels^2) of the sampled, normalized Gaussian kernel of `sigma`. */
function kernelVariance(sigma: number): number {
  const w = gaussianKernel1d(sigma);
  const r = (w.length - 1) >> 1;
  let m2 = 0;
  for (let t = -r; t <= r; t++) m2 += w[t + r]! * t * t;
  return m2;
}

/**
 * The sigma whose sampled kernel has the given variance (0 when negligible): below about a voxel,
 * sampling a Gaussian loses much of its variance (sigma 0.37 keeps about a third of it).
 */
export function sigmaForVariance(variance: number): number {
  if (variance < NEGLIGIBLE_VARIANCE) return 0;
  // (A kernel of radius 0, sigma < 0.125, has no variance at all; sigma 1 has about 1.)
  let lo = 0,
    hi = Math.max(1, 2 * Math.sqrt(variance));
  for (let i = 0; i < 40; i++) {
    const mid = 0.5 * (lo + hi);
    if (kernelVariance(mid) < variance) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
