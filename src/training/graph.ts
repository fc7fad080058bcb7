/**
 * The paper's network as a trainable graph on plain tf ops (tfjs-layers cannot run rank-5
 * BatchNormalization). Conv3D(5,3x3x3,same,relu) -> MaxPool3D(2) -> BN, x3; Flatten; Dropout 0.1;
 * Dense 64 relu; Dropout 0.1; Dense 32 relu; Dropout 0.1; Dense 2 (softmax applied in the loss).
 * BN follows Keras: training mode normalizes with the batch statistics (biased variance) and
 * updates moving averages with momentum 0.99 (moving variance from the Bessel-corrected batch
 * variance, as Keras 2.2.4 does); inference mode uses the moving averages; epsilon 1e-3.
 * Weight names match the exported Keras topology (paperTopology in src/core/model/seeded.ts).
 */
import { MODEL_INPUT_DIMS } from '../core/volume/modelTensor';
import * as tf from '@tensorflow/tfjs';
import type { NamedWeight } from '../core/model/seeded';
import { fusedConvReluPool } from './fusedConvBlock';
import { mulberry32 } from './prng';

export const BN_MOMENTUM = 0.99;
export const BN_EPSILON = 1e-3;
export const DROPOUT_RATE = 0.1;

export interface TrainGraph {
  /** Trainable variables by weight name (`conv3d_1/kernel`, ...). */
  trainable: Map<string, tf.Variable>;
  /** BN moving statistics (not trained by gradients) by weight name. */
  moving: Map<string, tf.Variable>;
  /** All weights in the exported manifest order. */
  order: string[];
  filters: number;
  hidden: [number, number];
  inputShape: [number, number, number];
}

function flatSize(shape: [number, number, number], filters: number): number {
  let [d, h, w] = shape;
  for (let l = 0; l < 3; l++) {
    d = Math.floor(d / 2);
    h = Math.floor(h / 2);
    w = Math.floor(w / 2);
  }
  return d * h * w * filters;
}

/** Glorot-uniform kernels, zero biases, BN gamma 1 beta 0 mean 0 variance 1 (Keras defaults). */
export function createGraph(
  seed: number,
  inputShape: [number, number, number] = [...MODEL_INPUT_DIMS],
  filters = 5,
  hidden: [number, number] = [64, 32],
): TrainGraph {
  const rand = mulberry32(seed);
  const trainable = new Map<string, tf.Variable>();
  const moving = new Map<string, tf.Variable>();
  const order: string[] = [];
  const glorot = (shape: number[], fanIn: number, fanOut: number): tf.Tensor => {
    const lim = Math.sqrt(6 / (fanIn + fanOut));
    const n = shape.reduce((a, b) => a * b, 1);
    const d = new Float32Array(n);
    for (let i = 0; i < n; i++) d[i] = (2 * rand() - 1) * lim;
    return tf.tensor(d, shape);
  };
  const addT = (name: string, t: tf.Tensor) => {
    trainable.set(name, tf.variable(t, true));
    order.push(name);
  };
  const addM = (name: string, t: tf.Tensor) => {
    moving.set(name, tf.variable(t, false));
    order.push(name);
  };
  let cin = 1;
  for (let l = 1; l <= 3; l++) {
    addT(`conv3d_${l}/kernel`, glorot([3, 3, 3, cin, filters], 27 * cin, 27 * filters));
    addT(`conv3d_${l}/bias`, tf.zeros([filters]));
    const bn = `batch_normalization_${l}`;
    addT(`${bn}/gamma`, tf.ones([filters]));
    addT(`${bn}/beta`, tf.zeros([filters]));
    addM(`${bn}/moving_mean`, tf.zeros([filters]));
    addM(`${bn}/moving_variance`, tf.ones([filters]));
    cin = filters;
  }
  const dims = [flatSize(inputShape, filters), hidden[0], hidden[1], 2];
  for (let l = 1; l <= 3; l++) {
    addT(`dense_${l}/kernel`, glorot([dims[l - 1]!, dims[l]!], dims[l - 1]!, dims[l]!));
    addT(`dense_${l}/bias`, tf.zeros([dims[l]!]));
  }
  return { trainable, moving, order, filters, hidden, inputShape };
}

