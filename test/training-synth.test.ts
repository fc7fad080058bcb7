import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNifti } from '../src/core/nifti';
import { fitGmm3, gmFraction } from '../src/training/gmTemplate';
import { makeRng } from '../src/training/prng';
import { makeSynthContext, subjectMeta, synthSubject, GROUPS, TEMPLATE_TIV, type Subject } from '../src/training/synth';
import { covariatesOf } from '../src/training/cohortData';
import {
  covariateModelFitter,
  fitCovariateModel,
  residualize,
  type CovariateFit,
  type CovariateModel,
  type Covariates,
} from '../src/core/analysis/residualize';
import { COEFFICIENT_NAMES, upsampleCovariateModel } from '../src/core/model/covariateModel';
import { downsampleLinear } from '../src/core/volume/coarseGrid';
import { CAT12_GRID } from '../src/core/volume/grid';

const template = readNifti(readFileSync('public/template/gm_template.nii.gz')).volume;
const aal = readNifti(readFileSync('public/atlas/aal.nii.gz')).volume;
const ctx = makeSynthContext(template.data, aal.data, template.dims);
const VOXEL_CM3 = 3.375 / 1000;

/** Independent: sum of the map over AAL 37 + 38 straight from the atlas file. */
function hippocampus(gm: Float32Array): number {
  let s = 0;
  for (let i = 0; i < gm.length; i++) if (aal.data[i] === 37 || aal.data[i] === 38) s += gm[i]!;
  return s * VOXEL_CM3;
}

describe('GM template', () => {
  it('is a GM fraction map (0..1) with a healthy adult GM volume and GM in the cortex ribbon, not in deep WM', () => {
    let sum = 0,
      max = 0;
    for (const v of template.data) {
      sum += v;
      max = Math.max(max, v);
    }
    expect(max).toBeLessThanOrEqual(1.0001);
    expect(sum * VOXEL_CM3).toBeGreaterThan(550);
    expect(sum * VOXEL_CM3).toBeLessThan(850);
    // mean GM inside the AAL hippocampus (GM structure) is far above that of voxels outside any AAL label inside the brain (mostly WM)
    let hip = 0,
      nh = 0,
      wm = 0,
      nw = 0;
    for (let i = 0; i < template.data.length; i++) {
      if (aal.data[i] === 37 || aal.data[i] === 38) {
        hip += template.data[i]!;
        nh++;
      } else if (aal.data[i] === 0 && template.data[i]! > 0) {
        wm += template.data[i]!;
        nw++;
      }
    }
    expect(hip / nh).toBeGreaterThan(0.5);
    expect(hip / nh).toBeGreaterThan(2 * (wm / nw));
  });

  it('EM recovers the means of a known 3-class mixture; PV unmixing is 1 at the GM mean and 0 in pure WM', () => {
    const rng = makeRng(5);
    const x = new Float32Array(30000);
    for (let i = 0; i < x.length; i++) {
      const c = i % 10 < 2 ? 0 : i % 10 < 6 ? 1 : 2;
      x[i] = rng.normal([40, 85, 115][c]!, [8, 6, 4][c]!);
    }
    const fit = fitGmm3(x);
    expect(fit.means[0]).toBeCloseTo(40, 0);
    expect(fit.means[1]).toBeCloseTo(85, 0);
    expect(fit.means[2]).toBeCloseTo(115, 0);
    expect(gmFraction(fit.means[1], fit)).toBeCloseTo(1, 6);
    expect(gmFraction(125, fit)).toBe(0);
    expect(gmFraction(20, fit)).toBe(0);
  });
});

