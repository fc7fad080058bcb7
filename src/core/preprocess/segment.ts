/**
 * Tissue classification of a T1 already in template space (affine): a Gaussian mixture of seven
 * classes, CSF, GM, WM, three non-brain tissue classes (bone/dura, muscle, fat) and air, each with a
 * spatial prior from Colin27 (blurred and flattened, so enlarged ventricles and sulci of an atrophic
 * brain are not pulled back to one young brain's anatomy), and a smooth multiplicative bias field
 * re-estimated inside the EM loop by normalized Gaussian convolution (raw-t1.md: it beat a
 * polynomial field clearly). EM and the bias run on the 3 mm level; the posteriors and the
 * partial-volume fractions are then computed on the 1.5 mm grid.
 *
 * Partial volume: a brain voxel's intensity between the fitted CSF and GM means is a CSF/GM mixture,
 * between the GM and WM means a GM/WM mixture (linear unmixing, as the GM template's generator and
 * CAT12's mixed classes do); the brain posterior (CSF + GM + WM) scales the fractions.
 */
import { gaussianSmooth } from '../analysis/smooth';
import { CAT12_GRID } from '../volume/grid';
import type { Dims3 } from '../volume/types';
import { double, halve, levelGrid } from './grid';
import type { PreprocessTemplates } from './templates';

/**
 * Classes: 0 CSF, 1 GM, 2 WM, 3 CSF/GM mixture, 4 GM/WM mixture, 5-7 non-brain tissue, 8 air. The
 * mixture classes (uniformly mixed voxels: mean halfway, variance of the pure classes plus the
 * spread of the mixing) keep the pure classes pure, so the unmixing end points are true tissue means.
 */
const K = 9;
const CSF = 0,
  GM = 1,
  WM = 2,
  CG = 3,
  GW = 4,
  AIR = 8;
/** Which prior each class draws on: 0 csf, 1 gm, 2 wm, 3 csf+gm, 4 gm+wm, 5 non-brain head tissue, 6 air. */
const PRIOR_OF = [0, 1, 2, 3, 4, 5, 5, 5, 6];
/** Classes 0 .. BRAIN - 1 (CSF, GM, WM and their mixtures) are brain. */
const BRAIN = 5;
const EM_ITERATIONS = 20;
const BIAS_SIGMA_MM = 15;

export interface Segmentation {
  gm: Float32Array;
  wm: Float32Array;
  csf: Float32Array;
  /** The image divided by the bias field, in units of the WM mean. */
  corrected: Float32Array;
  bias: Float32Array;
  means: number[];
  sds: number[];
  /** 5th and 95th percentile of the bias field inside the brain. */
  biasRange: [number, number];
}

/** Priors on one level: the tissue maps blurred by `sigma` voxels, flattened within the brain, normalized with air. */
function priorsOn(t: PreprocessTemplates, sigma: number): Float32Array[] {
  const dims3 = levelGrid(1).dims as Dims3;
  const [gm, wm, csf, nb] = [t.gm3, t.wm3, t.csf3, t.nonbrain3].map((m) => gaussianSmooth(m, dims3, sigma));
  const n = gm!.length;
  const air = new Float32Array(n);
  for (let v = 0; v < n; v++) {
    const brain = gm![v]! + wm![v]! + csf![v]!;
    // Flatten: a fifth of each brain class's prior is spread evenly over the brain classes.
    const share = (0.2 * brain) / 3;
    gm![v] = 0.8 * gm![v]! + share;
    wm![v] = 0.8 * wm![v]! + share;
    csf![v] = 0.8 * csf![v]! + share;
    const nbv = Math.min(1, nb![v]!);
    nb![v] = nbv;
    air[v] = Math.max(0, 1 - brain - nbv);
    const eps = 1e-3;
    const tot = brain + nbv + air[v]! + 5 * eps;
    csf![v] = (csf![v]! + eps) / tot;
    gm![v] = (gm![v]! + eps) / tot;
    wm![v] = (wm![v]! + eps) / tot;
    nb![v] = (nb![v]! + eps) / tot;
    air[v] = (air[v]! + eps) / tot;
  }
  const cg = new Float32Array(n),
    gw = new Float32Array(n);
  for (let v = 0; v < n; v++) {
    cg[v] = 0.5 * (csf![v]! + gm![v]!);
    gw[v] = 0.5 * (gm![v]! + wm![v]!);
  }
  return [csf!, gm!, wm!, cg, gw, nb!, air];
}