function get(g: TrainGraph, name: string): tf.Variable {
  const v = g.trainable.get(name) ?? g.moving.get(name);
  if (!v) throw new Error(`no weight ${name}`);
  return v;
}

export interface ForwardResult {
  /** Logits [N, 2]. */
  logits: tf.Tensor2D;
  /** Batch statistics of each BN layer (training mode only), for the moving-average update. */
  bnStats: Array<{ mean: tf.Tensor1D; variance: tf.Tensor1D; count: number }>;
}

/**
 * Forward pass on x [N, D, H, W, 1]. training: batch-statistics BN and dropout (seeded).
 * Call inside tf.tidy / variableGrads; the returned bnStats are kept by the caller.
 */
export function forwardGraph(g: TrainGraph, x: tf.Tensor5D, training: boolean, dropoutSeed = 0, fused = true): ForwardResult {
  let h: tf.Tensor = x;
  const bnStats: ForwardResult['bnStats'] = [];
  for (let l = 1; l <= 3; l++) {
    const k = get(g, `conv3d_${l}/kernel`) as tf.Tensor5D,
      b = get(g, `conv3d_${l}/bias`) as tf.Tensor1D;
    if (fused) {
      h = fusedConvReluPool(h as tf.Tensor5D, k, b, { inputGradient: l > 1 });
    } else {
      h = tf.maxPool3d(tf.relu(tf.add(tf.conv3d(h as tf.Tensor5D, k, 1, 'same'), b)) as tf.Tensor5D, 2, 2, 'valid');
    }
    const bn = `batch_normalization_${l}`;
    const gamma = get(g, `${bn}/gamma`),
      beta = get(g, `${bn}/beta`);
    if (training) {
      const { mean, variance } = tf.moments(h, [0, 1, 2, 3]);
      const count = h.shape.slice(0, 4).reduce((a, b) => a * b, 1);
      bnStats.push({ mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D, count });
      h = tf.add(tf.mul(tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, BN_EPSILON))), gamma), beta);
    } else {
      const scale = tf.div(gamma, tf.sqrt(tf.add(get(g, `${bn}/moving_variance`), BN_EPSILON)));
      h = tf.add(tf.mul(tf.sub(h, get(g, `${bn}/moving_mean`)), scale), beta);
    }
  }
  h = tf.reshape(h, [x.shape[0], -1]);
  for (let l = 1; l <= 3; l++) {
    if (training) h = tf.dropout(h, DROPOUT_RATE, undefined, dropoutSeed * 7 + l);
    h = tf.add(tf.matMul(h as tf.Tensor2D, get(g, `dense_${l}/kernel`) as tf.Tensor2D), get(g, `dense_${l}/bias`));
    if (l < 3) h = tf.relu(h);
  }
  return { logits: h as tf.Tensor2D, bnStats };
}

/** Keras moving-average update: moving = m * moving + (1 - m) * batch (variance Bessel-corrected). */
export function updateMovingStats(g: TrainGraph, stats: ForwardResult['bnStats']): void {
  stats.forEach((s, i) => {
    const bn = `batch_normalization_${i + 1}`;
    const mm = get(g, `${bn}/moving_mean`),
      mv = get(g, `${bn}/moving_variance`);
    tf.tidy(() => {
      const unbiased = tf.mul(s.variance, s.count / Math.max(1, s.count - 1));
      mm.assign(tf.add(tf.mul(mm, BN_MOMENTUM), tf.mul(s.mean, 1 - BN_MOMENTUM)));
      mv.assign(tf.add(tf.mul(mv, BN_MOMENTUM), tf.mul(unbiased, 1 - BN_MOMENTUM)));
    });
  });
}

