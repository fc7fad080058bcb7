/**
 * Every browser engine gives the same answer: the built app analyses one demo case with tfjs WebGL
 * (SwiftShader here), tfjs wasm and our wasm-simd kernels; each exported raw relevance map and the
 * reported probability must match the Node pipeline on the same file (wasm-simd, itself tested
 * against tfjs cpu and an independent float64 reference in the unit tests).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Download } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAndServe, expectNoCspViolations, launchBrowser, ROOT, watchCsp } from './harness';
import type { StaticServer } from './staticServer';
import { readNifti } from '../../src/core/nifti';
import { runPipeline } from '../../src/core/pipeline';
import { resolveModel } from '../../src/cli/loadModelNode';
import { covariatesOf } from '../../src/training/cohortData';
import { readDemoCases } from '../helpers/demoCases';
import { startEngineNode } from '../../src/cli/wasmEngineNode';

const CASE = 'demo-03-AD';

let browser: Browser;
let server: StaticServer;
let reference: { probability: number; relevance: Float32Array; maxAbs: number };

beforeAll(async () => {
  server = await buildAndServe();
  const engine = await startEngineNode('wasm-simd');
  // the default model with the case's covariates, which the page fills in when the case is chosen
  const { bundle, model } = await resolveModel();
  const demoCase = readDemoCases().find((c) => c.id === CASE)!;
  const executor = await engine.executorFor(model);
  const out = await runPipeline(readFileSync(join(ROOT, 'public', 'demo', `${CASE}.nii.gz`)), {
    bundle,
    method: 'paper',
    executor,
    covariates: covariatesOf(demoCase),
  });
  executor?.dispose();
  model.dispose();
  reference = { probability: out.probability, relevance: out.relevance, maxAbs: out.relevance.reduce((m, v) => Math.max(m, Math.abs(v)), 0) };
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function analyseIn(backend: string): Promise<{ probability: number; relevance: Float32Array; engine: string }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await watchCsp(page);
  try {
    await page.goto(`${server.url}?backend=${backend}`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=demo-select] option').length > 1);
    await page.getByTestId('demo-select').selectOption(CASE);
    await page.getByTestId('prediction').waitFor({ timeout: 240_000 });
    const fetchDownload = async (testId: string) => {
      const [d] = (await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId(testId).click()])) as [Download, unknown];
      return readFileSync((await d.path())!);
    };
    await page.getByTestId('export-nifti-kind').selectOption('raw-grid');
    const relevance = readNifti(await fetchDownload('export-nifti')).volume.data;
    const report = JSON.parse((await fetchDownload('export-report')).toString('utf8')) as { engine: string; prediction: { probabilityAD: number } };
    expectNoCspViolations(page);
    return { probability: report.prediction.probabilityAD, relevance, engine: report.engine };
  } finally {
    await page.close();
  }
}

describe('the same relevance on every browser engine', () => {
  for (const backend of ['wasm-simd', 'wasm', 'webgl']) {
    it(`${backend} matches the Node pipeline`, async () => {
      const got = await analyseIn(backend);
      expect(got.engine).toContain(backend);
      expect(got.probability).toBeCloseTo(reference.probability, 5);
      expect(got.relevance.length).toBe(reference.relevance.length);
      // Relative 1e-4 of the map's maximum, except where float32 summation order flips a max-pool
      // near-tie (docs/engines.md): at most 0.1 % of the voxels.
      let off = 0;
      for (let v = 0; v < got.relevance.length; v++) {
        if (Math.abs(got.relevance[v]! - reference.relevance[v]!) > 1e-4 * reference.maxAbs) off++;
      }
      expect(off / got.relevance.length).toBeLessThan(1e-3);
    }, 300_000);
  }
});
