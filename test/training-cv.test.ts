/**
 * The training data path of the paper's models (issue #14): stratified 10-fold splits, the
 * augmentation's left/right flip on the model tensor, the covariate model fitted in model space on
 * CN subjects and written as covariates.bin for the app, temperature scaling and ECE, and the
 * train:all driver's resumability. Numbers are checked against independent computations here.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { residualize, type CovariateModel, type Covariates } from '../src/core/analysis/residualize';
import { covariateModelSpec, loadCovariateModel } from '../src/core/model/covariateModel';
import { CAT12_GRID } from '../src/core/volume/grid';
import { gridToModelTensor, MODEL_TENSOR_LENGTH, modelTensorToGrid } from '../src/core/volume/modelTensor';
import { augment } from '../src/training/augment';
import { fitTensorCovariateModel, GM_SLOPE, storedCovariateModel, loadInput, quantize, strataOf, type TrainingSet } from '../src/training/cohortData';
import { foldModelName, foldSplit, parseFold, stratifiedFolds } from '../src/training/folds';
import { expectedCalibrationError } from '../src/training/metrics';
import { writeCovariateModel } from '../src/training/node/covariateFile';
import { makeRng } from '../src/training/prng';
import { fitTemperature, temperatureNll, TEMPERATURE_RANGE } from '../src/training/temperature';

describe('stratified folds', () => {
  const strata = Array.from({ length: 103 }, (_, i) => (i % 3 === 0 ? 'AD/3T' : i % 3 === 1 ? 'CN/1.5T' : i % 7 === 0 ? 'AD/1.5T' : 'CN/3T'));
  const folds = stratifiedFolds(strata, 10, 10);

  it('every subject in exactly one fold; each stratum and the fold sizes balanced within one subject', () => {
    expect(folds.length).toBe(strata.length);
    expect([...folds].every((f) => Number.isInteger(f) && f >= 0 && f < 10)).toBe(true);
    const sizes = Array.from({ length: 10 }, (_, f) => folds.filter((x) => x === f).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(103);
    for (const s of new Set(strata)) {
      const count = Array.from({ length: 10 }, (_, f) => strata.filter((x, i) => x === s && folds[i] === f).length);
      const total = strata.filter((x) => x === s).length;
      expect(Math.max(...count) - Math.min(...count)).toBeLessThanOrEqual(1);
      expect(Math.min(...count)).toBe(Math.floor(total / 10));
    }
  });

  it('is deterministic per seed and differs between seeds', () => {
    expect([...stratifiedFolds(strata, 10, 10)]).toEqual([...folds]);
    expect([...stratifiedFolds(strata, 10, 11)]).not.toEqual([...folds]);
  });

  it('fold k: test = fold k, validation = another fold, train = the rest (disjoint, covering); whole: no test fold', () => {
    const tests = new Set<number>();
    for (let k = 0; k < 10; k++) {
      const s = foldSplit(folds, 10, k);
      const all = [...s.train, ...s.validation, ...s.test];
      expect(new Set(all).size).toBe(all.length);
      expect(all.length).toBe(strata.length);
      expect(s.test.every((i) => folds[i] === k)).toBe(true);
      expect(s.test.length).toBe(folds.filter((f) => f === k).length);
      const valFold = folds[s.validation[0]!]!;
      expect(valFold).not.toBe(k);
      expect(s.validation.every((i) => folds[i] === valFold)).toBe(true);
      s.test.forEach((i) => tests.add(i));
    }
    expect(tests.size).toBe(strata.length); // the ten test folds together are the cohort
    const whole = foldSplit(folds, 10, 'whole');
    expect(whole.test).toEqual([]);
    expect(whole.train.length + whole.validation.length).toBe(strata.length);
  });

  it('the training cohort (300 CN/AD, seed 1000) is split by diagnosis x field strength', () => {
    const s = strataOf(1000, 300);
    expect(new Set(s)).toEqual(new Set(['CN/1.5T', 'CN/3T', 'AD/1.5T', 'AD/3T']));
    const f = stratifiedFolds(s, 10, 10);
    for (let k = 0; k < 10; k++) {
      const ad = s.filter((x, i) => f[i] === k && x.startsWith('AD')).length;
      expect(Math.abs(ad - 15)).toBeLessThanOrEqual(2); // 150 AD over 10 folds, within the strata rounding
    }
  });

  it('--fold takes whole or 0..9 and refuses anything else in one sentence; model folders demo-whole, demo-fold-3', () => {
    expect(parseFold('whole')).toBe('whole');
    expect(parseFold('7')).toBe(7);
    for (const bad of ['10', '-1', '1.5', 'all', '']) expect(() => parseFold(bad)).toThrow(/--fold must be "whole" or a fold number 0\.\.9/);
    expect(foldModelName('whole')).toBe('demo-whole');
    expect(foldModelName(3)).toBe('demo-fold-3');
  });
});

describe('augmentation', () => {
  /** A grid volume with one bright voxel at world (x, y, z) mm (CAT12 affine: x = -1.5 i + 90, y = 1.5 j - 126, z = 1.5 k - 72). */
  function dotAt(x: number, y: number, z: number): Float32Array {
    const [nx, ny] = CAT12_GRID.dims;
    const g = new Float32Array(nx * ny * CAT12_GRID.dims[2]);
    g[(90 - x) / 1.5 + nx * ((y + 126) / 1.5 + ny * ((z + 72) / 1.5))] = 1;
    return g;
  }
  function worldOfMax(grid: Float32Array): [number, number, number] {
    const [nx, ny] = CAT12_GRID.dims;
    let best = 0;
    for (let v = 1; v < grid.length; v++) if (grid[v]! > grid[best]!) best = v;
    const i = best % nx,
      j = Math.floor(best / nx) % ny,
      k = Math.floor(best / (nx * ny));
    return [-1.5 * i + 90, 1.5 * j - 126, 1.5 * k - 72];
  }

  it('the flip mirrors left and right in world space (x -> 1.5 - x: the crop spans x -73.5..75) and keeps y and z', () => {
    // an asymmetric volume: one voxel in the left hemisphere (x < 0), anterior and superior
    const left = gridToModelTensor(dotAt(-30, 21, 36));
    const flipped = modelTensorToGrid(augment(left, { shift: [0, 0, 0], flipLeftRight: true })).data;
    expect(worldOfMax(flipped)).toEqual([31.5, 21, 36]);
    const kept = modelTensorToGrid(augment(left, { shift: [0, 0, 0], flipLeftRight: false })).data;
    expect(worldOfMax(kept)).toEqual([-30, 21, 36]);
  });

  it('a shift moves along the model axes: +a is inferior, +s is rightward, +c is posterior, 1.5 mm per voxel', () => {
    const t = gridToModelTensor(dotAt(-30, 21, 36));
    expect(worldOfMax(modelTensorToGrid(augment(t, { shift: [10, 0, 0], flipLeftRight: false })).data)).toEqual([-30, 21, 21]);
    expect(worldOfMax(modelTensorToGrid(augment(t, { shift: [0, -10, 0], flipLeftRight: false })).data)).toEqual([-45, 21, 36]);
    expect(worldOfMax(modelTensorToGrid(augment(t, { shift: [0, 0, 10], flipLeftRight: false })).data)).toEqual([-30, 6, 36]);
  });
});