/** Weighted softmax cross-entropy: mean over the batch of w_y * -log softmax(logits)_y. */
export function weightedLoss(logits: tf.Tensor2D, labels: tf.Tensor1D, classWeights: [number, number]): tf.Scalar {
  const oneHot = tf.oneHot(tf.cast(labels, 'int32'), 2);
  const logp = tf.logSoftmax(logits);
  const w = tf.sum(tf.mul(oneHot, tf.tensor1d(classWeights)), 1);
  return tf.div(tf.sum(tf.mul(w, tf.neg(tf.sum(tf.mul(oneHot, logp), 1)))), logits.shape[0]) as tf.Scalar;
}

/** The weights as plain arrays in manifest order (for checkpoints and export). */
export async function graphWeights(g: TrainGraph): Promise<NamedWeight[]> {
  const out: NamedWeight[] = [];
  for (const name of g.order) {
    const v = get(g, name);
    out.push({ name, shape: v.shape.slice(), data: new Float32Array(await v.data()) });
  }
  return out;
}

/** Restore weights (by name) into the graph. */
export function setGraphWeights(g: TrainGraph, weights: NamedWeight[]): void {
  for (const w of weights) {
    const v = get(g, w.name);
    if (v.size !== w.data.length) throw new Error(`weight ${w.name}: size ${w.data.length} != ${v.size}`);
    v.assign(tf.tensor(w.data, v.shape));
  }
}

/** Inference-mode forward up to the input of BN layer `l` (1..3): the pooled output of conv block l. */
export function bnInput(g: TrainGraph, x: tf.Tensor5D, l: number): tf.Tensor5D {
  let h: tf.Tensor5D = x;
  for (let m = 1; m <= l; m++) {
    h = fusedConvReluPool(h, get(g, `conv3d_${m}/kernel`) as tf.Tensor5D, get(g, `conv3d_${m}/bias`) as tf.Tensor1D, { inputGradient: false });
    if (m === l) break;
    const bn = `batch_normalization_${m}`;
    const scale = tf.div(get(g, `${bn}/gamma`), tf.sqrt(tf.add(get(g, `${bn}/moving_variance`), BN_EPSILON)));
    h = tf.add(tf.mul(tf.sub(h, get(g, `${bn}/moving_mean`)), scale), get(g, `${bn}/beta`));
  }
  return h;
}

/**
 * Sets every BN layer's moving mean and variance to the population statistics of its input over
 * the given samples (inference mode for the layers before it, layer by layer). Why: with Keras's
 * momentum 0.99 the moving averages still carry ~30% of their initial values (mean 0, variance 1)
 * after a few hundred steps, which is all a CPU budget allows; inference then sees mis-normalized
 * features. This is the standard "BN recalibration" after short training.
 */
export async function recalibrateBatchNorm(g: TrainGraph, samples: () => Iterable<tf.Tensor5D>): Promise<void> {
  for (let l = 1; l <= 3; l++) {
    const c = g.filters;
    const sum = new Float64Array(c),
      sq = new Float64Array(c);
    let n = 0;
    for (const x of samples()) {
      const h = tf.tidy(() => bnInput(g, x, l));
      const d = await h.data();
      for (let i = 0; i < d.length; i++) {
        const ch = i % c;
        sum[ch] += d[i]!;
        sq[ch] += d[i]! * d[i]!;
      }
      n += d.length / c;
      h.dispose();
      x.dispose();
    }
    const mean = Array.from(sum, (s) => s / n);
    const variance = Array.from(sq, (s, ch) => (s / n - mean[ch]! ** 2) * (n / (n - 1)));
    get(g, `batch_normalization_${l}/moving_mean`).assign(tf.tensor1d(mean));
    get(g, `batch_normalization_${l}/moving_variance`).assign(tf.tensor1d(variance));
  }
}
