/** The identities of lrp.md: gradient x input, per-layer bookkeeping, the BN surrogate cases. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { epsilonAllComposite, gradientComposite } from '../../src/core/lrp/composites';
import { alphaBetaRule, bnInnvestigateRule, epsilonRule, winnerTakesAllRule, type Rule } from '../../src/core/lrp/rules';
import { forward } from '../../src/core/model/forward';
import { tfjsKernels } from '../../src/core/model/kernels';
import type { BatchNormLayer, Layer, Model } from '../../src/core/model/types';
import { maxRelErr, readTiny, relevanceOf, sum, tinyModel } from './helpers';

const apply = (rule: Rule, layer: Layer, input: tf.Tensor, output: tf.Tensor, relevance: tf.Tensor): Float32Array =>
  tf.tidy(() => rule.apply({ layer, input, output, relevance, kernels: tfjsKernels })).dataSync() as Float32Array;

describe('gradient x input identity (zero biases, BN mean = beta = 0, eps -> 0)', () => {
  it('LRP-epsilon equals gradient x input and conserves the logit', async () => {
    await tf.setBackend('cpu');
    const f = readTiny('tiny_identity.json');
    const model = await tinyModel(f);
    const input = Float32Array.from(f.cases.identity!.input);
    const R = await relevanceOf(model, input, epsilonAllComposite(1e-12));
    const g = await relevanceOf(model, input, gradientComposite());
    const gx = g.map((v, i) => v * input[i]!);
    expect(maxRelErr(R, gx)).toBeLessThan(1e-5);
    const logit = (await forward(model, input, { keep: false })).logits[1]!;
    expect(Math.abs(sum(R) - logit)).toBeLessThan(1e-4 * Math.abs(logit));
    model.dispose();
  });
});

describe('per-layer bookkeeping on the tiny network (with biases)', () => {
  let model: Model;
  let trace: Awaited<ReturnType<typeof forward>>;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    const f = readTiny('tiny_preset_a.json');
    model = await tinyModel(f);
    trace = await forward(model, Float32Array.from(f.cases.smooth!.input));
  });
  afterAll(() => {
    trace.dispose();
    model.dispose();
  });

  /** A random relevance of the layer's output shape. */
  const randomR = (t: tf.Tensor, seed: number) => tf.randomUniform(t.shape, -1, 1, 'float32', seed);

  it('dense epsilon: sum_in = sum_j R_j (z_j - b_j) / (z_j + eps s(z_j))', () => {
    const i = model.layers.length - 1;
    const layer = model.layers[i]!;
    if (layer.kind !== 'dense') throw new Error('last layer should be dense');
    const R = randomR(trace.inputs[i + 1]!, 1);
    const rin = apply(epsilonRule(1e-10), layer, trace.inputs[i]!, trace.inputs[i + 1]!, R);
    const z = tf.tidy(() => tf.add(tf.matMul(trace.inputs[i] as tf.Tensor2D, layer.kernel), layer.bias)).dataSync();
    const b = layer.bias.dataSync(),
      r = R.dataSync();
    let expected = 0;
    for (let j = 0; j < z.length; j++) expected += (r[j]! * (z[j]! - b[j]!)) / (z[j]! + 1e-10 * (z[j]! >= 0 ? 1 : -1));
    expect(sum(rin)).toBeCloseTo(expected, 4);
    R.dispose();
  });

  it('conv alpha1-beta0 (innvestigate): sum_in = sum_j R_j z_act_j / (z_act_j + b_j)', () => {
    for (let i = 0; i < model.layers.length; i++) {
      const layer = model.layers[i]!;
      if (layer.kind !== 'conv3d') continue;
      const x = trace.inputs[i]!;
      const R = randomR(trace.inputs[i + 1]!, i);
      const rin = apply(alphaBetaRule(1, 0, 'innvestigate'), layer, x, trace.inputs[i + 1]!, R);
      const [zact, b, r] = tf.tidy(() => {
        const za = tf.add(
          tf.conv3d(tf.relu(x) as tf.Tensor5D, tf.relu(layer.kernel) as tf.Tensor5D, 1, 'same'),
          tf.conv3d(tf.minimum(x, 0) as tf.Tensor5D, tf.minimum(layer.kernel, 0) as tf.Tensor5D, 1, 'same'),
        );
        return [za.dataSync(), layer.bias.dataSync(), R.dataSync()];
      });
      const C = b.length;
      let expected = 0;
      for (let v = 0; v < zact.length; v++) {
        const d = zact[v]! + b[v % C]!;
        expected += (r[v]! * zact[v]!) / (d === 0 ? 1e-7 : d);
      }
      expect(Math.abs(sum(rin) - expected)).toBeLessThan(1e-4 * Math.max(1, Math.abs(expected)));
      R.dispose();
    }
  });

  it('max-pool winner-takes-all conserves relevance exactly', () => {
    for (let i = 0; i < model.layers.length; i++) {
      const layer = model.layers[i]!;
      if (layer.kind !== 'maxPool3d') continue;
      const R = randomR(trace.inputs[i + 1]!, 10 + i);
      const rin = apply(winnerTakesAllRule('first'), layer, trace.inputs[i]!, trace.inputs[i + 1]!, R);
      expect(sum(rin)).toBeCloseTo(sum(R.dataSync()), 4);
      // every window gets at most one non-zero (the first maximum)
      expect(rin.filter((v) => v !== 0).length).toBeLessThanOrEqual(R.size);
      R.dispose();
    }
  });
});

