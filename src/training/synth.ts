/**
 * Synthetic CAT12-like gray-matter maps (mwp1) with ground truth for where the AD evidence lies.
 * Each subject on the CAT12 grid:
 *   gm(x) = PV(T(x + u(x))) * det(I + du/dx)          (warp + Jacobian modulation, as CAT12)
 *         * g * C(x) * (1 - A(x)) + noise
 * T: the GM template; u: a smooth low-frequency displacement, the residual misregistration (cosine
 * basis, ~1 mm rms per axis, MISREGISTRATION_VOXELS); g: an individual global GM factor (sd 3 %);
 * C: the covariate effects, voxel-wise and spatially varying, so that a model fed raw maps can
 * learn age, sex, head size and scanner instead of disease, and residualization (the paper's
 * "resmodel", src/core/analysis/residualize.ts) has something to remove (maps in CovariateEffects):
 *   C(x) = (1 + ageSlope(x) (age - 70))                      GM loss per year: 0.25 %/y everywhere,
 *                                                            + 0.35 %/y frontal, + 0.3 %/y temporal,
 *                                                            + 0.2 %/y hippocampus (regions smoothed,
 *                                                            sigma 3 voxels), x 1.2 at the front ..
 *                                                            0.8 at the back
 *        * (1 + tivExponent(x) (TIV / TEMPLATE_TIV - 1))     head-size scaling, exponent 0.7 (inferior)
 *                                                            .. 1.3 (superior), not uniform
 *        * (1 + female * sexEffect(x))                       women +1 % (posterior) .. +3 % (anterior)
 *                                                            GM beyond their TIV
 *        * (3 T ? 1 + fieldBias(x) : 1)                      3 T: -1 % at the centre .. +3 % at the
 *                                                            cortex (smooth radial contrast field)
 *   PV(v) = 3 T ? v (1 + 0.3 v (1 - v)) : v                  3 T segments partial-volume voxels
 *                                                            (the GM/WM and GM/CSF borders) with more GM
 * Positions are world mm through the grid affine (docs/model-grid.md). MCI/AD subjects are a little
 * older (mean age 72 / 73 / 74), so age confounds the diagnosis as it does in real cohorts
 * (age-related hippocampal loss looks like early AD). Deterministic per (seed, subject): the maps
 * come from the atlas, the draws from the subject's own seeded stream, the demographics first.
 * A: the AD-like atrophy field (0 for CN): severity x (hippocampus+amygdala 1, parahippocampal 0.7,
 * temporal 0.35, precuneus/posterior cingulate 0.35, each jittered per subject) x a left/right
 * factor, smooth (regions blurred with sigma 2 voxels). A is the ground truth: the fraction of GM
 * removed at each voxel. Pure: no fs; the CLI (src/cli/commands/synth.ts) writes the files.
 */
import { makeRng, mixSeed, type Rng } from './prng';
import { smooth3d } from './smooth';

export type Group = 'CN' | 'MCI' | 'AD';
export const GROUPS: readonly Group[] = ['CN', 'MCI', 'AD'];

/** Nominal TIV of the template (cm3): a subject with this TIV and no deformation has mwp1 = T. */
export const TEMPLATE_TIV = 1550;
export const VOXEL_CM3 = 1.5 ** 3 / 1000;
export const HIPPOCAMPUS_LABELS = [37, 38] as const;

/** Atrophy groups: AAL labels (odd = left, even = right) and their base weight. */
export const ATROPHY_REGIONS: ReadonlyArray<{ name: string; labels: number[]; weight: number }> = [
  { name: 'hippocampus+amygdala', labels: [37, 38, 41, 42], weight: 1.0 },
  { name: 'parahippocampal', labels: [39, 40], weight: 0.7 },
  { name: 'temporal', labels: [55, 56, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90], weight: 0.35 },
  { name: 'precuneus+posterior cingulate', labels: [35, 36, 67, 68], weight: 0.35 },
];

/** Severity range (fraction of hippocampal GM lost before jitter) per group. */
export const SEVERITY: Record<Group, [number, number]> = { CN: [0, 0], MCI: [0.06, 0.22], AD: [0.2, 0.45] };

