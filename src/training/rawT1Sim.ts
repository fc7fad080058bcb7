/**
 * A raw-T1 simulator with a known answer, for testing and benchmarking the raw-T1 stage
 * (src/core/preprocess). From Colin27's whole head on the CAT12 grid (colin27_t1) and its GM map
 * (gm_template), deterministic per seed:
 *   anatomy  medial-temporal atrophy of a given severity: inside a soft mask of AAL 37-42
 *            (hippocampus, parahippocampal gyrus, amygdala) a fraction `severity` of the GM is
 *            replaced by CSF, in the GM map and in the intensities (GM intensity -> CSF intensity);
 *   geometry template -> subject map  phi(y) = A (y + u(y)): A a random affine (rotations, shifts,
 *            scales per axis), u a smooth displacement of a few mm (low-frequency sines);
 *   scanner  a voxel grid of its own (anisotropic voxels, permuted and flipped axes, oblique),
 *            multiplicative bias (smooth, +-amplitude), Rician noise, int16 with scaling.
 * The answer on the CAT12 grid: the atrophied GM fraction times the Jacobian determinant of phi,
 * i.e. what an exact modulated normalization (CAT12's mwp1) of the simulated scan would give.
 */
import { gaussianSmooth } from '../core/analysis/smooth';
import { writeNifti } from '../core/nifti';
import { invert, multiply } from '../core/volume/affine';
import { CAT12_GRID } from '../core/volume/grid';

import { det3, rotation } from '../core/preprocess/linalg';
import { sampleAt } from '../core/preprocess/grid';
import { makeRng } from './prng';

export interface SimulatorAssets {
  /** Colin27 whole head (ch2) on the CAT12 grid. */
  head: Float32Array;
  /** Its GM fraction map on the grid (gm_template). */
  gm: Float32Array;
  /** Brain-extracted Colin27 on the grid (ch2bet): > 0 inside the brain (the answer's TIV). */
  brain: Float32Array;
  /** AAL labels on the grid. */
  labels: Uint8Array;
}

export interface SimulationOptions {
  seed: number;
  /** 0..1: fraction of medial-temporal GM replaced by CSF. */
  severity?: number;
  maxRotationDeg?: number;
  maxShiftMm?: number;
  maxScale?: number;
  /** Amplitude of each of the warp's sine modes (three per axis), mm. */
  warpMm?: number;
  biasAmplitude?: number;
  /** Rician noise sd as a fraction of the WM intensity. */
  noise?: number;
  voxelSize?: [number, number, number];
  /** Oblique tilt of the voxel grid against the scanner axes, degrees. */
  obliqueDeg?: number;
  /** Whether the head is placed randomly (false: identity affine, no warp: for the "unmodified" baseline). */
  pose?: boolean;
}

export interface SimulatedScan {
  /** The scan as a NIfTI-1 file (int16 with scaling, gzipped). */
  bytes: Uint8Array;
  answer: {
    /** Atrophied GM x Jacobian on the CAT12 grid. */
    gm: Float32Array;
    gmMl: number;
    tivMl: number;
    hippocampusMl: number;
    jacobianAffine: number;
  };
  /** Template world -> subject world, the affine part. */
  affine: number[];
}

const HIPPOCAMPUS = [37, 38];
const MEDIAL_TEMPORAL = [37, 38, 39, 40, 41, 42];
const VOXEL_ML = 1.5 ** 3 / 1000;

interface Mode {
  k: [number, number, number];
  phase: number;
  amp: number;
}

/** u(y) = sum over modes of amp * sin(k . y + phase), per axis; and its Jacobian matrix. */
function makeWarp(rng: ReturnType<typeof makeRng>, amp: number): Mode[][] {
  return [0, 1, 2].map(() =>
    [0, 1, 2].map(() => {
      const wavelength = rng.uniform(70, 140);
      const dir = [rng.normal(), rng.normal(), rng.normal()];
      const nrm = Math.hypot(...dir);
      const k = dir.map((d) => ((2 * Math.PI) / wavelength) * (d / nrm)) as [number, number, number];
      return { k, phase: rng.uniform(0, 2 * Math.PI), amp: amp * rng.uniform(0.5, 1) };
    }),
  );
}

