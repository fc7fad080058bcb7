/**
 * The Done-when of the LRP engine: what `analyze` computes (the one pipeline on the CLI's default
 * wasm-simd engine, and on tfjs cpu) for the demo model on a demo gray-matter map reproduces an
 * independent PyTorch implementation of innvestigate 1.0.9 preset A and of gradient x input
 * (scripts/fixtures/make_torch_reference.py, float64): correlation > 0.9999, max error < 0.1 % of
 * max |R|, logits within 1e-4.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MODEL_DIR, loadModelFromDir, REPO_ROOT } from '../../src/cli/loadModelNode';
import { startEngineNode } from '../../src/cli/wasmEngineNode';
import type { MethodId } from '../../src/core/lrp/registry';
import type { Model } from '../../src/core/model/types';
import type { PlanarExecutor } from '../../src/core/planar/index';
import { runPipeline } from '../../src/core/pipeline';
import { gridToModelTensor } from '../../src/core/volume/modelTensor';

interface MapSummary {
  sum: number;
  max_abs: number;
  positive_sum: number;
  samples: number[];
}
const ref = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'lrp', 'torch_demo_reference.json'), 'utf8')) as {
  sample_offset: number;
  sample_stride: number;
  logits: number[];
  paper: MapSummary;
  gradient_x_input: MapSummary;
};
const scan = readFileSync(join(REPO_ROOT, 'public', 'demo', 'demo-03-AD.nii.gz'));

function correlation(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n,
    mb = b.reduce((s, v) => s + v, 0) / n;
  let c = 0,
    va = 0,
    vb = 0;
  for (let i = 0; i < n; i++) {
    c += (a[i]! - ma) * (b[i]! - mb);
    va += (a[i]! - ma) ** 2;
    vb += (b[i]! - mb) ** 2;
  }
  return c / Math.sqrt(va * vb);
}

let model: Model;
let executor: PlanarExecutor | undefined;
beforeAll(async () => {
  const engine = await startEngineNode('wasm-simd');
  model = await loadModelFromDir(DEMO_MODEL_DIR);
  executor = await engine.executorFor(model);
});
afterAll(() => {
  executor?.dispose();
  model?.dispose();
});

const cases: [MethodId, 'paper' | 'gradient_x_input', 'wasm-simd' | 'tfjs cpu'][] = [
  ['paper', 'paper', 'wasm-simd'],
  ['gradient-x-input', 'gradient_x_input', 'wasm-simd'],
  ['paper', 'paper', 'tfjs cpu'],
];

describe('the pipeline against an independent PyTorch implementation', () => {
  for (const [method, key, engineName] of cases) {
    it(`${method} on ${engineName}`, async () => {
      const out = await runPipeline(scan, { model, method, executor: engineName === 'wasm-simd' ? executor : undefined });
      expect(out.logits[0]).toBeCloseTo(ref.logits[0]!, 4);
      expect(out.logits[1]).toBeCloseTo(ref.logits[1]!, 4);
      const tensor = gridToModelTensor(out.relevance);
      const want = ref[key];
      const got = want.samples.map((_, k) => tensor[ref.sample_offset + ref.sample_stride * k]!);
      expect(correlation(got, want.samples)).toBeGreaterThan(0.9999);
      const maxErr = got.reduce((m, v, k) => Math.max(m, Math.abs(v - want.samples[k]!)), 0);
      expect(maxErr).toBeLessThan(1e-3 * want.max_abs);
      let sum = 0,
        maxAbs = 0;
      for (const v of tensor) {
        sum += v;
        maxAbs = Math.max(maxAbs, Math.abs(v));
      }
      expect(Math.abs(maxAbs - want.max_abs)).toBeLessThan(1e-3 * want.max_abs);
      expect(Math.abs(sum - want.sum)).toBeLessThan(1e-3 * Math.abs(want.sum) + 1e-3 * want.max_abs);
    }, 60_000);
  }
});