export interface SynthContext {
  dims: readonly [number, number, number];
  template: Float32Array;
  labels: Uint8Array;
  /** Smoothed region masks: regionFields[2 * g + side], side 0 = left, 1 = right. */
  regionFields: Float32Array[];
  /** Flat indices of the bilateral hippocampus (AAL 37 + 38). */
  hippocampus: Int32Array;
  /** Bounding box of the template's non-zero voxels, +3 voxels (the rest stays 0). */
  box: [number, number, number, number, number, number];
  /** The voxel-wise covariate effects every subject's map carries (header comment). */
  effects: CovariateEffects;
}

/** Relative covariate effects on the grid (fractions of the voxel's GM), the ground truth of residualization. */
export interface CovariateEffects {
  /** Relative GM change per year of age (negative: loss). */
  ageSlope: Float32Array;
  /** Exponent of the TIV scaling, linearized: GM x (1 + e (TIV / TEMPLATE_TIV - 1)). */
  tivExponent: Float32Array;
  /** Relative GM difference of women beyond their TIV. */
  sexEffect: Float32Array;
  /** Relative GM difference of a 3 T scan from a 1.5 T one (before the partial-volume term). */
  fieldBias: Float32Array;
}

/** AAL labels of the age pattern's regions (odd = left, even = right). */
export const FRONTAL_LABELS: readonly number[] = Array.from({ length: 28 }, (_, i) => i + 1);
export const TEMPORAL_LABELS: readonly number[] = Array.from({ length: 12 }, (_, i) => i + 79);
/** The 3 T partial-volume gain: PV(v) = v (1 + PV_GAIN v (1 - v)). */
export const PV_GAIN = 0.3;
/** Age around which the age effect is centred (years). */
export const AGE_CENTRE = 70;

/** Smoothed indicator of a set of labels (sigma 3 voxels: aging is no sharper than the atlas). */
function labelField(lab: Uint8Array, labels: readonly number[], dims: readonly [number, number, number]): Float32Array {
  const set = new Set(labels);
  const m = new Float32Array(lab.length);
  for (let i = 0; i < lab.length; i++) if (set.has(lab[i]!)) m[i] = 1;
  const s = smooth3d(m, dims, 3);
  for (let i = 0; i < s.length; i++) s[i] = Math.min(1, 1.5 * s[i]!);
  return s;
}

/** The effect maps, from the atlas and smooth functions of the world position (mm, CAT12 grid affine). */
export function makeCovariateEffects(lab: Uint8Array, dims: readonly [number, number, number]): CovariateEffects {
  const n = dims[0] * dims[1] * dims[2];
  const frontal = labelField(lab, FRONTAL_LABELS, dims);
  const temporal = labelField(lab, TEMPORAL_LABELS, dims);
  const hippocampus = labelField(lab, HIPPOCAMPUS_LABELS, dims);
  const ageSlope = new Float32Array(n),
    tivExponent = new Float32Array(n),
    sexEffect = new Float32Array(n),
    fieldBias = new Float32Array(n);
  const [nx, ny] = dims;
  for (let p = 0; p < n; p++) {
    const i = p % nx,
      j = Math.floor(p / nx) % ny,
      k = Math.floor(p / (nx * ny));
    // world mm (docs/model-grid.md); yn, zn in about -1..1 over the brain
    const x = -1.5 * i + 90,
      y = 1.5 * j - 126,
      z = 1.5 * k - 72;
    const yn = (y + 18) / 108,
      zn = (z - 18) / 90;
    ageSlope[p] = -(0.0025 + 0.0035 * frontal[p]! + 0.003 * temporal[p]! + 0.002 * hippocampus[p]!) * (1 + 0.2 * yn);
    tivExponent[p] = 1 + 0.3 * zn;
    sexEffect[p] = 0.02 + 0.01 * yn;
    // r: 0 at the brain's centre, about 1 at the cortex (an ellipsoid of the brain's half-axes)
    const r2 = (x / 70) ** 2 + ((y + 18) / 90) ** 2 + ((z - 10) / 65) ** 2;
    fieldBias[p] = -0.01 + 0.04 * Math.min(1, r2);
  }
  return { ageSlope, tivExponent, sexEffect, fieldBias };
}