/** Known voxel-wise coefficients in model space (smooth, of the size real GM maps show). */
function knownTensorModel(): CovariateModel {
  const map = (f: (v: number) => number) => Float32Array.from({ length: MODEL_TENSOR_LENGTH }, (_, v) => f(v));
  return {
    b0: map((v) => 0.3 + 0.1 * Math.sin(v * 1e-4)),
    b1: map((v) => -0.003 * (1 + 0.5 * Math.cos(v * 3e-4))),
    b2: map((v) => 0.02 * Math.sin(v * 2e-4)),
    b3: map((v) => 2e-4 * (1 + 0.3 * Math.sin(v * 5e-5))),
    b4: map((v) => 0.01 * Math.cos(v * 1e-4)),
  };
}
const predictAt = (m: CovariateModel, c: Covariates, v: number) => m.b0[v]! + m.b1[v]! * c.age + m.b2[v]! * c.sex + m.b3[v]! * c.tiv + m.b4[v]! * c.field;

/** A set of CN and AD "subjects" whose maps are exactly the known model's prediction, quantized as training stores them. */
function knownSet(m: CovariateModel, n: number): TrainingSet {
  const rng = makeRng(4);
  const set: TrainingSet = { ids: [], groups: [], x: [], y: [], covariates: [], covariateModel: null };
  for (let s = 0; s < n; s++) {
    const c = {
      age: Math.round(rng.uniform(55, 90)),
      sex: rng.uniform() < 0.5 ? 1 : 0,
      tiv: Math.round(rng.uniform(1150, 1750)),
      field: rng.uniform() < 0.5 ? 1.5 : 3,
    };
    const cn = s % 3 !== 2;
    // AD subjects lose 30 % everywhere: a CN-only fit must not see them
    set.x.push(quantize(Float32Array.from({ length: MODEL_TENSOR_LENGTH }, (_, v) => predictAt(m, c, v) * (cn ? 1 : 0.7))));
    set.ids.push(`s${s}`);
    set.groups.push(cn ? 'CN' : 'AD');
    set.y.push(cn ? 0 : 1);
    set.covariates.push(c);
  }
  return set;
}