describe('synthetic cohort', () => {
  it('is deterministic per seed and subject, and differs between seeds', () => {
    const a = synthSubject(ctx, 42, 3, 'AD'),
      b = synthSubject(ctx, 42, 3, 'AD'),
      c = synthSubject(ctx, 43, 3, 'AD');
    expect(a.meta).toEqual(b.meta);
    expect(Buffer.from(a.gm.buffer).equals(Buffer.from(b.gm.buffer))).toBe(true);
    expect(Buffer.from(a.atrophy.buffer).equals(Buffer.from(b.atrophy.buffer))).toBe(true);
    expect(Buffer.from(a.gm.buffer).equals(Buffer.from(c.gm.buffer))).toBe(false);
    const { hippocampalGm: _h, ...rest } = a.meta;
    expect(subjectMeta(42, 3, 'AD')).toEqual(rest);
  });

  it('keeps TIV in 1150..1750 cm3 and ages plausible', () => {
    for (let i = 0; i < 300; i++) {
      const m = subjectMeta(7, i, GROUPS[i % 3]!);
      expect(m.tiv).toBeGreaterThanOrEqual(1150);
      expect(m.tiv).toBeLessThanOrEqual(1750);
      expect(m.age).toBeGreaterThanOrEqual(55);
      expect(m.age).toBeLessThanOrEqual(92);
      expect([1.5, 3]).toContain(m.field);
    }
  });

  it('reports the hippocampal GM volume of its map, and CN > MCI > AD on average', () => {
    const vols: Record<string, number[]> = { CN: [], MCI: [], AD: [] };
    for (let i = 0; i < 18; i++) {
      const g = GROUPS[i % 3]!;
      const s = synthSubject(ctx, 11, i, g);
      expect(s.meta.hippocampalGm).toBeCloseTo(hippocampus(s.gm), 6);
      // volume relative to TIV removes the head-size effect
      vols[g]!.push(s.meta.hippocampalGm / s.meta.tiv);
    }
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(vols.CN!)).toBeGreaterThan(mean(vols.MCI!));
    expect(mean(vols.MCI!)).toBeGreaterThan(mean(vols.AD!));
    expect(mean(vols.AD!) / mean(vols.CN!)).toBeLessThan(0.85);
  });

  it('puts the ground-truth atrophy in the hippocampus far above elsewhere, and none in CN', () => {
    const ad = synthSubject(ctx, 5, 0, 'AD');
    let hip = 0,
      nh = 0,
      occ = 0,
      no = 0;
    for (let i = 0; i < ad.atrophy.length; i++) {
      const l = aal.data[i]!;
      if (l === 37 || l === 38) {
        hip += ad.atrophy[i]!;
        nh++;
      }
      if (l >= 43 && l <= 54) {
        occ += ad.atrophy[i]!;
        no++;
      } // occipital lobe (AAL 43-54): spared
    }
    expect(hip / nh).toBeGreaterThan(0.1);
    expect(hip / nh).toBeGreaterThan(20 * (occ / no));
    const cn = synthSubject(ctx, 5, 1, 'CN');
    expect(cn.atrophy.every((v) => v === 0)).toBe(true);
  });
});

/** Voxels of GM-rich template (> 0.3) whose AAL label passes `pick`, straight from the atlas file. */
function roi(pick: (label: number, k: number) => boolean): number[] {
  const out: number[] = [];
  const [nx, ny] = aal.dims;
  for (let p = 0; p < aal.data.length; p++) if (template.data[p]! > 0.3 && pick(aal.data[p]!, Math.floor(p / (nx * ny)))) out.push(p);
  return out;
}
const inRange = (l: number, lo: number, hi: number) => l >= lo && l <= hi;
const FRONTAL = roi((l) => inRange(l, 1, 28));
const TEMPORAL = roi((l) => inRange(l, 79, 90));
const OCCIPITAL = roi((l) => inRange(l, 43, 54));
const DEEP = roi((l) => inRange(l, 71, 78)); // caudate, putamen, pallidum, thalamus
const HIPPOCAMPUS = roi((l) => l === 37 || l === 38);
const CORTEX = roi((l) => inRange(l, 1, 28) || inRange(l, 43, 70) || inRange(l, 79, 90));
// world z = 1.5 k - 72 (docs/model-grid.md): superior cortex above z = 50 mm, inferior below z = -10 mm
const SUPERIOR = roi((l, k) => inRange(l, 1, 90) && 1.5 * k - 72 > 50);
const INFERIOR = roi((l, k) => inRange(l, 1, 90) && 1.5 * k - 72 < -10);
const roiMean = (idx: number[], f: (p: number) => number) => idx.reduce((a, p) => a + f(p), 0) / idx.length;

