/**
 * runPipeline with model bundles: residualization with the bundle's covariate model, temperature
 * calibration, the input-shape check, and combinations (mean of models, difference A - B), each
 * checked against an independent computation (single runs, per-voxel arithmetic, a model whose
 * last layer is divided by T). Small models on the paper's full input, on the wasm-simd engine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/core/errors';
import { writeNifti } from '../src/core/nifti';
import { readNifti } from '../src/core/nifti';
import { runPipeline, type ModelBundle, type PipelineOptions } from '../src/core/pipeline';
import { calibrationFromMetadata, displayFromMetadata, loadModelBundle, plainBundle } from '../src/core/model/bundle';
import { loadModel } from '../src/core/model/loadModel';
import { makeSeededModelArtifacts } from '../src/core/model/seeded';
import type { Model } from '../src/core/model/types';
import type { ModelExecutor } from '../src/core/lrp/executor';
import { displayMap } from '../src/core/analysis/scale';
import { CAT12_GRID } from '../src/core/volume/grid';
import { startWasmEngineNode } from '../src/cli/wasmEngineNode';
import { mismatches } from './helpers/arrays';
import { covariateModelBytes, smallArtifacts, smallWeights, testCovariateModel } from './helpers/modelFixtures';

const ROOT = join(__dirname, '..');
const scan = new Uint8Array(readFileSync(join(ROOT, 'public', 'demo', 'demo-03-AD.nii.gz')));
const scanGrid = readNifti(scan).volume.data; // on the grid already
const [NX, NY] = CAT12_GRID.dims;
const inCrop = (v: number) => {
  const i = v % NX,
    j = Math.floor(v / NX) % NY,
    k = Math.floor(v / (NX * NY));
  return i >= 10 && i < 110 && j >= 13 && j < 133 && k >= 5 && k < 105;
};

let A: Model, B: Model;
const executors = new Map<Model, ModelExecutor>();
const executorFor = async (m: Model) => {
  if (!executors.has(m)) executors.set(m, await startWasmEngineNode(m));
  return executors.get(m);
};
const run = (opts: PipelineOptions) => runPipeline(scan, { executorFor, ...opts });

beforeAll(async () => {
  await tf.setBackend('cpu');
  A = await loadModel(smallArtifacts(3), 'A');
  B = await loadModel(smallArtifacts(4), 'B');
}, 60_000);
afterAll(() => {
  for (const e of executors.values()) e.dispose();
  A.dispose();
  B.dispose();
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

describe("residualization with the bundle's covariate model", () => {
  it('the model sees gm - (b0 + b1 age + b2 sex + b3 tiv + b4 field), and explains exactly that input', async () => {
    const cm = testCovariateModel();
    const covariates = { age: 68, sex: 1, tiv: 1510, field: 1.5 };
    const bundle: ModelBundle = { ...plainBundle(A, 'A'), covariateModel: cm };
    const out = await run({ bundle, method: 'paper', covariates });
    expect(out.residualizedWith).toEqual(covariates);
    // Independent per-voxel residual (float64), NaN -> 0, zero outside the model's crop.
    let worst = 0,
      outside = 0;
    for (let v = 0; v < scanGrid.length; v++) {
      const g = Number.isFinite(scanGrid[v]!) ? scanGrid[v]! : 0;
      const want = inCrop(v) ? g - (cm.b0[v]! + cm.b1[v]! * 68 + cm.b2[v]! * 1 + cm.b3[v]! * 1510 + cm.b4[v]! * 1.5) : 0;
      if (!inCrop(v)) outside += out.input[v] !== 0 ? 1 : 0;
      else worst = Math.max(worst, Math.abs(out.input[v]! - want));
    }
    expect(outside).toBe(0);
    expect(worst).toBeLessThan(1e-6);
    // The same numbers as the raw model run on a scan that already holds the residuals.
    const residualScan = writeNifti({ dims: CAT12_GRID.dims, affine: CAT12_GRID.affine, data: out.input }, { datatype: 'float32', gzip: false });
    const plain = await runPipeline(residualScan, { bundle: plainBundle(A, 'A'), method: 'paper', executorFor });
    expect(mismatches(plain.relevance, out.relevance)).toBe(0);
    expect(plain.logits).toEqual(out.logits);
    expect(plain.residualizedWith).toBeUndefined();
  }, 120_000);

  it('refuses covariates a residualizing model cannot use, with one sentence', async () => {
    const bundle: ModelBundle = { ...plainBundle(A, 'A'), covariateModel: testCovariateModel() };
    const ok = { age: 70, sex: 0.5, tiv: 1400, field: 3 };
    await expect(run({ bundle, method: 'paper', covariates: { ...ok, age: Number.NaN } })).rejects.toThrow(/covariate age is NaN/);
    await expect(run({ bundle, method: 'paper', covariates: { ...ok, sex: 2 } })).rejects.toThrow(InputError);
    await expect(run({ bundle, method: 'paper', covariates: { ...ok, tiv: 0 } })).rejects.toThrow(/TIV/);
    // A raw model does not use them, so an empty form field does not block it.
    await expect(run({ bundle: plainBundle(A, 'A'), method: 'paper', covariates: { ...ok, age: Number.NaN } })).resolves.toBeTruthy();
  }, 60_000);

  it('a raw model ignores covariates: same input and map as without them', async () => {
    const out = await run({ bundle: plainBundle(A, 'A'), method: 'paper', covariates: { age: 50, sex: 0, tiv: 1300, field: 3 } });
    const plain = await run({ bundle: plainBundle(A, 'A'), method: 'paper' });
    expect(out.residualizedWith).toBeUndefined();
    expect(mismatches(out.input, plain.input)).toBe(0);
    expect(mismatches(out.relevance, plain.relevance)).toBe(0);
  }, 60_000);
});

describe('calibration (temperature scaling)', () => {
  it('T = 2.5 gives the logits, probabilities and relevance of the model whose last layer is divided by T', async () => {
    const T = 2.5;
    const calibrated = await run({ bundle: { ...plainBundle(A, 'A'), calibration: { temperature: T } }, method: 'paper' });
    const scaledWeights = smallWeights(3).map((w) => (w.name.startsWith('dense_3/') ? { ...w, data: w.data.map((x) => x / T) } : w));
    const divided = await loadModel(smallArtifacts(3, scaledWeights), 'A/T');
    try {
      const ref = await runPipeline(scan, { bundle: plainBundle(divided, 'A/T'), method: 'paper', executorFor });
      const raw = await run({ bundle: plainBundle(A, 'A'), method: 'paper' });
      expect(calibrated.calibration).toEqual({ temperature: T });
      for (let i = 0; i < 2; i++) {
        expect(calibrated.logits[i]).toBeCloseTo(ref.logits[i]!, 5);
        expect(calibrated.logits[i]).toBeCloseTo(raw.logits[i]! / T, 12);
      }
      const e = calibrated.logits.map(Math.exp);
      expect(calibrated.probability).toBeCloseTo(e[1]! / (e[0]! + e[1]!), 12);
      expect(calibrated.probability).not.toBeCloseTo(raw.probability, 4);
      expect(maxAbsDiff(calibrated.relevance, ref.relevance)).toBeLessThan(1e-4 * maxAbs(ref.relevance));
      expect(maxAbs(calibrated.relevance)).toBeGreaterThan(0);
    } finally {
      executors.get(divided)?.dispose();
      executors.delete(divided);
      divided.dispose();
    }
  }, 120_000);

  it('reads calibration and display from model.json metadata, identity when absent, and refuses bad values', async () => {
    expect(calibrationFromMetadata(undefined)).toEqual({ temperature: 1 });
    expect(calibrationFromMetadata({ calibration: { temperature: 1.7 } })).toEqual({ temperature: 1.7 });
    for (const bad of [0, -1, 'x', null, Number.NaN]) expect(() => calibrationFromMetadata({ calibration: { temperature: bad } })).toThrow(InputError);
    expect(displayFromMetadata({ display: { scaling: 'fixed', factor: 4000 } })).toEqual({ scaling: 'fixed', factor: 4000 });
    expect(() => displayFromMetadata({ display: { scaling: 'loud' } })).toThrow(InputError);
    const files: Record<string, Uint8Array> = { 'cov.bin': covariateModelBytes(testCovariateModel()) };
    const artifacts = {
      ...smallArtifacts(3),
      userDefinedMetadata: { residualize: true, covariateModel: 'cov.bin', calibration: { temperature: 3 }, display: { scaling: 'adaptive' } },
    };
    const bundle = await loadModelBundle(artifacts, { label: 'm', read: async (p) => files[p]!, display: { scaling: 'fixed', factor: 9 } });
    try {
      expect(bundle.calibration).toEqual({ temperature: 3 });
      expect(bundle.display).toEqual({ scaling: 'adaptive' }); // the model's own wins over the host's
      expect(mismatches(bundle.covariateModel!.b3, testCovariateModel().b3)).toBe(0);
    } finally {
      bundle.model.dispose();
    }
  }, 60_000);
});

describe('checks in the pipeline itself', () => {
  it("refuses a model whose input is not the paper's crop, before reading the scan", async () => {
    const tiny = await loadModel(makeSeededModelArtifacts(1, { inputShape: [16, 16, 16, 1], filters: 2, hidden: [4, 4] }), 'tiny');
    try {
      const p = runPipeline(new Uint8Array(10), { bundle: plainBundle(tiny, 'tiny'), method: 'paper' });
      await expect(p).rejects.toThrow(InputError);
      await expect(p).rejects.toThrow(/16 x 16 x 16 x 1.*100 x 100 x 120 x 1/);
    } finally {
      tiny.dispose();
    }
  });
  it('refuses an unknown method, also as the second method of a difference', async () => {
    await expect(run({ bundle: plainBundle(A, 'A'), method: 'magic' as never })).rejects.toThrow(/Unknown method "magic"/);
    await expect(
      run({ bundle: plainBundle(A, 'A'), method: 'paper', combine: { kind: 'difference', other: plainBundle(B, 'B'), method: 'magic' as never } }),
    ).rejects.toThrow(InputError);
  });
});

describe('combinations', () => {
  let a: Awaited<ReturnType<typeof runPipeline>>, b: Awaited<ReturnType<typeof runPipeline>>;
  const display = { scaling: 'fixed' as const, factor: 4000 };
  beforeAll(async () => {
    a = await run({ bundle: plainBundle(A, 'A', { display }), method: 'paper' });
    b = await run({ bundle: plainBundle(B, 'B'), method: 'paper' });
  }, 120_000);

  it("the mean of two models: mean relevance, logits and probability; displayed with the first model's options", async () => {
    const out = await run({ bundle: plainBundle(A, 'A', { display }), method: 'paper', combine: { kind: 'average', others: [plainBundle(B, 'B')] } });
    let worst = 0;
    for (let v = 0; v < a.relevance.length; v++) worst = Math.max(worst, Math.abs(out.relevance[v]! - (a.relevance[v]! + b.relevance[v]!) / 2));
    expect(worst).toBeLessThan(1e-6 * Math.max(maxAbs(a.relevance), maxAbs(b.relevance)));
    expect(out.probability).toBeCloseTo((a.probability + b.probability) / 2, 12);
    expect(out.logits[1]).toBeCloseTo((a.logits[1]! + b.logits[1]!) / 2, 12);
    expect(mismatches(out.display, displayMap(out.relevance, CAT12_GRID.dims, display))).toBe(0);
    expect(out.displayOptions).toMatchObject(display);
    expect(out.combination?.kind).toBe('average');
    expect(out.combination?.members.map((m) => [m.modelLabel, m.probability])).toEqual([
      ['A', a.probability],
      ['B', b.probability],
    ]);
    expect(out.modelLabel).toBe('mean of 2 models');
  }, 120_000);

  it('the same model twice counts once: an average of it alone is refused (duplicates removed before the count)', async () => {
    const same = plainBundle(A, 'A');
    await expect(run({ bundle: same, method: 'paper', combine: { kind: 'average', others: [same, plainBundle(A, 'A again')] } })).rejects.toThrow(
      /two different models/,
    );
  });

  it('A - B of two models and of two methods: relevance, logits and probability differences', async () => {
    const out = await run({ bundle: plainBundle(A, 'A', { display }), method: 'paper', combine: { kind: 'difference', other: plainBundle(B, 'B') } });
    expect(
      mismatches(
        out.relevance,
        Float32Array.from(a.relevance, (x, v) => x - b.relevance[v]!),
      ),
    ).toBe(0);
    expect(out.probability).toBeCloseTo(a.probability - b.probability, 12);
    expect(out.logits).toEqual([a.logits[0]! - b.logits[0]!, a.logits[1]! - b.logits[1]!]);
    expect(mismatches(out.display, displayMap(out.relevance, CAT12_GRID.dims, display))).toBe(0);
    expect(out.modelLabel).toBe('A − B');
    expect(out.combination?.members.map((m) => m.probability)).toEqual([a.probability, b.probability]);

    const g = await run({ bundle: plainBundle(A, 'A'), method: 'gradient' });
    const methods = await run({
      bundle: plainBundle(A, 'A'),
      method: 'paper',
      combine: { kind: 'difference', other: plainBundle(A, 'A'), method: 'gradient' },
    });
    expect(
      mismatches(
        methods.relevance,
        Float32Array.from(a.relevance, (x, v) => x - g.relevance[v]!),
      ),
    ).toBe(0);
    expect(methods.methodLabel).toMatch(/LRP-CMP.*−.*Gradient/);
    expect(methods.probability).toBe(0);
  }, 120_000);

  it('stops between the analyses of a combination when cancelled', async () => {
    const ctl = new AbortController();
    let progress = 0;
    const p = run({
      bundle: plainBundle(A, 'A'),
      method: 'paper',
      signal: ctl.signal,
      combine: { kind: 'average', others: [plainBundle(B, 'B')] },
      onProgress: (e) => {
        if (e.message?.startsWith('model 1 of 2')) {
          progress++;
          ctl.abort();
        }
      },
    });
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(progress).toBeGreaterThan(0);
  }, 60_000);
});