/** Standard errors of OLS coefficients for i.i.d. noise of sd sigma: sigma sqrt(diag((X^T X)^-1)) (Gauss-Jordan). */
function olsStandardErrors(covs: Covariates[], sigma: number): number[] {
  const X = covs.map((c) => [1, c.age, c.sex, c.tiv, c.field]);
  const A = [0, 1, 2, 3, 4].map((a) => [0, 1, 2, 3, 4].map((b) => X.reduce((s, r) => s + r[a]! * r[b]!, 0)));
  const I = [0, 1, 2, 3, 4].map((a) => [0, 1, 2, 3, 4].map((b) => (a === b ? 1 : 0)));
  for (let c = 0; c < 5; c++) {
    let p = c;
    for (let r = c + 1; r < 5; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[p]![c]!)) p = r;
    [A[c], A[p]] = [A[p]!, A[c]!];
    [I[c], I[p]] = [I[p]!, I[c]!];
    const d = A[c]![c]!;
    for (let k = 0; k < 5; k++) {
      A[c]![k]! /= d;
      I[c]![k]! /= d;
    }
    for (let r = 0; r < 5; r++)
      if (r !== c) {
        const f = A[r]![c]!;
        for (let k = 0; k < 5; k++) {
          A[r]![k]! -= f * A[c]![k]!;
          I[r]![k]! -= f * I[c]![k]!;
        }
      }
  }
  return [0, 1, 2, 3, 4].map((k) => sigma * Math.sqrt(I[k]![k]!));
}

