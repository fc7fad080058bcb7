/**
 * Voxel-wise covariate residualization (the paper's "resmodel" inputs; docs/model-grid.md):
 * value_v ~ b0_v + b1_v * age + b2_v * sex + b3_v * TIV + b4_v * fieldStrength, fitted on healthy
 * controls; the model input is value_v minus that prediction.
 *
 * All subjects share one design matrix, so the least-squares fit solves the 5 x 5 normal
 * equations once and applies the resulting 5 x N projection to every voxel.
 */

export interface Covariates {
  /** Years. */
  age: number;
  /** 1 = female, 0 = male, 0.5 = unknown. */
  sex: number;
  /** Total intracranial volume in cm^3 (ml). */
  tiv: number;
  /** Field strength in tesla. */
  field: number;
}

/** The original app's defaults for an upload without metadata. */
export const DEFAULT_COVARIATES: Readonly<Covariates> = Object.freeze({ age: 73, sex: 0.5, tiv: 1400, field: 3.0 });

export interface CovariateModel {
  b0: Float32Array;
  b1: Float32Array;
  b2: Float32Array;
  b3: Float32Array;
  b4: Float32Array;
}

export type CovariateTerm = 'age' | 'sex' | 'tiv' | 'field';

export interface CovariateFit extends CovariateModel {
  /**
   * Terms that could not be estimated because they are constant or collinear in the samples (e.g.
   * all scans at 3 T): their coefficient maps are 0 and the intercept absorbs them.
   */
  dropped: CovariateTerm[];
}

const TERMS: readonly CovariateTerm[] = ['age', 'sex', 'tiv', 'field'];

function designRow(c: Covariates): [number, number, number, number, number] {
  return [1, c.age, c.sex, c.tiv, c.field];
}

/**
 * Residual map gm - (b0 + b1 age + b2 sex + b3 tiv + b4 field). Non-finite gray-matter values count
 * as 0 (the model's inputs have NaN replaced by 0). `out` may be `gm` (in place).
 */
export function residualize(gm: Float32Array, model: CovariateModel, cov: Covariates = DEFAULT_COVARIATES, out?: Float32Array): Float32Array {
  const n = gm.length;
  for (const key of ['b0', 'b1', 'b2', 'b3', 'b4'] as const) {
    if (model[key].length !== n) throw new RangeError(`covariate model map ${key} has ${model[key].length} voxels, the scan ${n}`);
  }
  const dst = out ?? new Float32Array(n);
  const { b0, b1, b2, b3, b4 } = model;
  const { age, sex, tiv, field } = cov;
  for (let v = 0; v < n; v++) {
    const x = gm[v];
    const value = Number.isFinite(x) ? x : 0;
    dst[v] = value - (b0[v] + b1[v] * age + b2[v] * sex + b3[v] * tiv + b4[v] * field);
  }
  return dst;
}

/**
 * Least-squares fit of the covariate model for every voxel. samples[s] is subject s's map,
 * covs[s] its covariates. Non-finite sample values count as 0. See covariateModelFitter.
 */
export function fitCovariateModel(samples: readonly Float32Array[], covs: readonly Covariates[]): CovariateFit {
  if (samples.length === 0) throw new RangeError('fitCovariateModel needs at least one sample');
  if (covs.length !== samples.length) throw new RangeError(`fitCovariateModel: ${samples.length} samples but ${covs.length} covariate sets`);
  const fitter = covariateModelFitter(covs, samples[0].length);
  samples.forEach((sample, s) => fitter.add(s, sample));
  return fitter.finish();
}

export interface CovariateModelFitter {
  /** Adds sample s (the map of the subject with covariates covs[s]); each sample once, in any order. */
  add(s: number, sample: Float32Array): void;
  /** The coefficient maps, once every sample was added. */
  finish(): CovariateFit;
}

/**
 * The same least-squares fit, one sample at a time, so a training cohort never has to sit in
 * memory at once (hundreds of 2.1 M-voxel maps): all samples share the design, so the 5 x m
 * projection (X^T X)^-1 X^T is known from the covariates alone and each sample adds its column's
 * share to the coefficient maps (float64 accumulators, q x voxels).
 *
 * Columns are scaled to unit RMS before solving (TIV ~ 1400 next to sex ~ 0.5 would otherwise make
 * the normal equations ill-conditioned) and a term whose column is (numerically) a combination of
 * the previous ones is dropped instead of producing garbage.
 */
