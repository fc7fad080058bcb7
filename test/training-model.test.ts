/**
 * The default demo model (models/demo-whole, trained by src/training/train.ts on residualized
 * synthetic maps) through the one pipeline with each case's covariates, as the page and `analyze`
 * run it: every demo case lies on its group's side (CN p(AD) < 0.3, AD > 0.7: issue #14), and
 * removing more hippocampal GM from a healthy case raises the AD probability.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveModel, type ResolvedModel } from '../src/cli/loadModelNode';
import { startWasmEngineNode } from '../src/cli/wasmEngineNode';
import { runPipeline } from '../src/core/pipeline';
import { readNifti, writeNifti } from '../src/core/nifti';
import type { ModelExecutor } from '../src/core/lrp/executor';
import { CAT12_GRID } from '../src/core/volume/grid';
import { covariatesOf } from '../src/training/cohortData';
import { makeSynthContext, synthSubject, type SubjectMeta } from '../src/training/synth';
import { DEMO_DIR, readDemoCases } from './helpers/demoCases';

const cases = readDemoCases();

let demo: ResolvedModel;
let executor: ModelExecutor;
beforeAll(async () => {
  await tf.setBackend('cpu');
  demo = await resolveModel();
  executor = await startWasmEngineNode(demo.model);
}, 60_000);
afterAll(() => {
  executor?.dispose();
  demo?.model.dispose();
});

const pAd = async (scan: Uint8Array, meta: Pick<SubjectMeta, 'age' | 'sex' | 'tiv' | 'field'>) =>
  (await runPipeline(scan, { bundle: demo.bundle, method: 'gradient', executor, covariates: covariatesOf(meta) })).probability;

describe('the default demo model', () => {
  it('is the residualizing whole-dataset model of the demo family', () => {
    expect(demo.bundle.covariateModel).not.toBeNull();
    expect(demo.bundle.calibration.temperature).not.toBe(1);
  });

  it.each(cases.filter((c) => c.group !== 'MCI').map((c) => [c.id, c] as const))(
    "%s lies on its group's side",
    async (_, c) => {
      const p = await pAd(new Uint8Array(readFileSync(join(DEMO_DIR, c.file))), c);
      if (c.group === 'CN') expect(p).toBeLessThan(0.3);
      else expect(p).toBeGreaterThan(0.7);
    },
    60_000,
  );

  it('gives a higher AD probability the more hippocampal GM a CN case loses', async () => {
    const template = readNifti(readFileSync('public/template/gm_template.nii.gz')).volume;
    const aal = readNifti(readFileSync('public/atlas/aal.nii.gz')).volume;
    const ctx = makeSynthContext(template.data, aal.data, template.dims);
    const cn = synthSubject(ctx, 4242, 0, 'CN');
    const probs: number[] = [];
    for (const loss of [0, 0.25, 0.5]) {
      // independent of the generator's atrophy field: scale GM inside AAL 37/38 (hippocampus) directly
      const gm = Float32Array.from(cn.gm, (v, i) => (aal.data[i] === 37 || aal.data[i] === 38 ? v * (1 - loss) : v));
      probs.push(await pAd(writeNifti({ dims: CAT12_GRID.dims, affine: CAT12_GRID.affine, data: gm }, { datatype: 'float32' }), cn.meta));
    }
    // in log-odds: a confident CN case stays below 0.5 in probability, but its odds must rise clearly
    const logOdds = probs.map((p) => Math.log(p / (1 - p)));
    expect(logOdds[1]!).toBeGreaterThan(logOdds[0]!);
    expect(logOdds[2]!).toBeGreaterThan(logOdds[1]!);
    // a clear effect, not noise (odds x e^2 and more); hippocampus alone is only part of the trained AD pattern
    expect(logOdds[2]! - logOdds[0]!).toBeGreaterThan(2);
  }, 60_000);
});
