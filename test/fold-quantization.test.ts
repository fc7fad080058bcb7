/**
 * The size budget of the fold family (issue #14: eleven models in <= 12 MB): measured on the bundled
 * demo model, whose architecture the folds share. float16 does not fit. All-uint8 fits but moves the
 * LRP maps visibly; 'mixed' (`quantize --dtype mixed`: uint8 for the big Dense kernel, float16 for
 * the rest) fits and keeps them. This test measures both against float16 on real demo cases through
 * the real pipeline, holds 'mixed' to bounds, and prints the figures docs/ensemble.md quotes.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { float32Artifacts } from '../src/core/model/h5/quantize';
import { runPipeline } from '../src/core/pipeline';
import type { ModelBundle } from '../src/core/model/bundle';
import { SYNTHETIC_DEMO_DISPLAY } from '../src/core/model/catalog';
import { DEMO_MODEL_DIR, loadBundleFromDir, readArtifactsFromDir } from '../src/cli/loadModelNode';
import { startWasmEngineNode } from '../src/cli/wasmEngineNode';
import { run as quantize } from '../src/cli/commands/quantize';
import type { ModelExecutor } from '../src/core/lrp/executor';
import { cli } from './helpers/cli';

const ROOT = join(__dirname, '..');
const DEMO = DEMO_MODEL_DIR;
const BUDGET = 12e6;
const tmp = mkdtempSync(join(tmpdir(), 'rv-q8-'));
const out = join(tmp, 'uint8');
const mixed = join(tmp, 'mixed');
const folderBytes = (dir: string) => statSync(join(dir, 'model.json')).size + statSync(join(dir, 'group1-shard1of1.bin')).size;

let f16: ModelBundle, u8: ModelBundle, mx: ModelBundle;
const executors: ModelExecutor[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write; // the command's one line
  try {
    expect(await quantize([DEMO, '--dtype', 'uint8', '--out', out])).toBe(0);
    expect(await quantize([DEMO, '--dtype', 'mixed', '--out', mixed])).toBe(0);
  } finally {
    process.stdout.write = write;
  }
  f16 = await loadBundleFromDir(DEMO, { label: 'float16', display: SYNTHETIC_DEMO_DISPLAY });
  u8 = await loadBundleFromDir(out, { label: 'uint8', display: SYNTHETIC_DEMO_DISPLAY });
  mx = await loadBundleFromDir(mixed, { label: 'mixed', display: SYNTHETIC_DEMO_DISPLAY });
}, 120_000);
afterAll(() => {
  for (const e of executors) e.dispose();
  f16?.model.dispose();
  u8?.model.dispose();
  mx?.model.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

describe('eleven models in 12 MB', () => {
  it('float16 x 11 does not fit; eleven mixed models fit, and so does a float16 whole-dataset model with ten mixed folds', () => {
    const half = folderBytes(DEMO);
    const byte = folderBytes(out);
    const mix = folderBytes(mixed);
    console.log(`model folder: float16 ${(half / 1e6).toFixed(3)} MB, uint8 ${(byte / 1e6).toFixed(3)} MB, mixed ${(mix / 1e6).toFixed(3)} MB`);
    console.log(
      `11 x float16 = ${((11 * half) / 1e6).toFixed(2)} MB; 11 x mixed = ${((11 * mix) / 1e6).toFixed(2)} MB; float16 whole + 10 mixed folds = ${((half + 10 * mix) / 1e6).toFixed(2)} MB`,
    );
    expect(11 * half).toBeGreaterThan(BUDGET);
    expect(half + 10 * mix).toBeLessThanOrEqual(BUDGET);
  });

  it('re-quantizing keeps the metadata; uint8 tensors decode within half a step of the float16 ones, float16 tensors exactly', async () => {
    const a = float32Artifacts((await readArtifactsFromDir(DEMO)).artifacts);
    const x = new Float32Array(a.weightData as ArrayBuffer);
    for (const [dir, dtype] of [
      [out, 'uint8'],
      [mixed, 'mixed'],
    ] as const) {
      const b = (await readArtifactsFromDir(dir)).artifacts;
      expect(b.userDefinedMetadata).toMatchObject({ ...a.userDefinedMetadata, weightQuantization: dtype });
      const y = new Float32Array(float32Artifacts(b).weightData as ArrayBuffer);
      let offset = 0;
      for (const spec of b.weightSpecs!) {
        const n = spec.shape.reduce((p, q) => p * q, 1);
        const q = spec.quantization as { dtype: string; scale?: number };
        expect(q.dtype, spec.name).toBe(dtype === 'uint8' || n >= 65536 ? 'uint8' : 'float16');
        let worst = 0;
        for (let i = offset; i < offset + n; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
        // float32 rounding of q * scale + min adds a hair to the half step.
        if (q.dtype === 'uint8') expect(worst, spec.name).toBeLessThanOrEqual((q.scale! / 2) * (1 + 1e-2));
        else expect(worst, spec.name).toBe(0);
        offset += n;
      }
      expect(offset).toBe(x.length);
    }
  });
});

describe('what uint8 and mixed cost against float16, on demo cases through the pipeline', () => {
  const cases = ['demo-03-AD.nii.gz', 'demo-01-CN.nii.gz', 'demo-02-MCI.nii.gz'];
  it('mixed: P(AD), logits and the displayed map barely move (all-uint8 printed for comparison)', async () => {
    const executorFor = async (m: ModelBundle['model']) => {
      const e = await startWasmEngineNode(m);
      executors.push(e);
      return e;
    };
    for (const name of cases) {
      const scan = new Uint8Array(readFileSync(join(ROOT, 'public', 'demo', name)));
      const a = await runPipeline(scan, { bundle: f16, method: 'paper', executor: await executorFor(f16.model) });
      for (const bundle of [u8, mx]) {
        const b = await runPipeline(scan, { bundle, method: 'paper', executor: await executorFor(bundle.model) });
        let dot = 0,
          na = 0,
          nb = 0,
          worstDisplay = 0,
          flipped = 0,
          shown = 0;
        for (let v = 0; v < a.relevance.length; v++) {
          const p = a.relevance[v]!,
            q = b.relevance[v]!;
          dot += p * q;
          na += p * p;
          nb += q * q;
          worstDisplay = Math.max(worstDisplay, Math.abs(a.display[v]! - b.display[v]!));
          const sa = Math.abs(a.display[v]!) >= 0.4,
            sb = Math.abs(b.display[v]!) >= 0.4;
          if (sa || sb) shown++;
          if (sa !== sb) flipped++;
        }
        const r = dot / Math.sqrt(na * nb);
        const dLogit = Math.max(...a.logits.map((z, i) => Math.abs(z - b.logits[i]!)));
        const dP = Math.abs(a.probability - b.probability);
        console.log(
          `${name} ${bundle.label}: P(AD) float16 ${a.probability.toFixed(4)} ${bundle.label} ${b.probability.toFixed(4)} (|dP| ${dP.toFixed(4)}), max |dlogit| ${dLogit.toFixed(4)}, ` +
            `relevance r ${r.toFixed(5)}, max |d display| ${worstDisplay.toFixed(3)}, voxels over threshold 0.4 that change side ${flipped} of ${shown}`,
        );
        if (bundle === u8) continue; // measured, not the fix: its maps move (docs/ensemble.md)
        // Bounds a few times the measured figures (docs/ensemble.md): the fix must not change what the page says.
        expect(dP).toBeLessThan(0.005);
        expect(dLogit).toBeLessThan(0.02);
        expect(r).toBeGreaterThan(0.999);
        expect(flipped).toBeLessThan(0.02 * Math.max(shown, 1));
      }
    }
  }, 300_000);
});

describe('quantize: bad input', () => {
  it('an unknown dtype or a folder without a model: exit 2, one sentence, no stack trace', () => {
    for (const args of [
      ['quantize', DEMO, '--dtype', 'int4'],
      ['quantize', join(tmp, 'nothing-here'), '--dtype', 'mixed'],
    ]) {
      const r = cli(...args);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    }
  });
});