/** Coefficient of determination of y ~ 1 + age + sex + TIV + field (ordinary least squares). */
function r2(y: number[], covs: Covariates[]): number {
  const fit = fitCovariateModel(
    y.map((v) => Float32Array.of(v)),
    covs,
  );
  const m = y.reduce((a, b) => a + b, 0) / y.length;
  let total = 0,
    resid = 0;
  y.forEach((v, i) => {
    const c = covs[i]!;
    total += (v - m) ** 2;
    resid += (v - (fit.b0[0]! + fit.b1[0]! * c.age + fit.b2[0]! * c.sex + fit.b3[0]! * c.tiv + fit.b4[0]! * c.field)) ** 2;
  });
  return 1 - resid / total;
}

/** Per region: each subject's mean raw GM and mean residual under `model` (one residualization a subject). */
function regionalMeans(subjects: Subject[], covs: Covariates[], model: CovariateModel, regions: number[][]): Array<{ raw: number[]; res: number[] }> {
  const out = regions.map(() => ({ raw: [] as number[], res: [] as number[] }));
  subjects.forEach((s, i) => {
    const res = residualize(s.gm, model, covs[i]);
    regions.forEach((region, r) => {
      out[r]!.raw.push(roiMean(region, (p) => s.gm[p]!));
      out[r]!.res.push(roiMean(region, (p) => res[p]!));
    });
  });
  return out;
}