export function covariateModelFitter(covs: readonly Covariates[], voxels: number): CovariateModelFitter {
  const m = covs.length;
  if (m === 0) throw new RangeError('fitCovariateModel needs at least one sample');
  const { P, kept } = leastSquaresProjection(covs);
  const q = kept.length;
  const acc = Array.from({ length: q }, () => new Float64Array(voxels));
  const seen = new Uint8Array(m);
  let added = 0;
  return {
    add(s, sample) {
      if (s < 0 || s >= m || !Number.isInteger(s)) throw new RangeError(`covariate fit: sample index ${s} outside 0..${m - 1}`);
      if (seen[s]) throw new RangeError(`covariate fit: sample ${s} added twice`);
      if (sample.length !== voxels) throw new RangeError('fitCovariateModel: samples differ in size');
      seen[s] = 1;
      added++;
      for (let t = 0; t < q; t++) {
        const w = P[t][s];
        const a = acc[t];
        for (let v = 0; v < voxels; v++) {
          const x = sample[v];
          if (Number.isFinite(x)) a[v] += w * x;
        }
      }
    },
    finish() {
      if (added !== m) throw new RangeError(`covariate fit: ${added} of ${m} samples added`);
      const maps = [0, 1, 2, 3, 4].map(() => new Float32Array(voxels));
      for (let t = 0; t < q; t++) maps[kept[t]].set(acc[t]);
      return {
        b0: maps[0],
        b1: maps[1],
        b2: maps[2],
        b3: maps[3],
        b4: maps[4],
        dropped: TERMS.filter((_, t) => !kept.includes(t + 1)),
      };
    },
  };
}

/** P (q x m) = (X_K^T X_K)^-1 X_K^T for the kept design columns K (see covariateModelFitter). */
function leastSquaresProjection(covs: readonly Covariates[]): { P: Float64Array[]; kept: number[] } {
  const m = covs.length;
  const p = 5;
  const X = covs.map(designRow);
  const scale = new Float64Array(p);
  for (let c = 0; c < p; c++) {
    let ss = 0;
    for (let s = 0; s < m; s++) ss += X[s][c] * X[s][c];
    scale[c] = ss > 0 ? Math.sqrt(ss / m) : 1;
  }
  const Z = X.map((row) => row.map((x, c) => x / scale[c]));

  // Gram matrix of the scaled design.
  const G: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) for (let s = 0; s < m; s++) G[a][b] += Z[s][a] * Z[s][b];

  // Cholesky with column dropping, in term order (intercept first): a column whose residual
  // diagonal is tiny relative to its own norm lies in the span of the kept ones.
  const kept: number[] = [];
  const L: number[][] = []; // rows of the Cholesky factor of G restricted to kept columns
  for (let c = 0; c < p; c++) {
    const row: number[] = [];
    for (let t = 0; t < kept.length; t++) {
      let x = G[c][kept[t]];
      for (let u = 0; u < t; u++) x -= row[u] * L[t][u];
      row.push(x / L[t][t]);
    }
    let d = G[c][c];
    for (let u = 0; u < row.length; u++) d -= row[u] * row[u];
    if (G[c][c] > 0 && d > 1e-10 * G[c][c]) {
      row.push(Math.sqrt(d));
      L.push(row);
      kept.push(c);
    }
  }
  const q = kept.length;

  // Projection P (q x m) = G_K^{-1} Z_K^T, by two triangular solves per sample column.
  const P: Float64Array[] = Array.from({ length: q }, () => new Float64Array(m));
  const y = new Float64Array(q);
  for (let s = 0; s < m; s++) {
    for (let t = 0; t < q; t++) {
      let x = Z[s][kept[t]];
      for (let u = 0; u < t; u++) x -= L[t][u] * y[u];
      y[t] = x / L[t][t];
    }
    for (let t = q - 1; t >= 0; t--) {
      let x = y[t];
      for (let u = t + 1; u < q; u++) x -= L[u][t] * P[u][s];
      P[t][s] = x / L[t][t];
    }
  }
  // Undo the column scaling: b_c = beta_c / scale_c.
  for (let t = 0; t < q; t++) for (let s = 0; s < m; s++) P[t][s] /= scale[kept[t]];
  return { P, kept };
}
