/**
 * One real (tiny) run of the training command through the train:all driver: a fold model trained
 * on residualized, augmented inputs, calibrated and evaluated, then loaded by the app's own model
 * loader and run through the app's pipeline. Proves what a later full run relies on: the folder
 * has the covariate model and the temperature in the format the app reads, the app feeds the
 * network the same residualized input training did (same logits as the evaluation file), relevance
 * and probability are those of the calibrated logit, and the driver resumes instead of retraining.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../src/core/pipeline';
import type { ModelBundle } from '../src/core/model/bundle';
import { loadBundleFromDir } from '../src/cli/loadModelNode';
import { startWasmEngineNode } from '../src/cli/wasmEngineNode';
import type { ModelExecutor } from '../src/core/lrp/executor';
import { covariatesOf } from '../src/training/cohortData';
import { loadSynthContext } from '../src/training/node/assets';
import { writeSubject } from '../src/training/node/cohortFiles';
import { synthSubject, type Group } from '../src/training/synth';
import { EVALUATION_FILE, TRAIN_SEED } from '../src/training/train';
import { CV_SUMMARY_FILE, trainAll } from '../src/training/trainAll';

const models = mkdtempSync(join(tmpdir(), 'rv-models-'));
const ckpt = mkdtempSync(join(tmpdir(), 'rv-ckpt-'));
const dir = join(models, 'demo-fold-0');
// 20 subjects: fold 0 holds 2 out, fold 1 validates (2), 16 train (8 CN for the covariate fit)
const OPTIONS = ['--models-dir', models, '--ckpt-root', ckpt, '--only', '0', '--n', '20', '--epochs', '1', '--bn-recalibration', '4'];

interface Evaluation {
  fold: number;
  trainingComplete: boolean;
  temperature: number;
  subjects: Array<{ id: string; group: Group; logits: number[]; pAD: number }>;
}

let evaluation: Evaluation;
let bundle: ModelBundle;
let executor: ModelExecutor;
const logs: string[] = [];

beforeAll(async () => {
  expect(await trainAll(OPTIONS, undefined, (s) => logs.push(s))).toBe(0);
  evaluation = JSON.parse(readFileSync(join(dir, EVALUATION_FILE), 'utf8')) as Evaluation;
  bundle = await loadBundleFromDir(dir, { label: 'fold0' });
  executor = await startWasmEngineNode(bundle.model);
}, 600_000);
afterAll(() => {
  executor?.dispose();
  bundle?.model.dispose();
});

describe('a fold model from the training command', () => {
  it('holds its covariate model and temperature as the app reads them, and its held-out fold', () => {
    expect(evaluation.fold).toBe(0);
    expect(evaluation.trainingComplete).toBe(true);
    expect(evaluation.subjects).toHaveLength(2);
    expect(existsSync(join(dir, 'covariates.bin.gz'))).toBe(true);
    expect(bundle.covariateModel).not.toBeNull();
    expect(bundle.calibration.temperature).toBe(evaluation.temperature);
    expect(evaluation.temperature).not.toBe(1);
    const meta = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).userDefinedMetadata;
    expect(meta.training).toMatchObject({ fold: 0, folds: 10, residualized: true, maxShift: 10 });
    expect(existsSync(join(models, CV_SUMMARY_FILE))).toBe(true);
  });

  it('the app residualizes a held-out subject as training did: the same logits as the evaluation file (float16 weights aside)', async () => {
    const ctx = loadSynthContext();
    for (const s of evaluation.subjects) {
      const subject = synthSubject(ctx, TRAIN_SEED, Number(s.id.slice(4)) - 1, s.group);
      expect(subject.meta.id).toBe(s.id);
      const { file } = writeSubject(ckpt, subject); // uint8, as the cohort files and the demo cases
      const out = await runPipeline(readFileSync(join(ckpt, file)), { bundle, method: 'paper', executor, covariates: covariatesOf(subject.meta) });
      expect(out.residualizedWith).toEqual(covariatesOf(subject.meta));
      const T = evaluation.temperature;
      for (let c = 0; c < 2; c++) expect(Math.abs(out.logits[c]! * T - s.logits[c]!)).toBeLessThan(0.02 * Math.max(1, Math.abs(s.logits[c]!)));
      expect(out.probability).toBeCloseTo(s.pAD, 2);
    }
  }, 120_000);

  it('probability and relevance are those of the calibrated logit: softmax(z / T) and the raw relevance / T', async () => {
    const T = evaluation.temperature;
    const scan = readFileSync(join('public', 'demo', 'demo-03-AD.nii.gz'));
    const covariates = { age: 76, sex: 1, tiv: 1190, field: 3 };
    const calibrated = await runPipeline(scan, { bundle, method: 'paper', executor, covariates });
    const raw = await runPipeline(scan, { bundle: { ...bundle, calibration: { temperature: 1 } }, method: 'paper', executor, covariates });
    for (let c = 0; c < 2; c++) expect(calibrated.logits[c]).toBeCloseTo(raw.logits[c]! / T, 10);
    expect(calibrated.probability).toBeCloseTo(1 / (1 + Math.exp((raw.logits[0]! - raw.logits[1]!) / T)), 10);
    let worst = 0,
      scale = 0;
    for (let v = 0; v < raw.relevance.length; v++) {
      worst = Math.max(worst, Math.abs(calibrated.relevance[v]! - raw.relevance[v]! / T));
      scale = Math.max(scale, Math.abs(raw.relevance[v]!));
    }
    expect(scale).toBeGreaterThan(0);
    expect(worst).toBeLessThan(1e-6 * scale);
  }, 120_000);

  it('the driver run again skips the finished model instead of training it again', async () => {
    const again: string[] = [];
    let trained = 0;
    const code = await trainAll(
      OPTIONS,
      async () => {
        trained++;
        return 'finished';
      },
      (s) => again.push(s),
    );
    expect(code).toBe(0);
    expect(trained).toBe(0);
    expect(again.some((l) => /demo-fold-0: done/.test(l))).toBe(true);
  });

  it('a run stopped by the wall-clock cap stops the driver (exit 3) so the next call resumes it', async () => {
    const calls: string[][] = [];
    const code = await trainAll(
      ['--models-dir', models, '--ckpt-root', ckpt, '--only', '1,2'],
      async (args) => {
        calls.push(args);
        return 'capped';
      },
      () => {},
    );
    expect(code).toBe(3);
    expect(calls).toHaveLength(1); // fold 2 waits for fold 1
    expect(calls[0]).toEqual(
      expect.arrayContaining(['--fold', '1', '--ckpt', join(ckpt, 'demo-fold-1'), '--out', join(models, 'demo-fold-1'), '--max-minutes']),
    );
  });
});
