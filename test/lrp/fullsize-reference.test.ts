/**
 * The full-size seeded model (the paper's architecture, input 100x100x120) against an independent
 * float64 numpy/scipy implementation (scripts/fixtures/make_fullsize_reference.py), cpu backend.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { backward } from '../../src/core/lrp/backward';
import { gradientComposite, paperComposite } from '../../src/core/lrp/composites';
import { forward, type ForwardTrace } from '../../src/core/model/forward';
import { loadModel } from '../../src/core/model/loadModel';
import { makeSeededModelArtifacts, makeSmoothBrainInput } from '../../src/core/model/seeded';
import type { Model } from '../../src/core/model/types';

const dir = join(__dirname, '..', 'fixtures', 'lrp');
const meta = JSON.parse(readFileSync(join(dir, 'fullsize_reference.json'), 'utf8')) as {
  seed: number;
  sample: { offset: number; stride: number; count: number };
  logits: number[];
  paper: { sum: number; max_abs: number };
  gradient_x_input: { sum: number; max_abs: number };
};
const bin = readFileSync(join(dir, 'fullsize_reference.bin'));
const samples = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
const { offset, stride, count } = meta.sample;

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ma = 0,
    mb = 0;
  for (let i = 0; i < a.length; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= a.length;
  mb /= b.length;
  let sab = 0,
    saa = 0,
    sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = a[i]! - ma,
      db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

function check(map: Float32Array, ref: Float32Array, refSum: number, refMaxAbs: number): void {
  const got = Float32Array.from({ length: count }, (_, k) => map[offset + stride * k]!);
  expect(correlation(got, ref)).toBeGreaterThan(0.9999);
  let err = 0,
    nonzero = 0;
  for (let k = 0; k < count; k++) {
    err = Math.max(err, Math.abs(got[k]! - ref[k]!));
    if (ref[k] !== 0) nonzero++;
  }
  expect(nonzero).toBeGreaterThan(1000); // the sample really covers the brain
  expect(err).toBeLessThan(1e-3 * refMaxAbs);
  let s = 0,
    m = 0;
  for (const v of map) {
    s += v;
    m = Math.max(m, Math.abs(v));
  }
  expect(Math.abs(s - refSum)).toBeLessThan(1e-4 * Math.abs(refSum));
  expect(Math.abs(m - refMaxAbs)).toBeLessThan(1e-3 * refMaxAbs);
}

describe('full-size seeded model vs independent float64 reference (cpu)', () => {
  let model: Model;
  let trace: ForwardTrace;
  const input = makeSmoothBrainInput();
  beforeAll(async () => {
    await tf.setBackend('cpu');
    model = await loadModel(makeSeededModelArtifacts(meta.seed), 'seeded');
    trace = await forward(model, input);
  });
  afterAll(() => {
    trace.dispose();
    model.dispose();
  });

  it('logits within 1e-4', () => {
    trace.logits.forEach((v, i) => expect(Math.abs(v - meta.logits[i]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(meta.logits[i]!))));
  });
  it('paper (preset A) map', async () => {
    const R = await backward(model, trace, paperComposite());
    check((await R.data()) as Float32Array, samples.subarray(0, count), meta.paper.sum, meta.paper.max_abs);
    R.dispose();
  });
  it('gradient x input map', async () => {
    const g = await backward(model, trace, gradientComposite());
    const gx = tf.mul(g, trace.inputs[0]!);
    check((await gx.data()) as Float32Array, samples.subarray(count), meta.gradient_x_input.sum, meta.gradient_x_input.max_abs);
    tf.dispose([g, gx]);
  });
});
