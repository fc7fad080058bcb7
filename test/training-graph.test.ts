import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fusedConvReluPool } from '../src/training/fusedConvBlock';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('fused Conv3D + ReLU + MaxPool3D block', () => {
  for (const [cin, shape] of [
    [1, [2, 7, 6, 9]],
    [3, [1, 6, 8, 5]],
  ] as const) {
    it(`equals tf.conv3d -> relu -> maxPool3d in value and gradients (cin ${cin})`, () => {
      const x = tf.randomNormal([shape[0], shape[1], shape[2], shape[3], cin], 0, 1, 'float32', 11) as tf.Tensor5D;
      const k = tf.randomNormal([3, 3, 3, cin, 5], 0, 0.5, 'float32', 12) as tf.Tensor5D;
      const b = tf.randomNormal([5], 0, 0.3, 'float32', 13) as tf.Tensor1D;
      const w = tf.randomNormal([shape[0], shape[1] >> 1, shape[2] >> 1, shape[3] >> 1, 5], 0, 1, 'float32', 14);
      const ref = (xx: tf.Tensor, kk: tf.Tensor, bb: tf.Tensor) =>
        tf.maxPool3d(tf.relu(tf.add(tf.conv3d(xx as tf.Tensor5D, kk as tf.Tensor5D, 1, 'same'), bb)) as tf.Tensor5D, 2, 2, 'valid');
      const fused = (xx: tf.Tensor, kk: tf.Tensor, bb: tf.Tensor) =>
        fusedConvReluPool(xx as tf.Tensor5D, kk as tf.Tensor5D, bb as tf.Tensor1D, { inputGradient: true });
      expect(maxAbsDiff(fused(x, k, b).dataSync(), ref(x, k, b).dataSync())).toBeLessThan(1e-5);
      const gRef = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(ref(a, c, d), w)))([x, k, b]);
      const gF = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(fused(a, c, d), w)))([x, k, b]);
      for (let i = 0; i < 3; i++) {
        const r = gRef[i]!.dataSync(),
          f = gF[i]!.dataSync();
        const scale = Math.max(...Array.from(r, Math.abs));
        expect(scale).toBeGreaterThan(0);
        expect(maxAbsDiff(f, r) / scale).toBeLessThan(1e-4);
      }
    });
  }
});

import { loadModel } from '../src/core/model/loadModel';
import { predict } from '../src/core/lrp/methods';
import { artifactsFromWeights, paperTopology } from '../src/core/model/seeded';
import { createGraph, forwardGraph, graphWeights, setGraphWeights, updateMovingStats } from '../src/training/graph';
import { augment } from '../src/training/augment';
import { float16Bits, halfToFloat } from '../src/core/model/float16';
import { makeRng } from '../src/training/prng';

const SMALL: [number, number, number] = [16, 18, 24];

/** A graph with non-trivial BN statistics, so inference-mode BN is exercised. */
async function perturbedGraph(seed: number) {
  const g = createGraph(seed, SMALL);
  const rng = makeRng(seed + 1);
  const w = await graphWeights(g);
  for (const v of w) {
    if (/gamma|moving_variance/.test(v.name))
      v.data.forEach((_, i) => {
        v.data[i] = rng.uniform(0.5, 1.5);
      });
    else if (/beta|moving_mean|bias/.test(v.name))
      v.data.forEach((_, i) => {
        v.data[i] = rng.uniform(-0.3, 0.3);
      });
  }
  setGraphWeights(g, w);
  return g;
}