describe('max-pool routing on an exact tie', () => {
  it('first maximum in scan order vs TF ties', () => {
    const a = tf.tensor5d([3, 0, 0, 0, 0, 0, 0, 3], [1, 2, 2, 2, 1]);
    const r = tf.tensor5d([1.5], [1, 1, 1, 1, 1]);
    const layer: Layer = { kind: 'maxPool3d', name: 'p', size: 2 };
    expect(Array.from(apply(winnerTakesAllRule('first'), layer, a, r, r))).toEqual([1.5, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(apply(winnerTakesAllRule('tf_ties'), layer, a, r, r))).toEqual([1.5, 0, 0, 0, 0, 0, 0, 1.5]);
    tf.dispose([a, r]);
  });
  it('odd sizes: the floor remainder gets nothing', () => {
    const a = tf.tensor5d(
      Array.from({ length: 27 }, (_, i) => i),
      [1, 3, 3, 3, 1],
    );
    const r = tf.tensor5d([2], [1, 1, 1, 1, 1]);
    const out = apply(winnerTakesAllRule('first'), { kind: 'maxPool3d', name: 'p', size: 2 }, a, r, r);
    // window [0:2,0:2,0:2] of i = 9a + 3s + c has its maximum at (1,1,1) = 13
    expect(out[13]).toBe(2);
    expect(sum(out)).toBe(2);
    tf.dispose([a, r]);
  });
});

describe('innvestigate 1.0.9 BN surrogate', () => {
  /** A BN layer whose surrogate k = gamma / sqrt(var^2 + eps) and b' = beta - mean / sqrt(var^2 + eps) are set by hand. */
  function bnLayer(gamma: number[], beta: number[], mean: number[], variance: number[]): BatchNormLayer {
    const t = (v: number[]) => tf.tensor1d(v);
    return {
      kind: 'batchNorm',
      name: 'bn',
      gamma: t(gamma),
      beta: t(beta),
      movingMean: t(mean),
      movingVariance: t(variance),
      epsilon: 1e-3,
      scale: t(gamma),
      offset: t(beta),
    };
  }
  const x = tf.tensor5d([0.5, 1.2, 0.0, 2.0, 0.3, 0.0, 1.0, 0.7], [1, 2, 2, 1, 2]);
  const R = tf.tensor5d([1, -2, 3, 0.5, -1, 4, 2, -0.25], [1, 2, 2, 1, 2]);
  const r = R.dataSync(),
    xs = x.dataSync();

  it("doubles R where a > 0, k > 0, b' <= 0 and gives 0 where a = 0", () => {
    // beta = 0, mean > 0 -> b' < 0 ; gamma > 0 -> k > 0
    const out = apply(bnInnvestigateRule(), bnLayer([0.7, 1.3], [0, 0], [0.2, 0.5], [0.8, 1.5]), x, x, R);
    out.forEach((v, i) => {
      if (xs[i] === 0) expect(v).toBe(0);
      else expect(v).toBeCloseTo(2 * r[i]!, 5);
    });
  });
  it("flips the sign where gamma < 0 (with b' >= 0)", () => {
    // channel 0: gamma < 0, b' = beta - mean/t >= 0 ; R_in = -R there (a > 0)
    const out = apply(bnInnvestigateRule(), bnLayer([-0.7, 1.3], [0.5, 0], [0.0, 0.5], [0.8, 1.5]), x, x, R);
    out.forEach((v, i) => {
      if (xs[i] === 0) expect(v).toBe(0);
      else if (i % 2 === 0) expect(v).toBeCloseTo(-r[i]!, 5);
      else expect(v).toBeCloseTo(2 * r[i]!, 5);
    });
  });
  it("uses the squared variance and omits gamma in b' (positive b' absorbs relevance)", () => {
    const gamma = [0.7, 1.3],
      beta = [0.9, 0.4],
      mean = [0.1, 0.2],
      variance = [0.8, 1.5];
    const out = apply(bnInnvestigateRule(), bnLayer(gamma, beta, mean, variance), x, x, R);
    out.forEach((v, i) => {
      const c = i % 2;
      const t = Math.sqrt(variance[c]! ** 2 + 1e-3);
      const k = gamma[c]! / t,
        bp = beta[c]! - mean[c]! / t;
      const a = xs[i]!;
      const expected = a === 0 ? 0 : (2 * a * k * r[i]!) / (a * k + bp);
      expect(v).toBeCloseTo(expected, 5);
    });
  });
});
