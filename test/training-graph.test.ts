import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fusedConvReluPool } from '../src/training/fusedConvBlock';

beforeAll(async () => { await tf.setBackend('cpu'); });

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('fused Conv3D + ReLU + MaxPool3D block', () => {
  for (const [cin, shape] of [[1, [2, 7, 6, 9]], [3, [1, 6, 8, 5]]] as const) {
    it(`equals tf.conv3d -> relu -> maxPool3d in value and gradients (cin ${cin})`, () => {
      const x = tf.randomNormal([shape[0], shape[1], shape[2], shape[3], cin], 0, 1, 'float32', 11) as tf.Tensor5D;
      const k = tf.randomNormal([3, 3, 3, cin, 5], 0, 0.5, 'float32', 12) as tf.Tensor5D;
      const b = tf.randomNormal([5], 0, 0.3, 'float32', 13) as tf.Tensor1D;
      const w = tf.randomNormal([shape[0], shape[1] >> 1, shape[2] >> 1, shape[3] >> 1, 5], 0, 1, 'float32', 14);
      const ref = (xx: tf.Tensor, kk: tf.Tensor, bb: tf.Tensor) =>
        tf.maxPool3d(tf.relu(tf.add(tf.conv3d(xx as tf.Tensor5D, kk as tf.Tensor5D, 1, 'same'), bb)) as tf.Tensor5D, 2, 2, 'valid');
      const fused = (xx: tf.Tensor, kk: tf.Tensor, bb: tf.Tensor) => fusedConvReluPool(xx as tf.Tensor5D, kk as tf.Tensor5D, bb as tf.Tensor1D, { inputGradient: true });
      expect(maxAbsDiff(fused(x, k, b).dataSync(), ref(x, k, b).dataSync())).toBeLessThan(1e-5);
      const gRef = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(ref(a, c, d), w)))([x, k, b]);
      const gF = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(fused(a, c, d), w)))([x, k, b]);
      for (let i = 0; i < 3; i++) {
        const r = gRef[i]!.dataSync(), f = gF[i]!.dataSync();
        const scale = Math.max(...Array.from(r, Math.abs));
        expect(scale).toBeGreaterThan(0);
        expect(maxAbsDiff(f, r) / scale).toBeLessThan(1e-4);
      }
    });
  }
});
