/**
 * cpu and wasm backends give the same maps on the full-size seeded model (relative 1e-4), for
 * the paper's method and the gradient. Guards against backend kernel defects such as wasm's
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

function relMaxErr(a: Float32Array, b: Float32Array): number {
  let e = 0, s = 0;
  for (let i = 0; i < b.length; i++) { e = Math.max(e, Math.abs(a[i]! - b[i]!)); s = Math.max(s, Math.abs(b[i]!)); }
  return e / s;
}

describe('cpu vs wasm on the full-size seeded model', () => {
  it('paper and gradient maps and logits agree to 1e-4', async () => {
    const cpu = await maps('cpu');
    const wasm = await maps('wasm');
    await tf.setBackend('cpu');
    cpu.paper.logits.forEach((v, i) => expect(Math.abs(wasm.paper.logits[i]! - v)).toBeLessThan(1e-4 * Math.max(1, Math.abs(v))));
    expect(relMaxErr(wasm.paper.relevance, cpu.paper.relevance)).toBeLessThan(1e-4);
    expect(relMaxErr(wasm.gradient.relevance, cpu.gradient.relevance)).toBeLessThan(1e-4);
  });
});