describe('covariate model of the training data', () => {
  let truth: CovariateModel, set: TrainingSet, fit: CovariateModel;
  beforeAll(() => {
    truth = knownTensorModel();
    set = knownSet(truth, 45);
    fit = fitTensorCovariateModel(set);
  }, 60_000);

  it('the CN-only voxel-wise fit recovers known coefficients to the precision the uint8 storage allows', () => {
    // the only noise is the rounding to multiples of GM_SLOPE: uniform, sd GM_SLOPE / sqrt(12)
    const cn = set.covariates.filter((_, i) => set.groups[i] === 'CN');
    expect(cn.length).toBe(30);
    const se = olsStandardErrors(cn, GM_SLOPE / Math.sqrt(12));
    (['b0', 'b1', 'b2', 'b3', 'b4'] as const).forEach((b, k) => {
      let ss = 0;
      for (let v = 0; v < MODEL_TENSOR_LENGTH; v++) ss += (fit[b][v]! - truth[b][v]!) ** 2;
      const rms = Math.sqrt(ss / MODEL_TENSOR_LENGTH);
      expect(rms).toBeLessThan(1.3 * se[k]!);
      expect(rms).toBeGreaterThan(0.7 * se[k]!); // and not suspiciously better: the fit does use the quantized data
    });
  });

  it('written as covariates.bin.gz (every 2nd voxel), it loads through the app loader; grid residualization (app) and model-space residualization (training) feed the network the same numbers, ~0 on CN', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rv-cov-'));
    const stored = storedCovariateModel(fit);
    const meta = writeCovariateModel(dir, stored);
    expect(meta).toEqual({ residualize: true, covariateModel: 'covariates.bin.gz', covariateModelDtype: 'float16', covariateModelStep: 2 });
    const file = new Uint8Array(readFileSync(join(dir, 'covariates.bin.gz')));
    const raw = gunzipSync(file);
    expect(raw.length).toBe(5 * 61 * 73 * 61 * 2);
    const loaded = await loadCovariateModel(covariateModelSpec(meta)!, async () => file, CAT12_GRID.dims);
    // a server that sends it with Content-Encoding: gzip hands over the plain bytes: the same maps
    const plain = await loadCovariateModel(covariateModelSpec(meta)!, async () => new Uint8Array(raw), CAT12_GRID.dims);
    expect(Buffer.from(plain.b3.buffer).equals(Buffer.from(loaded.b3.buffer))).toBe(true);
    const trainingSet = { ...set, covariateModel: stored.tensor };
    let meanResidual = 0,
      nCn = 0;
    for (const s of [0, 1, 2, 3]) {
      const grid = modelTensorToGrid(Float32Array.from(set.x[s]!, (q) => q * GM_SLOPE)).data;
      const app = gridToModelTensor(residualize(grid, loaded, set.covariates[s]));
      const training = loadInput(trainingSet, s);
      expect(Buffer.from(app.buffer).equals(Buffer.from(training.buffer))).toBe(true);
      if (set.groups[s] === 'CN') {
        meanResidual += training.reduce((a, x) => a + x, 0) / training.length;
        nCn++;
      } else {
        // an AD subject's residual is its 30 % loss: clearly negative
        expect(training.reduce((a, x) => a + x, 0) / training.length).toBeLessThan(-0.05);
      }
    }
    expect(Math.abs(meanResidual / nCn)).toBeLessThan(1e-3);
  });
});

