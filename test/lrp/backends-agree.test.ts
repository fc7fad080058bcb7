/**
 * cpu and wasm backends give the same maps on the full-size seeded model (relative 1e-4 except
 * at a few max-pool near-ties), for the paper's method and the gradient. Guards against backend kernel defects such as wasm's
 * conv3dTranspose (lrp.md), which our transposed convolution must not use.
 */
import { describe, expect, it } from 'vitest';
import { explain } from '../../src/core/lrp/methods';
import { loadModel } from '../../src/core/model/loadModel';
import { makeSeededModelArtifacts, makeSmoothBrainInput } from '../../src/core/model/seeded';
import { setBackendNode } from '../../src/cli/loadModelNode';
import * as tf from '@tensorflow/tfjs';

async function maps(backend: 'cpu' | 'wasm') {
  expect(await setBackendNode(backend)).toBe(backend);
  const model = await loadModel(makeSeededModelArtifacts(1), 'seeded');
  const input = makeSmoothBrainInput();
  const before = tf.memory().numTensors;
  const paper = await explain(model, input, { method: 'paper' });
  const gradient = await explain(model, input, { method: 'gradient' });
  expect(tf.memory().numTensors).toBe(before);
  model.dispose();
  return { paper, gradient };
}

/**
 * Fraction of voxels that differ by more than 1e-4 of max|R|. Not all: float32 sums in another
 * order flip a few max-pool near-ties (two window values within ~1 ulp), which moves one pooled
 * unit's relevance to the neighbouring voxel (measured: 324 of 1.2 M voxels, in ~12 compact
 * 3x3x3 clusters, for the paper method). Everything else must agree to 1e-4.
 */
function fractionOff(a: Float32Array, b: Float32Array): number {
  let s = 0,
    off = 0;
  for (let i = 0; i < b.length; i++) s = Math.max(s, Math.abs(b[i]!));
  for (let i = 0; i < b.length; i++) if (Math.abs(a[i]! - b[i]!) > 1e-4 * s) off++;
  return off / b.length;
}

function sumOf(a: Float32Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s;
}

describe('cpu vs wasm on the full-size seeded model', () => {
  it('paper and gradient maps agree to 1e-4 of max|R| except at max-pool near-tie flips; logits to 1e-4', async () => {
    const cpu = await maps('cpu');
    const wasm = await maps('wasm');
    await tf.setBackend('cpu');
    cpu.paper.logits.forEach((v, i) => expect(Math.abs(wasm.paper.logits[i]! - v)).toBeLessThan(1e-4 * Math.max(1, Math.abs(v))));
    for (const m of ['paper', 'gradient'] as const) {
      expect(fractionOff(wasm[m].relevance, cpu[m].relevance)).toBeLessThan(1e-3);
      const sc = sumOf(cpu[m].relevance);
      expect(Math.abs(sumOf(wasm[m].relevance) - sc)).toBeLessThan(1e-3 * Math.abs(sc));
    }
  }, 600_000); // two full-size LRP runs on tfjs cpu and wasm: about 100 s on a busy 2-core machine
});