function warpAt(modes: Mode[][], y: readonly number[], out: number[], jac?: number[]): void {
  for (let a = 0; a < 3; a++) {
    let s = 0;
    for (const m of modes[a]!) {
      const arg = m.k[0] * y[0]! + m.k[1] * y[1]! + m.k[2] * y[2]! + m.phase;
      s += m.amp * Math.sin(arg);
      if (jac) {
        const c = m.amp * Math.cos(arg);
        jac[a * 3] += c * m.k[0];
        jac[a * 3 + 1] += c * m.k[1];
        jac[a * 3 + 2] += c * m.k[2];
      }
    }
    out[a] = s;
  }
}

export function simulateRawT1(assets: SimulatorAssets, options: SimulationOptions): SimulatedScan {
  const rng = makeRng(options.seed);
  const severity = options.severity ?? 0;
  const pose = options.pose ?? true;
  const dims = CAT12_GRID.dims;
  const n = assets.head.length;

  // Anatomy: intensities of pure GM and CSF in ch2, then the atrophy.
  let gSum = 0,
    gW = 0;
  const brainVals: number[] = [];
  for (let v = 0; v < n; v++) {
    if (assets.gm[v]! > 0.9) {
      gSum += assets.head[v]!;
      gW++;
    }
    if (assets.brain[v]! > 0 && v % 5 === 0) brainVals.push(assets.head[v]!);
  }
  brainVals.sort((a, b) => a - b);
  const gmI = gSum / gW;
  const csfI = brainVals[Math.floor(0.03 * brainVals.length)]!;
  const wmI = brainVals[Math.floor(0.9 * brainVals.length)]!;
  const region = new Float32Array(n);
  for (let v = 0; v < n; v++) region[v] = MEDIAL_TEMPORAL.includes(assets.labels[v]!) ? 1 : 0;
  const soft = gaussianSmooth(region, dims, 1.5);
  const t1 = new Float32Array(n),
    gmAtr = new Float32Array(n);
  for (let v = 0; v < n; v++) {
    const loss = severity * Math.min(1, soft[v]! * 1.5) * assets.gm[v]!;
    gmAtr[v] = assets.gm[v]! - loss;
    t1[v] = assets.head[v]! - loss * (gmI - csfI);
  }

  // Geometry.
  const maxRot = options.maxRotationDeg ?? 15,
    maxShift = options.maxShiftMm ?? 15,
    maxScale = options.maxScale ?? 0.1;
  const c0 = [0, -17, 8];
  let a: number[] = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  if (pose) {
    const r = rotation(rng.uniform(-maxRot, maxRot), rng.uniform(-maxRot, maxRot), rng.uniform(-maxRot, maxRot));
    const s = [0, 1, 2].map(() => 1 + rng.uniform(-maxScale, maxScale));
    const m = [...r];
    for (let row = 0; row < 3; row++) for (let c = 0; c < 3; c++) m[row * 4 + c] = r[row * 4 + c]! * s[c]!;
    const t = [0, 1, 2].map(() => rng.uniform(-maxShift, maxShift));
    for (let row = 0; row < 3; row++) {
      m[row * 4 + 3] = c0[row]! + t[row]! - (m[row * 4]! * c0[0]! + m[row * 4 + 1]! * c0[1]! + m[row * 4 + 2]! * c0[2]!);
    }
    a = m;
  }
  const modes = makeWarp(rng, pose ? (options.warpMm ?? 1.5) : 0);
  const aInv = invert(a);

  // The scanner's voxel grid: axes permuted and flipped, tilted, covering the transformed head box.
  const vs = options.voxelSize ?? [1.1, 1.25, 1.4];
  const perms = [
    [0, 1, 2],
    [1, 2, 0],
    [2, 0, 1],
    [0, 2, 1],
    [1, 0, 2],
    [2, 1, 0],
  ];
  const perm = pose ? perms[Math.floor(rng.uniform(0, 6))]! : [0, 1, 2];
  const flips = pose ? [0, 1, 2].map(() => (rng.uniform() < 0.5 ? -1 : 1)) : [1, 1, 1];
  const tilt = pose ? rotation(rng.uniform(-1, 1) * (options.obliqueDeg ?? 6), 0, rng.uniform(-1, 1) * (options.obliqueDeg ?? 6)) : rotation(0, 0, 0);
  const dirs = [0, 1, 2].map((ax) => {
    const e = [0, 0, 0];
    e[perm[ax]!] = flips[ax]!;
    return [0, 1, 2].map((row) => tilt[row * 4]! * e[0]! + tilt[row * 4 + 1]! * e[1]! + tilt[row * 4 + 2]! * e[2]!);
  });
  const corners: number[][] = [];
  // The head's box in template space (ch2 has no neck below the grid's z = -72).
  for (const x of [-80, 80])
    for (const y of [-118, 88])
      for (const z of [-72, 98]) {
        const w = [x, y, z];
        corners.push([0, 1, 2].map((row) => a[row * 4]! * w[0]! + a[row * 4 + 1]! * w[1]! + a[row * 4 + 2]! * w[2]! + a[row * 4 + 3]!));
      }
  const lo = [0, 0, 0],
    hi = [0, 0, 0];
  for (let ax = 0; ax < 3; ax++) {
    const proj = corners.map((p) => p[0]! * dirs[ax]![0]! + p[1]! * dirs[ax]![1]! + p[2]! * dirs[ax]![2]!);
    lo[ax] = Math.min(...proj);
    hi[ax] = Math.max(...proj);
  }
  const sdims = [0, 1, 2].map((ax) => Math.ceil((hi[ax]! - lo[ax]!) / vs[ax]!) + 1) as [number, number, number];
  const vox = new Array<number>(16).fill(0);
  for (let row = 0; row < 3; row++) {
    for (let ax = 0; ax < 3; ax++) vox[row * 4 + ax] = dirs[ax]![row]! * vs[ax]!;
    vox[row * 4 + 3] = dirs[0]![row]! * lo[0]! + dirs[1]![row]! * lo[1]! + dirs[2]![row]! * lo[2]!;
  }
  vox[15] = 1;

  // Scanner image: for each voxel, y = phi^-1(x) by fixed-point iteration y = A^-1 x - u(y).
  const toGrid = invert(CAT12_GRID.affine);
  const biasModes = [0, 1].map(() => {
    const dir = [rng.normal(), rng.normal(), rng.normal()];
    const nrm = Math.hypot(...dir);
    const wl = rng.uniform(250, 400);
    return { k: dir.map((d) => ((2 * Math.PI) / wl) * (d / nrm)), phase: rng.uniform(0, 2 * Math.PI) };
  });
  const biasAmp = options.biasAmplitude ?? 0.2;
  const sigma = (options.noise ?? 0.03) * wmI;
  const [sx, sy, sz] = sdims;
  const data = new Float32Array(sx * sy * sz);
  const toWorld = multiply(aInv, vox);
  const u = [0, 0, 0],
    y = [0, 0, 0],
    z = [0, 0, 0];
  // u on the 3 mm level (exact at its nodes), sampled trilinearly: the sines per voxel would dominate.
  const g3 = [Math.ceil(dims[0] / 2), Math.ceil(dims[1] / 2), Math.ceil(dims[2] / 2)] as const;
  const uField = [0, 1, 2].map(() => new Float32Array(g3[0] * g3[1] * g3[2]));
  for (let k = 0, q = 0; k < g3[2]; k++)
    for (let j = 0; j < g3[1]; j++)
      for (let i = 0; i < g3[0]; i++, q++) {
        warpAt(modes, [-3 * i + 90, 3 * j - 126, 3 * k - 72], u);
        for (let c = 0; c < 3; c++) uField[c]![q] = u[c]!;
      }
  let o = 0;
  for (let k = 0; k < sz; k++)
    for (let j = 0; j < sy; j++)
      for (let i = 0; i < sx; i++, o++) {
        for (let row = 0; row < 3; row++) z[row] = toWorld[row * 4]! * i + toWorld[row * 4 + 1]! * j + toWorld[row * 4 + 2]! * k + toWorld[row * 4 + 3]!;
        y[0] = z[0]!;
        y[1] = z[1]!;
        y[2] = z[2]!;
        for (let it = 0; it < 2; it++) {
          const ui = (90 - y[0]!) / 3,
            uj = (y[1]! + 126) / 3,
            uk = (y[2]! + 72) / 3;
          y[0] = z[0]! - sampleAt(uField[0]!, g3, ui, uj, uk);
          y[1] = z[1]! - sampleAt(uField[1]!, g3, ui, uj, uk);
          y[2] = z[2]! - sampleAt(uField[2]!, g3, ui, uj, uk);
        }
        const gi = toGrid[0]! * y[0]! + toGrid[3]!,
          gj = toGrid[5]! * y[1]! + toGrid[7]!,
          gk = toGrid[10]! * y[2]! + toGrid[11]!;
        const clean = sampleAt(t1, dims, gi, gj, gk);
        const wx = vox[0]! * i + vox[1]! * j + vox[2]! * k + vox[3]!;
        const wy = vox[4]! * i + vox[5]! * j + vox[6]! * k + vox[7]!;
        const wz = vox[8]! * i + vox[9]! * j + vox[10]! * k + vox[11]!;
        let f = 0;
        for (const b of biasModes) f += Math.sin(b.k[0]! * wx + b.k[1]! * wy + b.k[2]! * wz + b.phase);
        const biased = clean * (1 + biasAmp * 0.5 * f);
        const n1 = rng.normal(0, sigma),
          n2 = rng.normal(0, sigma);
        data[o] = Math.hypot(biased + n1, n2);
      }
  const gain = pose ? rng.uniform(5, 15) : 1;
  for (let v = 0; v < data.length; v++) data[v] *= gain;
  const bytes = writeNifti(
    { dims: sdims, data, affine: vox },
    { datatype: 'int16', gzip: true, description: `simulated raw T1 seed ${options.seed} severity ${severity}` },
  );

  // The answer: atrophied GM x det(A) x det(I + Du) on the grid.
  const detA = Math.abs(det3(a));
  const gmAns = new Float32Array(n);
  let gmMl = 0,
    tivMl = 0,
    hipMl = 0;
  const jac = new Array<number>(9);
  const g = CAT12_GRID.affine;
  let v = 0;
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++, v++) {
        const inBrain = assets.brain[v]! > 0;
        if (gmAtr[v]! <= 0 && !inBrain) continue;
        y[0] = g[0]! * i + g[3]!;
        y[1] = g[5]! * j + g[7]!;
        y[2] = g[10]! * k + g[11]!;
        jac.fill(0);
        warpAt(modes, y, u, jac);
        const d =
          (1 + jac[0]!) * ((1 + jac[4]!) * (1 + jac[8]!) - jac[5]! * jac[7]!) -
          jac[1]! * (jac[3]! * (1 + jac[8]!) - jac[5]! * jac[6]!) +
          jac[2]! * (jac[3]! * jac[7]! - (1 + jac[4]!) * jac[6]!);
        const jd = detA * d;
        gmAns[v] = gmAtr[v]! * jd;
        gmMl += gmAns[v]! * VOXEL_ML;
        if (HIPPOCAMPUS.includes(assets.labels[v]!)) hipMl += gmAns[v]! * VOXEL_ML;
        if (inBrain) tivMl += jd * VOXEL_ML;
      }
  return { bytes, answer: { gm: gmAns, gmMl, tivMl, hippocampusMl: hipMl, jacobianAffine: detA }, affine: a };
}

/** Sum of a grid map over AAL hippocampus (37 + 38), ml. */
export function hippocampusMl(map: Float32Array, labels: Uint8Array): number {
  let s = 0;
  for (let v = 0; v < map.length; v++) if (HIPPOCAMPUS.includes(labels[v]!)) s += map[v]!;
  return s * VOXEL_ML;
}
