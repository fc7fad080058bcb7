/**
 * Centring the output logits (src/training/centerLogits.ts): every softmax output stays the same,
 * the AD logit becomes half the log-odds (= -the CN logit), other layers are untouched.
 */
import { describe, expect, it } from 'vitest';
import { centerLogitPair, centerOutputLogits, OUTPUT_BIAS, OUTPUT_KERNEL } from '../src/training/centerLogits';
import { mulberry32 } from '../src/training/prng';
import type { NamedWeight } from '../src/core/model/seeded';

const HIDDEN = 32;

function logits(h: Float64Array, w: NamedWeight[]): [number, number] {
  const k = w.find((v) => v.name === OUTPUT_KERNEL)!.data;
  const b = w.find((v) => v.name === OUTPUT_BIAS)!.data;
  const z: [number, number] = [b[0]!, b[1]!];
  for (let i = 0; i < HIDDEN; i++) for (let j = 0; j < 2; j++) z[j] += h[i]! * k[2 * i + j]!;
  return z;
}
const pAd = (z: [number, number]) => 1 / (1 + Math.exp(z[0] - z[1]));

describe('centring the two output logits', () => {
  const rand = mulberry32(11);
  const uniform = (n: number, s: number) => Float32Array.from({ length: n }, () => (2 * rand() - 1) * s);
  // an output layer with a large common mode, as Glorot initialisation leaves it
  const weights: NamedWeight[] = [
    { name: 'dense_2/kernel', shape: [64, HIDDEN], data: uniform(64 * HIDDEN, 0.3) },
    { name: OUTPUT_KERNEL, shape: [HIDDEN, 2], data: uniform(HIDDEN * 2, 0.4) },
    { name: OUTPUT_BIAS, shape: [2], data: Float32Array.from([0.7, 0.2]) },
  ];
  const centred = centerOutputLogits(weights);

  it('leaves the AD probability of any hidden activation unchanged and makes z_AD = -z_CN = half the log-odds', () => {
    for (let t = 0; t < 200; t++) {
      const h = Float64Array.from({ length: HIDDEN }, () => Math.max(0, 3 * (rand() - 0.3)));
      const before = logits(h, weights);
      const after = logits(h, centred);
      expect(pAd(after)).toBeCloseTo(pAd(before), 6);
      expect(after[1]).toBeCloseTo((before[1] - before[0]) / 2, 5);
      expect(after[0]).toBeCloseTo(-after[1], 6);
      expect(centerLogitPair(before)[1]).toBeCloseTo(after[1], 5);
    }
    // the common mode was real: the AD logit itself changed
    const h = new Float64Array(HIDDEN).fill(1);
    expect(Math.abs(logits(h, weights)[1] - logits(h, centred)[1])).toBeGreaterThan(0.1);
  });

  it('touches only the output layer and refuses a layer that is not two-class', () => {
    expect(centred[0]).toBe(weights[0]);
    expect(() => centerOutputLogits([{ name: OUTPUT_KERNEL, shape: [HIDDEN, 3], data: new Float32Array(HIDDEN * 3) }])).toThrow(/two-class/);
  });
});