export function makeSynthContext(template: Float32Array, labels: ArrayLike<number>, dims: readonly [number, number, number]): SynthContext {
  const n = dims[0] * dims[1] * dims[2];
  if (template.length !== n || labels.length !== n) throw new Error('template and labels must have the grid size');
  const lab = new Uint8Array(n);
  for (let i = 0; i < n; i++) lab[i] = Math.round(labels[i]!);
  const regionFields: Float32Array[] = [];
  for (const r of ATROPHY_REGIONS) {
    for (let side = 0; side < 2; side++) {
      const m = new Float32Array(n);
      const set = new Set(r.labels.filter((l) => (l % 2 === 1) === (side === 0)));
      for (let i = 0; i < n; i++) if (set.has(lab[i]!)) m[i] = 1;
      const s = smooth3d(m, dims, 2);
      // keep the region's core at full strength: the blur only softens its edge
      for (let i = 0; i < n; i++) s[i] = Math.min(1, 1.6 * s[i]!);
      regionFields.push(s);
    }
  }
  const hip: number[] = [];
  for (let i = 0; i < n; i++) if (lab[i] === 37 || lab[i] === 38) hip.push(i);
  const [nx, ny, nz] = dims;
  const box: SynthContext['box'] = [nx, 0, ny, 0, nz, 0];
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (template[i + nx * (j + ny * k)]! <= 0) continue;
        box[0] = Math.min(box[0], i);
        box[1] = Math.max(box[1], i);
        box[2] = Math.min(box[2], j);
        box[3] = Math.max(box[3], j);
        box[4] = Math.min(box[4], k);
        box[5] = Math.max(box[5], k);
      }
  const pad = 3;
  const clampedBox: SynthContext['box'] = [
    Math.max(1, box[0] - pad),
    Math.min(nx - 2, box[1] + pad),
    Math.max(1, box[2] - pad),
    Math.min(ny - 2, box[3] + pad),
    Math.max(1, box[4] - pad),
    Math.min(nz - 2, box[5] + pad),
  ];
  return { dims, template, labels: lab, regionFields, hippocampus: Int32Array.from(hip), box: clampedBox, effects: makeCovariateEffects(lab, dims) };
}

export interface SubjectMeta {
  id: string;
  group: Group;
  age: number;
  sex: 'F' | 'M';
  /** Total intracranial volume, cm3 (1150..1750). */
  tiv: number;
  /** Field strength, tesla. */
  field: 1.5 | 3;
  /** 0 for CN; the hippocampal atrophy fraction scale for MCI/AD. */
  severity: number;
  /** Left/right factor a: left regions x (1 + a), right x (1 - a). */
  asymmetry: number;
  /** Hippocampal (AAL 37+38) GM volume of the final map, cm3. */
  hippocampalGm: number;
}