/** Mixture classes follow their pure classes. */
function mixClasses(p: Params): void {
  for (const [k, a, b] of [
    [CG, CSF, GM],
    [GW, GM, WM],
  ] as const) {
    p.mu[k] = 0.5 * (p.mu[a]! + p.mu[b]!);
    p.sd[k] = Math.sqrt(0.5 * (p.sd[a]! ** 2 + p.sd[b]! ** 2) + (p.mu[b]! - p.mu[a]!) ** 2 / 12);
  }
}

interface Params {
  mu: Float64Array;
  sd: Float64Array;
  mix: Float64Array;
}

/**
 * Per-class constants of the E-step, computed once per EM iteration rather than per voxel (the
 * voxel loop is the stage's hottest): a class's likelihood is gain * exp(curv * (c - mu)^2), and
 * its weight in the bias fit is mu / sd^2.
 */
interface ClassTerms {
  mu: Float64Array;
  gain: Float64Array;
  curv: Float64Array;
  biasWeight: Float64Array;
}

function classTerms(p: Params): ClassTerms {
  const t: ClassTerms = { mu: Float64Array.from(p.mu), gain: new Float64Array(K), curv: new Float64Array(K), biasWeight: new Float64Array(K) };
  for (let k = 0; k < K; k++) {
    const sd = p.sd[k]!;
    t.gain[k] = p.mix[k]! / sd;
    t.curv[k] = -0.5 / (sd * sd);
    t.biasWeight[k] = p.mu[k]! / (sd * sd);
  }
  return t;
}

/** E-step for one voxel into r (length K); returns the total likelihood. */
function posteriors(c: number, pri: Float32Array[], v: number, t: ClassTerms, r: Float64Array): number {
  let tot = 0;
  for (let k = 0; k < K; k++) {
    const d = c - t.mu[k]!;
    const l = pri[PRIOR_OF[k]!]![v]! * t.gain[k]! * Math.exp(t.curv[k]! * d * d);
    r[k] = l;
    tot += l;
  }
  if (tot > 0) for (let k = 0; k < K; k++) r[k] = r[k]! / tot;
  else {
    r.fill(0);
    r[AIR] = 1;
  }
  return tot;
}

function percentile(vals: number[], q: number): number {
  const s = Float64Array.from(vals).sort();
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
}

/**
 * B = G * num / G * den (normalized convolution), smoothed on the 6 mm level (the field is smooth
 * at that scale anyway, and 8x fewer voxels), normalized to a mean of 1 over the WM prior.
 */
function updateBias(num: Float32Array, den: Float32Array, wmPrior: Float32Array, bias3: Float32Array): void {
  const dims3 = levelGrid(1).dims as Dims3;
  const n6 = halve(num, dims3),
    d6 = halve(den, dims3);
  const sigma = BIAS_SIGMA_MM / 6;
  const ns = gaussianSmooth(n6.data, n6.dims, sigma),
    ds = gaussianSmooth(d6.data, d6.dims, sigma);
  let dm = 0;
  for (let v = 0; v < ds.length; v++) dm += ds[v]!;
  const eps = (1e-3 * dm) / ds.length;
  for (let v = 0; v < ds.length; v++) ns[v] = (ns[v]! + eps) / (ds[v]! + eps);
  const b = double(ns, n6.dims, dims3);
  let bw = 0,
    bwb = 0;
  for (let v = 0; v < b.length; v++) {
    bw += wmPrior[v]!;
    bwb += wmPrior[v]! * b[v]!;
  }
  for (let v = 0; v < b.length; v++) bias3[v] = (b[v]! * bw) / bwb;
}

