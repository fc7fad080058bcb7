/**
 * A gray-matter probability map from a skull-stripped T1 (Colin27 ch2bet on the CAT12 grid),
 * resembling a CAT12 mwp1 image of a healthy adult (GM volume fraction 0..1, Jacobian 1):
 * 1. a 3-class Gaussian mixture (CSF < GM < WM) fitted by EM to the brain's intensities;
 * 2. partial-volume unmixing with the fitted class means: an intensity between the CSF and GM
 *    means is a CSF/GM mixture, one between the GM and WM means a GM/WM mixture (CAT12 also
 *    models such mixed classes), so the GM fraction rises and falls linearly between the means;
 * 3. light Gaussian smoothing (sigma 0.5 voxel) for the interpolation blur of a real pipeline.
 */
import { smooth3d } from './smooth';

export interface GmmFit {
  means: [number, number, number];
  sds: [number, number, number];
  weights: [number, number, number];
  iterations: number;
}

/** EM for a 1D 3-component Gaussian mixture on the values > 0, sorted so means ascend. */
export function fitGmm3(values: Float32Array | Uint8Array, maxIter = 100): GmmFit {
  const x = Array.from(values)
    .filter((v) => v > 0)
    .sort((a, b) => a - b);
  if (x.length < 100) throw new Error('too few brain voxels for tissue classification');
  const q = (p: number) => x[Math.floor(p * (x.length - 1))]!;
  const mu = [q(0.1), q(0.45), q(0.85)];
  const sd = [1, 1, 1].map(() => (q(0.95) - q(0.05)) / 6);
  const w = [1 / 3, 1 / 3, 1 / 3];
  // Histogram form (values are few distinct levels or can be binned): EM over 512 bins.
  const lo = x[0]!,
    hi = x[x.length - 1]!;
  const nb = 512,
    bw = (hi - lo) / nb || 1;
  const cnt = new Float64Array(nb);
  for (const v of x) cnt[Math.min(nb - 1, Math.floor((v - lo) / bw))]++;
  const centre = (b: number) => lo + (b + 0.5) * bw;
  let it = 0;
  for (; it < maxIter; it++) {
    const s0 = [0, 0, 0],
      s1 = [0, 0, 0],
      s2 = [0, 0, 0];
    for (let b = 0; b < nb; b++) {
      if (!cnt[b]) continue;
      const v = centre(b);
      const p = [0, 1, 2].map((c) => (w[c]! / sd[c]!) * Math.exp(-0.5 * ((v - mu[c]!) / sd[c]!) ** 2));
      const tot = p[0]! + p[1]! + p[2]! || 1e-300;
      for (let c = 0; c < 3; c++) {
        const r = (cnt[b]! * p[c]!) / tot;
        s0[c] += r;
        s1[c] += r * v;
        s2[c] += r * v * v;
      }
    }
    let change = 0;
    for (let c = 0; c < 3; c++) {
      const m = s1[c]! / s0[c]!;
      change = Math.max(change, Math.abs(m - mu[c]!));
      mu[c] = m;
      sd[c] = Math.max(bw, Math.sqrt(Math.max(0, s2[c]! / s0[c]! - m * m)));
      w[c] = s0[c]! / x.length;
    }
    if (change < 1e-4 * (hi - lo)) break;
  }
  const order = [0, 1, 2].sort((a, b) => mu[a]! - mu[b]!);
  return {
    means: order.map((c) => mu[c]!) as GmmFit['means'],
    sds: order.map((c) => sd[c]!) as GmmFit['sds'],
    weights: order.map((c) => w[c]!) as GmmFit['weights'],
    iterations: it,
  };
}

/**
 * GM fraction of one intensity by linear partial-volume unmixing: 0 at or below the pure-CSF
 * point (CSF mean + 0.5 sd), 1 at the GM mean, 0 again at the pure-WM point (WM mean - 2 sd).
 * The pure points sit inside the CSF and WM peaks because Colin27 (an average of 27 scans) has a
 * narrow WM peak and a long GM/WM blend; with the bare means the GM volume came out ~870 cm3,
 * with these ~720 cm3, near a healthy adult's CAT12 GM volume.
 */
export function gmFraction(v: number, fit: GmmFit): number {
  const [g] = [fit.means[1]];
  const c = fit.means[0] + 0.5 * fit.sds[0];
  const w = fit.means[2] - 2 * fit.sds[2];
  if (v <= 0) return 0;
  if (v <= c) return 0;
  if (v <= g) return (v - c) / (g - c);
  if (v <= w) return (w - v) / (w - g);
  return 0;
}

/** The GM map (0..1) of a skull-stripped T1 on any grid (zeros outside the brain). */
export function gmTemplateFromT1(t1: Float32Array | Uint8Array, dims: readonly [number, number, number], smoothSigma = 0.5): { gm: Float32Array; fit: GmmFit } {
  const fit = fitGmm3(t1);
  const gm = new Float32Array(t1.length);
  for (let i = 0; i < t1.length; i++) gm[i] = gmFraction(t1[i]!, fit);
  const s = smooth3d(gm, dims, smoothSigma);
  for (let i = 0; i < s.length; i++) s[i] = t1[i]! > 0 ? Math.min(1, Math.max(0, s[i]!)) : Math.min(1, Math.max(0, s[i]!)) * 0.5;
  return { gm: s, fit };
}