export interface Subject {
  meta: SubjectMeta;
  /** The mwp1-like GM map on the grid. */
  gm: Float32Array;
  /** Ground truth: fraction of GM removed by the AD-like process at each voxel (0..0.9). */
  atrophy: Float32Array;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function sampleMeta(rng: Rng, id: string, group: Group): Omit<SubjectMeta, 'hippocampalGm'> {
  const ageMean = group === 'CN' ? 72 : group === 'MCI' ? 73 : 74;
  const age = Math.round(clamp(rng.normal(ageMean, 7), 55, 92));
  const sex: 'F' | 'M' = rng.uniform() < 0.5 ? 'F' : 'M';
  const tiv = Math.round(clamp(rng.normal(sex === 'F' ? 1380 : 1540, 110), 1150, 1750));
  const field: 1.5 | 3 = rng.uniform() < 0.5 ? 1.5 : 3;
  const [lo, hi] = SEVERITY[group];
  const severity = group === 'CN' ? 0 : rng.uniform(lo, hi);
  const asymmetry = group === 'CN' ? 0 : rng.uniform(-0.25, 0.25);
  return { id, group, age, sex, tiv, field, severity, asymmetry };
}

/** Cosine basis on n samples: phi_a(t) = cos(pi a (t + 0.5) / n), a = 0..order-1. */
function basis(n: number, order: number): Float64Array[] {
  return Array.from({ length: order }, (_, a) => Float64Array.from({ length: n }, (_, t) => Math.cos((Math.PI * a * (t + 0.5)) / n)));
}

const ORDER = 3;

/**
 * Scale (voxels, 1.5 mm) of the residual misregistration each subject's map carries: the standard
 * deviation of the cosine coefficients of u (order-f terms amplitude / f, the constant term, a
 * global shift, 0.3 x amplitude). 0.4 gives ~0.6 voxel (~1 mm) rms along each axis, about what a
 * nonlinear registration such as CAT12's Shooting leaves. It was 1.0 (~1.6 voxels) until the
 * demo family was retrained: there the map's residual from the template (mean |residual| 0.15-0.19)
 * drowned the atrophy signal (-0.03 .. -0.05 per voxel), and LRP followed the misregistration
 * (positive relevance in the atrophy region 2.7x its share of the brain; 3.5x at 0.4).
 */
export const MISREGISTRATION_VOXELS = 0.4;

/** Displacement fields (voxel units) for the three axes over the whole grid. */
function displacement(rng: Rng, dims: readonly [number, number, number], amplitude: number): Float32Array[] {
  const [nx, ny, nz] = dims;
  const bx = basis(nx, ORDER),
    by = basis(ny, ORDER),
    bz = basis(nz, ORDER);
  const out: Float32Array[] = [];
  for (let comp = 0; comp < 3; comp++) {
    const C = new Float64Array(ORDER ** 3);
    for (let a = 0; a < ORDER; a++)
      for (let b = 0; b < ORDER; b++)
        for (let c = 0; c < ORDER; c++) {
          const f = a + b + c;
          C[(a * ORDER + b) * ORDER + c] = rng.normal(0, f === 0 ? 0.3 * amplitude : amplitude / f);
        }
    const u = new Float32Array(nx * ny * nz);
    const T = new Float64Array(ORDER * ORDER),
      S = new Float64Array(ORDER);
    for (let k = 0; k < nz; k++) {
      for (let a = 0; a < ORDER; a++)
        for (let b = 0; b < ORDER; b++) {
          let s = 0;
          for (let c = 0; c < ORDER; c++) s += C[(a * ORDER + b) * ORDER + c]! * bz[c]![k]!;
          T[a * ORDER + b] = s;
        }
      for (let j = 0; j < ny; j++) {
        for (let a = 0; a < ORDER; a++) {
          let s = 0;
          for (let b = 0; b < ORDER; b++) s += T[a * ORDER + b]! * by[b]![j]!;
          S[a] = s;
        }
        const row = nx * (j + ny * k);
        for (let i = 0; i < nx; i++) u[row + i] = S[0]! * bx[0]![i]! + S[1]! * bx[1]![i]! + S[2]! * bx[2]![i]!;
      }
    }
    out.push(u);
  }
  return out;
}

function trilinear(T: Float32Array, nx: number, ny: number, nz: number, x: number, y: number, z: number): number {
  if (x < 0 || y < 0 || z < 0 || x > nx - 1 || y > ny - 1 || z > nz - 1) return 0;
  const i = Math.min(nx - 2, Math.floor(x)),
    j = Math.min(ny - 2, Math.floor(y)),
    k = Math.min(nz - 2, Math.floor(z));
  const fx = x - i,
    fy = y - j,
    fz = z - k;
  const o = i + nx * (j + ny * k),
    sy = nx,
    sz = nx * ny;
  const c00 = T[o]! * (1 - fx) + T[o + 1]! * fx;
  const c10 = T[o + sy]! * (1 - fx) + T[o + sy + 1]! * fx;
  const c01 = T[o + sz]! * (1 - fx) + T[o + sz + 1]! * fx;
  const c11 = T[o + sy + sz]! * (1 - fx) + T[o + sy + sz + 1]! * fx;
  return (c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz;
}

export function subjectId(index: number): string {
  return `sub-${String(index + 1).padStart(4, '0')}`;
}

/** The demographics of subject (cohortSeed, index, group) without making its map (same draws as synthSubject). */
export function subjectMeta(cohortSeed: number, index: number, group: Group, id = subjectId(index)): Omit<SubjectMeta, 'hippocampalGm'> {
  return sampleMeta(makeRng(mixSeed(cohortSeed, index, GROUPS.indexOf(group))), id, group);
}

/** One subject, fully determined by (cohortSeed, index, group). */
export function synthSubject(ctx: SynthContext, cohortSeed: number, index: number, group: Group, id = subjectId(index)): Subject {
  const rng = makeRng(mixSeed(cohortSeed, index, GROUPS.indexOf(group)));
  const m = sampleMeta(rng, id, group);
  const [nx, ny, nz] = ctx.dims;
  const n = nx * ny * nz;
  const u = displacement(rng, ctx.dims, MISREGISTRATION_VOXELS);
  // per-subject jitter of the regional pattern
  const weights = ATROPHY_REGIONS.map((r) => r.weight * rng.uniform(0.7, 1.3));
  const individual = rng.normal(1, 0.03);
  const { ageSlope, tivExponent, sexEffect, fieldBias } = ctx.effects;
  const female = m.sex === 'F' ? 1 : 0,
    age = m.age - AGE_CENTRE,
    tiv = m.tiv / TEMPLATE_TIV - 1,
    is3T = m.field === 3;
  const noiseSd = m.field === 3 ? 0.02 : 0.03;
  const gm = new Float32Array(n);
  const atrophy = new Float32Array(n);
  const [ux, uy, uz] = u as [Float32Array, Float32Array, Float32Array];
  const [i0, i1, j0, j1, k0, k1] = ctx.box;
  const sy = nx,
    sz = nx * ny;
  for (let k = k0; k <= k1; k++)
    for (let j = j0; j <= j1; j++) {
      let p = i0 + nx * (j + ny * k);
      for (let i = i0; i <= i1; i++, p++) {
        const t = trilinear(ctx.template, nx, ny, nz, i + ux[p]!, j + uy[p]!, k + uz[p]!);
        if (t <= 0) continue;
        const v = is3T ? t * (1 + PV_GAIN * t * (1 - t)) : t;
        const covariateFactor =
          individual * (1 + ageSlope[p]! * age) * (1 + tivExponent[p]! * tiv) * (1 + female * sexEffect[p]!) * (is3T ? 1 + fieldBias[p]! : 1);
        // Jacobian determinant of x -> x + u(x), central differences (voxel units)
        const a11 = 1 + (ux[p + 1]! - ux[p - 1]!) / 2,
          a12 = (ux[p + sy]! - ux[p - sy]!) / 2,
          a13 = (ux[p + sz]! - ux[p - sz]!) / 2;
        const a21 = (uy[p + 1]! - uy[p - 1]!) / 2,
          a22 = 1 + (uy[p + sy]! - uy[p - sy]!) / 2,
          a23 = (uy[p + sz]! - uy[p - sz]!) / 2;
        const a31 = (uz[p + 1]! - uz[p - 1]!) / 2,
          a32 = (uz[p + sy]! - uz[p - sy]!) / 2,
          a33 = 1 + (uz[p + sz]! - uz[p - sz]!) / 2;
        const det = a11 * (a22 * a33 - a23 * a32) - a12 * (a21 * a33 - a23 * a31) + a13 * (a21 * a32 - a22 * a31);
        let A = 0;
        if (m.severity > 0) {
          const fl = 1 + m.asymmetry,
            fr = 1 - m.asymmetry;
          for (let g = 0; g < weights.length; g++) {
            A += weights[g]! * (fl * ctx.regionFields[2 * g]![p]! + fr * ctx.regionFields[2 * g + 1]![p]!);
          }
          A = Math.min(0.9, m.severity * A);
          atrophy[p] = A;
        }
        gm[p] = Math.max(0, v * det * covariateFactor * (1 - A) + rng.normal(0, noiseSd) * Math.min(1, 4 * t));
      }
    }
  let hip = 0;
  for (const q of ctx.hippocampus) hip += gm[q]!;
  return { meta: { ...m, hippocampalGm: hip * VOXEL_CM3 }, gm, atrophy };
}

/** Group of subject i in a cohort: the groups listed, in turn (CN, MCI, AD, CN, ...). */
export function groupOf(index: number, groups: readonly Group[] = GROUPS): Group {
  return groups[index % groups.length]!;
}

/** Hippocampal GM volume (cm3) of any GM map on the grid. */
export function hippocampalVolume(ctx: SynthContext, gm: Float32Array): number {
  let s = 0;
  for (const q of ctx.hippocampus) s += gm[q]!;
  return s * VOXEL_CM3;
}