export function segment(y: Float32Array, templates: PreprocessTemplates, signal?: AbortSignal): Segmentation {
  const grid3 = levelGrid(1);
  const dims3 = grid3.dims as Dims3;
  const y3 = halve(y, CAT12_GRID.dims).data;
  const n3 = y3.length;
  const pri3 = priorsOn(templates, 1);

  // Intensity units: the prior-weighted WM mean = 1.
  let sw = 0,
    swy = 0;
  for (let v = 0; v < n3; v++) {
    sw += pri3[2]![v]!;
    swy += pri3[2]![v]! * y3[v]!;
  }
  const unit = swy / sw || 1;
  const c3 = new Float32Array(n3);
  for (let v = 0; v < n3; v++) c3[v] = y3[v]! / unit;

  const weighted = (pi: number) => {
    let a = 0,
      b = 0;
    for (let v = 0; v < n3; v++) {
      a += pri3[pi]![v]! * pri3[pi]![v]!;
      b += pri3[pi]![v]! * pri3[pi]![v]! * c3[v]!;
    }
    return b / a;
  };
  const p: Params = {
    mu: Float64Array.from([weighted(0) * 0.8, weighted(1), 1, 0, 0, 0.15, 0.6, 1.4, 0.02]),
    sd: Float64Array.from([0.12, 0.08, 0.06, 0, 0, 0.15, 0.2, 0.4, 0.05]),
    mix: Float64Array.from([1, 1, 1, 0.5, 0.5, 1 / 3, 1 / 3, 1 / 3, 1]),
  };
  mixClasses(p);
  // Voxels that are surely air take no part (a third of the grid).
  const airPrior = pri3[6]!;
  const activeList: number[] = [];
  for (let v = 0; v < n3; v++) if (airPrior[v]! < 0.995 || c3[v]! > 0.1) activeList.push(v);
  const active = Int32Array.from(activeList);
  const bias3 = new Float32Array(n3).fill(1);
  const r = new Float64Array(K);
  const num = new Float32Array(n3),
    den = new Float32Array(n3);
  for (let it = 0; it < EM_ITERATIONS; it++) {
    if (signal?.aborted) throw new DOMException('The analysis was cancelled.', 'AbortError');
    const s0 = new Float64Array(K),
      s1 = new Float64Array(K),
      s2 = new Float64Array(K);
    num.fill(0);
    den.fill(0);
    const terms = classTerms(p);
    for (let a = 0; a < active.length; a++) {
      const v = active[a]!;
      const obs = c3[v]!;
      const c = obs / bias3[v]!;
      posteriors(c, pri3, v, terms, r);
      for (let k = 0; k < K; k++) {
        const rk = r[k]!;
        s0[k] += rk;
        s1[k] += rk * c;
        s2[k] += rk * c * c;
      }
      // Bias: least squares of obs = B * mu_k over the brain classes, precision-weighted.
      let nv = 0,
        dv = 0;
      for (let k = 0; k < BRAIN; k++) {
        const w = r[k]! * terms.biasWeight[k]!;
        nv += w * obs;
        dv += w * terms.mu[k]!;
      }
      num[v] = nv;
      den[v] = dv;
    }
    for (let k = 0; k < K; k++) {
      if (s0[k]! < 1e-6 || k === CG || k === GW) continue;
      p.mu[k] = s1[k]! / s0[k]!;
      p.sd[k] = Math.max(0.01, Math.sqrt(Math.max(0, s2[k]! / s0[k]! - p.mu[k]! ** 2)));
    }
    // Mixing proportions within the non-brain group (the group's prior is shared).
    const nbTot = s0[5]! + s0[6]! + s0[7]!;
    for (let k = 5; k <= 7; k++) p.mix[k] = Math.max(1e-3, s0[k]! / nbTot);
    mixClasses(p);
    if (it >= 2 && it % 2 === 0 && it < EM_ITERATIONS - 1) updateBias(num, den, pri3[2]!, bias3);
  }

  // Full resolution: bias, corrected image, posteriors, partial-volume fractions.
  const dims = CAT12_GRID.dims;
  const bias = double(bias3, dims3, dims);
  const pri = pri3.map((m) => double(m, dims3, dims));
  const n = y.length;
  const corrected = new Float32Array(n),
    gm = new Float32Array(n),
    wm = new Float32Array(n),
    csf = new Float32Array(n);
  // (Smoothing the intensities before unmixing, sigma 0.6 voxel, raised r on Colin27 by 0.003 but
  // blurred CSF into atrophied hippocampi: +4 % hippocampal GM at 50 % atrophy. Not done.)
  const [mc, mg, mw] = [p.mu[CSF]!, p.mu[GM]!, p.mu[WM]!];
  const biasVals: number[] = [];
  const terms = classTerms(p);
  for (let v = 0; v < n; v++) {
    const c = y[v]! / unit / bias[v]!;
    corrected[v] = c;
    if (pri[6]![v]! > 0.995) continue;
    posteriors(c, pri, v, terms, r);
    const brain = r[CSF]! + r[GM]! + r[WM]! + r[CG]! + r[GW]!;
    if (brain < 1e-3) continue;
    let fg: number,
      fw = 0,
      fc = 0;
    if (c <= mc) {
      fg = 0;
      fc = 1;
    } else if (c <= mg) {
      fg = (c - mc) / (mg - mc);
      fc = 1 - fg;
    } else if (c <= mw) {
      fg = (mw - c) / (mw - mg);
      fw = 1 - fg;
    } else {
      fg = 0;
      fw = 1;
    }
    gm[v] = brain * fg;
    wm[v] = brain * fw;
    csf[v] = brain * fc;
    if (brain > 0.5 && v % 11 === 0) biasVals.push(bias[v]!);
  }
  return {
    gm,
    wm,
    csf,
    corrected,
    bias,
    means: Array.from(p.mu),
    sds: Array.from(p.sd),
    biasRange: [percentile(biasVals, 0.05), percentile(biasVals, 0.95)],
  };
}