describe('covariate effects of the synthetic cohort (what residualization must remove)', () => {
  // The paper's covariate model, fitted on 60 CN subjects one map at a time (covariateModelFitter).
  const FIT_SEED = 21,
    FIT_N = 60;
  let b: CovariateFit;
  beforeAll(() => {
    const fitCovs = Array.from({ length: FIT_N }, (_, i) => covariatesOf(subjectMeta(FIT_SEED, i, 'CN')));
    const fitter = covariateModelFitter(fitCovs, template.data.length);
    for (let i = 0; i < FIT_N; i++) fitter.add(i, synthSubject(ctx, FIT_SEED, i, 'CN').gm);
    b = fitter.finish();
  }, 120_000);
  const T = template.data;
  const truth = ctx.effects;

  it('a regression on CN subjects recovers the age pattern: GM loss everywhere, steepest in frontal and temporal cortex', () => {
    expect(b.dropped).toEqual([]);
    // relative slope (per year, fraction of the template's GM) in each region
    const rel = (idx: number[]) => roiMean(idx, (p) => b.b1[p]! / T[p]!);
    for (const r of [FRONTAL, TEMPORAL, OCCIPITAL, DEEP]) expect(rel(r)).toBeLessThan(0);
    expect(rel(FRONTAL)).toBeLessThan(1.5 * rel(OCCIPITAL));
    expect(rel(TEMPORAL)).toBeLessThan(1.5 * rel(OCCIPITAL));
    // the truth the generator used, in the same regions: the same order, and the fit within a factor
    // (warps and partial volume blur the template, so the fitted relative slopes run somewhat lower)
    const trueRel = (idx: number[]) => roiMean(idx, (p) => truth.ageSlope[p]!);
    expect(trueRel(FRONTAL)).toBeLessThan(trueRel(OCCIPITAL));
    expect(rel(FRONTAL) / trueRel(FRONTAL)).toBeGreaterThan(0.5);
    expect(rel(FRONTAL) / trueRel(FRONTAL)).toBeLessThan(1.3);
  });

  it('head size scales superior cortex more than inferior cortex, and 3 T adds GM at the cortex', () => {
    const relTiv = (idx: number[]) => roiMean(idx, (p) => (b.b3[p]! * TEMPLATE_TIV) / T[p]!);
    expect(relTiv(INFERIOR)).toBeGreaterThan(0.4);
    expect(relTiv(SUPERIOR)).toBeGreaterThan(relTiv(INFERIOR) + 0.1);
    expect(roiMean(SUPERIOR, (p) => truth.tivExponent[p]!)).toBeGreaterThan(roiMean(INFERIOR, (p) => truth.tivExponent[p]!));
    // b4 is per tesla: 1.5 T -> 3 T is 1.5 units
    const relField = (idx: number[]) => roiMean(idx, (p) => (1.5 * b.b4[p]!) / T[p]!);
    expect(relField(CORTEX)).toBeGreaterThan(0.01);
    expect(relField(CORTEX)).toBeGreaterThan(relField(DEEP));
  });

  it(
    'residualizing new CN subjects with that fit removes the effects: covariates explain their raw regional GM, not their residuals',
    { timeout: 60_000 },
    () => {
      const test = Array.from({ length: 40 }, (_, i) => synthSubject(ctx, FIT_SEED + 1, i, 'CN'));
      const covs = test.map((s) => covariatesOf(s.meta));
      for (const { raw, res } of regionalMeans(test, covs, b, [FRONTAL, TEMPORAL, CORTEX])) {
        expect(r2(raw, covs)).toBeGreaterThan(0.5);
        expect(r2(res, covs)).toBeLessThan(0.35);
        expect(r2(res, covs)).toBeLessThan(0.5 * r2(raw, covs));
        // the residual of a healthy subject is ~0 on average (raw regional GM is ~0.5)
        expect(Math.abs(res.reduce((a, v) => a + v, 0) / res.length)).toBeLessThan(0.02);
      }
    },
  );

  it(
    'kept on every 2nd voxel and interpolated back (what covariates.bin stores), the fit still removes the covariate effects from new CN subjects, at a small cost in voxel-wise residual',
    { timeout: 60_000 },
    () => {
      const dims = CAT12_GRID.dims;
      const brain = Uint8Array.from(T, (t) => (t > 0.01 ? 1 : 0));
      const coarse = upsampleCovariateModel(
        Object.fromEntries(COEFFICIENT_NAMES.map((k) => [k, downsampleLinear(b[k], dims, 2)])) as Record<(typeof COEFFICIENT_NAMES)[number], Float32Array>,
        dims,
        2,
      );
      const test = Array.from({ length: 40 }, (_, i) => synthSubject(ctx, FIT_SEED + 3, i, 'CN'));
      const covs = test.map((s) => covariatesOf(s.meta));
      // what residualization is for survives the 8x smaller file: the covariates explain the raw
      // regional GM, not what the interpolated model leaves
      for (const { raw, res } of regionalMeans(test, covs, coarse, [FRONTAL, TEMPORAL, CORTEX])) {
        expect(r2(res, covs)).toBeLessThan(0.35);
        expect(r2(res, covs)).toBeLessThan(0.5 * r2(raw, covs));
      }
      let ssFull = 0,
        ssCoarse = 0;
      test.slice(0, 8).forEach((s, i) => {
        const full = residualize(s.gm, b, covs[i]),
          kept = residualize(s.gm, coarse, covs[i]);
        for (let v = 0; v < T.length; v++) {
          if (!brain[v]) continue;
          ssFull += full[v]! ** 2;
          ssCoarse += kept[v]! ** 2;
        }
      });
      // the price: interpolation blurs the fit at the sharp cortex borders (the maps are registered
      // to ~1 mm, MISREGISTRATION_VOXELS), so the voxel-wise residual grows; measured +24 % rms
      const rmsRatio = Math.sqrt(ssCoarse / ssFull);
      expect(rmsRatio).toBeGreaterThan(1);
      expect(rmsRatio).toBeLessThan(1.3);
    },
  );

  it('keeps the disease: AD subjects residualized with the CN fit show their hippocampal loss, CN subjects ~0', { timeout: 60_000 }, () => {
    const hip = (group: 'CN' | 'AD') =>
      Array.from({ length: 6 }, (_, i) => {
        const s = synthSubject(ctx, FIT_SEED + 2, i, group);
        const r = residualize(s.gm, b, covariatesOf(s.meta));
        return roiMean(HIPPOCAMPUS, (p) => r[p]!) / roiMean(HIPPOCAMPUS, (p) => T[p]!);
      });
    const mean = (v: number[]) => v.reduce((a, x) => a + x, 0) / v.length;
    // AD severity 0.20-0.45 removes about that fraction of hippocampal GM (synth.ts SEVERITY)
    expect(mean(hip('AD'))).toBeLessThan(-0.1);
    expect(Math.abs(mean(hip('CN')))).toBeLessThan(0.04);
  });
});