describe('training graph', () => {
  it('inference forward equals the app runtime (src/core/model) on the same weights', async () => {
    const g = await perturbedGraph(3);
    const model = await loadModel(artifactsFromWeights(paperTopology([...SMALL, 1]), await graphWeights(g)));
    const rng = makeRng(9);
    for (let t = 0; t < 2; t++) {
      const x = Float32Array.from({ length: SMALL[0] * SMALL[1] * SMALL[2] }, () => rng.uniform(0, 1));
      const ours = tf.tidy(() => forwardGraph(g, tf.tensor5d(x, [1, ...SMALL, 1]), false).logits.dataSync());
      const theirs = await predict(model, x);
      expect(maxAbsDiff(ours, theirs.logits)).toBeLessThan(1e-4 * Math.max(1, ...theirs.logits.map(Math.abs)));
    }
    model.dispose();
  });

  it('training-mode BN normalizes with batch statistics and updates moving averages like Keras', async () => {
    const g = await perturbedGraph(4);
    const x = tf.randomUniform([2, ...SMALL, 1], 0, 1, 'float32', 5) as tf.Tensor5D;
    const r = forwardGraph(g, x, true, 1);
    const s = r.bnStats[0]!;
    // reference: block 1 output (conv-relu-pool with tf ops), per-channel mean and biased variance over N, D, H, W
    const h = tf.maxPool3d(
      tf.relu(tf.add(tf.conv3d(x, g.trainable.get('conv3d_1/kernel') as tf.Tensor5D, 1, 'same'), g.trainable.get('conv3d_1/bias')!)) as tf.Tensor5D,
      2,
      2,
      'valid',
    );
    const v = h.arraySync() as number[][][][][];
    const flat: number[][] = [[], [], [], [], []];
    for (const a of v) for (const b of a) for (const c of b) for (const d of c) d.forEach((e, ch) => flat[ch]!.push(e));
    const mean = flat.map((c) => c.reduce((p, q) => p + q, 0) / c.length);
    const variance = flat.map((c, ch) => c.reduce((p, q) => p + (q - mean[ch]!) ** 2, 0) / c.length);
    expect(maxAbsDiff(s.mean.dataSync(), mean)).toBeLessThan(1e-5);
    expect(maxAbsDiff(s.variance.dataSync(), variance)).toBeLessThan(1e-5);
    expect(s.count).toBe(flat[0]!.length);
    const mm0 = g.moving.get('batch_normalization_1/moving_mean')!.dataSync().slice();
    const mv0 = g.moving.get('batch_normalization_1/moving_variance')!.dataSync().slice();
    updateMovingStats(g, r.bnStats);
    const mm1 = g.moving.get('batch_normalization_1/moving_mean')!.dataSync();
    const mv1 = g.moving.get('batch_normalization_1/moving_variance')!.dataSync();
    const n = s.count;
    expect(
      maxAbsDiff(
        mm1,
        mean.map((m, c) => 0.99 * mm0[c]! + 0.01 * m),
      ),
    ).toBeLessThan(1e-6);
    expect(
      maxAbsDiff(
        mv1,
        variance.map((m, c) => 0.99 * mv0[c]! + (0.01 * m * n) / (n - 1)),
      ),
    ).toBeLessThan(1e-6);
  });
});

describe('augmentation', () => {
  it('flips left/right along model axis 1 (s) and shifts with zero fill', () => {
    const src = Float32Array.from({ length: 100 * 100 * 120 }, (_, i) => i % 9973);
    const at = (t: Float32Array, a: number, s: number, c: number) => t[(a * 100 + s) * 120 + c]!;
    const f = augment(src, { shift: [0, 0, 0], flipLeftRight: true });
    for (const [a, s, c] of [
      [0, 0, 0],
      [50, 10, 7],
      [99, 99, 119],
      [3, 60, 100],
    ] as const)
      expect(at(f, a, s, c)).toBe(at(src, a, 99 - s, c));
    const sh = augment(src, { shift: [2, -3, 4], flipLeftRight: false });
    expect(at(sh, 10, 20, 30)).toBe(at(src, 8, 23, 26));
    expect(at(sh, 1, 20, 30)).toBe(0);
    expect(at(sh, 10, 98, 30)).toBe(0);
    expect(at(sh, 10, 20, 3)).toBe(0);
  });
});

describe('float16 export', () => {
  it('encodes IEEE half precision with round-to-nearest-even', () => {
    expect(float16Bits(1)).toBe(0x3c00);
    expect(float16Bits(-2)).toBe(0xc000);
    expect(float16Bits(0.5)).toBe(0x3800);
    expect(float16Bits(65504)).toBe(0x7bff);
    expect(float16Bits(1e6)).toBe(0x7c00);
    expect(float16Bits(2 ** -24)).toBe(0x0001);
    expect(float16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie -> even
    expect(float16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    const rng = makeRng(1);
    for (let i = 0; i < 1000; i++) {
      const v = rng.normal(0, 0.1);
      expect(Math.abs(halfToFloat(float16Bits(v)) - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 2 ** -25);
    }
  });
});