describe('temperature scaling', () => {
  /** Subjects whose true P(AD) is softmax(z); the model reports z * 2.5 (overconfident). */
  function overconfident(n: number) {
    const rng = makeRng(9);
    const logits: number[][] = [],
      labels: number[] = [];
    for (let i = 0; i < n; i++) {
      const d = rng.normal(0, 1.5);
      const y = rng.uniform() < 1 / (1 + Math.exp(-d)) ? 1 : 0;
      logits.push([0, 2.5 * d]);
      labels.push(y);
    }
    return { logits, labels };
  }

  it('finds the T that undoes an overconfidence of 2.5, at the minimum of the NLL (checked on a grid)', () => {
    const { logits, labels } = overconfident(4000);
    const fit = fitTemperature(logits, labels);
    expect(fit.temperature).toBeGreaterThan(2.2);
    expect(fit.temperature).toBeLessThan(2.8);
    expect(fit.nllAfter).toBeLessThan(fit.nllBefore);
    let best = Infinity,
      bestT = 0;
    for (let t = 1; t <= 4; t += 0.005) {
      const v = temperatureNll(logits, labels, t);
      if (v < best) [best, bestT] = [v, t];
    }
    expect(fit.temperature).toBeCloseTo(bestT, 2);
    // on 4000 overlapping subjects the prior on log T moves the optimum by a negligible amount
    expect(fit.nllAfter).toBeLessThanOrEqual(best + 1e-6);
  });

  it('NLL by hand, and T stays in its range on separable data', () => {
    // logits [0, 1], label 1: -log(e / (1 + e)) = log(1 + e^-1); at T = 2: log(1 + e^-0.5)
    expect(temperatureNll([[0, 1]], [1], 1)).toBeCloseTo(Math.log(1 + Math.exp(-1)), 12);
    expect(temperatureNll([[0, 1]], [1], 2)).toBeCloseTo(Math.log(1 + Math.exp(-0.5)), 12);
    const fit = fitTemperature(
      [
        [0, 3],
        [2, -1],
      ],
      [1, 0],
    );
    // the NLL falls towards T -> 0 (it is ~1e-26 at the bound); the prior on log T stops it at the
    // posterior mode, well inside the range: sharper than T = 1 (the data are separated), not 0
    expect(fit.temperature).toBeGreaterThan(2 * TEMPERATURE_RANGE[0]);
    expect(fit.temperature).toBeLessThan(1);
    expect(fit.nllAfter).toBeLessThan(fit.nllBefore);
    // it is the minimum of NLL + (log T)^2 / (2 n), checked on a grid
    const objective = (t: number) =>
      temperatureNll(
        [
          [0, 3],
          [2, -1],
        ],
        [1, 0],
        t,
      ) +
      Math.log(t) ** 2 / 4;
    let bestT = 0,
      best = Infinity;
    for (let t = 0.06; t < 3; t += 0.0005) if (objective(t) < best) [best, bestT] = [objective(t), t];
    expect(fit.temperature).toBeCloseTo(bestT, 2);
  });

  it('temperature scaling lowers the ECE of an overconfident model', () => {
    const { logits, labels } = overconfident(4000);
    const p = (t: number) => logits.map((z) => 1 / (1 + Math.exp((z[0]! - z[1]!) / t)));
    const T = fitTemperature(logits, labels).temperature;
    expect(expectedCalibrationError(p(1), labels)).toBeGreaterThan(0.08);
    expect(expectedCalibrationError(p(T), labels)).toBeLessThan(0.03);
  });
});

describe('expected calibration error', () => {
  it('matches a hand-computed example (10 bins, top-label confidence)', () => {
    // p(AD), label -> predicted, confidence, bin, correct:
    // 0.95 1 -> AD 0.95 bin 9 yes | 0.92 0 -> AD 0.92 bin 9 no | 0.15 0 -> CN 0.85 bin 8 yes
    // 0.62 1 -> AD 0.62 bin 6 yes | 0.35 1 -> CN 0.65 bin 6 no | 0.58 0 -> AD 0.58 bin 5 no
    // bin 9: acc 1/2, conf 0.935 -> 2/6 * 0.435; bin 8: 1 vs 0.85 -> 1/6 * 0.15
    // bin 6: acc 1/2, conf 0.635 -> 2/6 * 0.135; bin 5: 0 vs 0.58 -> 1/6 * 0.58
    const want = (2 / 6) * 0.435 + (1 / 6) * 0.15 + (2 / 6) * 0.135 + (1 / 6) * 0.58;
    expect(expectedCalibrationError([0.95, 0.92, 0.15, 0.62, 0.35, 0.58], [1, 0, 0, 1, 1, 0])).toBeCloseTo(want, 12);
  });
  it('is 0 for a perfectly calibrated bin and counts an edge (0.7) into the lower bin', () => {
    // four subjects at p = 0.75 of which three are AD: accuracy 0.75 = confidence
    expect(expectedCalibrationError([0.75, 0.75, 0.75, 0.75], [1, 1, 1, 0])).toBeCloseTo(0, 12);
    // 0.7 (bin (0.6, 0.7]) and 0.65 together: acc 1, conf 0.675; were 0.7 in (0.7, 0.8] the sum would be 0.5*0.3 + 0.5*0.35
    expect(expectedCalibrationError([0.7, 0.65], [1, 1])).toBeCloseTo(1 - 0.675, 12);
  });
});
