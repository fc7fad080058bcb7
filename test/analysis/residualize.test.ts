import { describe, expect, it } from 'vitest';
import { DEFAULT_COVARIATES, fitCovariateModel, residualize, type CovariateModel, type Covariates } from '../../src/core/analysis/residualize';
import { rng } from './fixtures';

const N = 4000;

function knownModel(seed: number) {
  const r = rng(seed);
  const map = (scale: number) => Float32Array.from({ length: N }, () => (r() - 0.5) * scale);
  return { b0: map(1), b1: map(0.01), b2: map(0.1), b3: map(2e-4), b4: map(0.05) };
}

function cohort(m: number, seed: number, constantField = false): Covariates[] {
  const r = rng(seed);
  return Array.from({ length: m }, () => ({
    age: 55 + 35 * r(),
    sex: r() < 0.5 ? 0 : 1,
    tiv: 1150 + 500 * r(),
    field: constantField ? 3 : r() < 0.5 ? 1.5 : 3,
  }));
}

function predict(b: CovariateModel, c: Covariates, v: number): number {
  return b.b0[v] + b.b1[v] * c.age + b.b2[v] * c.sex + b.b3[v] * c.tiv + b.b4[v] * c.field;
}

describe('residualize', () => {
  it('subtracts b0 + b1 age + b2 sex + b3 TIV + b4 field, with the app defaults 73 / 0.5 / 1400 / 3.0', () => {
    expect(DEFAULT_COVARIATES).toEqual({ age: 73, sex: 0.5, tiv: 1400, field: 3.0 });
    const b = knownModel(1);
    const r = rng(2);
    const gm = Float32Array.from({ length: N }, () => r());
    gm[7] = NaN;
    const res = residualize(gm, b);
    for (let v = 0; v < N; v++) {
      const value = Number.isNaN(gm[v]) ? 0 : gm[v];
      expect(res[v]).toBeCloseTo(value - (b.b0[v] + b.b1[v] * 73 + b.b2[v] * 0.5 + b.b3[v] * 1400 + b.b4[v] * 3), 5);
    }
  });
});

describe('fitCovariateModel', () => {
  it('recovers known coefficients from noise-free samples', () => {
    const b = knownModel(3);
    const covs = cohort(40, 4);
    const samples = covs.map((c) => Float32Array.from({ length: N }, (_, v) => predict(b, c, v)));
    const fit = fitCovariateModel(samples, covs);
    expect(fit.dropped).toEqual([]);
    for (const key of ['b0', 'b1', 'b2', 'b3', 'b4'] as const) {
      let worst = 0;
      let scale = 0;
      for (let v = 0; v < N; v++) {
        worst = Math.max(worst, Math.abs(fit[key][v] - b[key][v]));
        scale = Math.max(scale, Math.abs(b[key][v]));
      }
      // float32 samples carry ~1e-7 relative error; the fit stays within ~1e-6 of the scale.
      expect(worst).toBeLessThan(1e-5 * scale);
    }
  });

  it('gives least-squares residuals orthogonal to every covariate on noisy data', () => {
    const b = knownModel(5);
    const covs = cohort(25, 6);
    const r = rng(7);
    const samples = covs.map((c) => Float32Array.from({ length: N }, (_, v) => predict(b, c, v) + (r() - 0.5) * 0.05));
    const fit = fitCovariateModel(samples, covs);
    const rows = covs.map((c) => [1, c.age, c.sex, c.tiv, c.field]);
    for (const v of [0, 123, 3999]) {
      const resid = samples.map((s, i) => s[v] - predict(fit, covs[i], v));
      for (let col = 0; col < 5; col++) {
        const dot = resid.reduce((acc, e, i) => acc + e * rows[i][col], 0);
        const norm = Math.sqrt(rows.reduce((acc, row) => acc + row[col] ** 2, 0));
        expect(Math.abs(dot) / norm).toBeLessThan(1e-4);
      }
    }
  });

  it('drops a constant covariate (all scans at 3 T) instead of failing, and still fits the rest', () => {
    const b = knownModel(8);
    const covs = cohort(30, 9, true);
    const samples = covs.map((c) => Float32Array.from({ length: N }, (_, v) => predict(b, c, v)));
    const fit = fitCovariateModel(samples, covs);
    expect(fit.dropped).toEqual(['field']);
    expect(fit.b4.every((x) => x === 0)).toBe(true);
    for (const v of [0, 50, 3000]) {
      expect(fit.b1[v]).toBeCloseTo(b.b1[v], 4);
      expect(fit.b0[v]).toBeCloseTo(b.b0[v] + 3 * b.b4[v], 3); // the intercept absorbs the constant field term
      for (const c of covs.slice(0, 5)) expect(predict(fit, c, v)).toBeCloseTo(predict(b, c, v), 4);
    }
  });
});
