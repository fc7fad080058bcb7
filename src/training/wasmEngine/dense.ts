/**
 * The dense head of the training engine (Dropout -> Dense, three times) in plain TypeScript:
 * 10 800 x 64 + 64 x 32 + 32 x 2 weights, under 1 % of a step's work. Float64 sums.
 * Dropout multipliers come from tf.dropout itself (on a tensor of ones, same seed and shape as
 * graph.ts), so both engines drop the same units and a step is comparable number for number.
 */
import * as tf from '@tensorflow/tfjs';
import { DROPOUT_RATE } from '../graph';

const f = Math.fround;

/** tf.dropout's multiplier (0 or 1/keep) for a [rows, cols] activation, seeded like graph.ts. */
export function dropoutMultiplier(rows: number, cols: number, seed: number): Float32Array {
  return tf.tidy(() => tf.dropout(tf.ones([rows, cols]), DROPOUT_RATE, undefined, seed).dataSync() as Float32Array);
}

/** y[b] = x[b] W + bias (W [nin][nout], Keras layout), optional ReLU; x is [rows][nin]. */
export function denseForward(x: Float32Array, w: Float32Array, bias: Float32Array, rows: number, relu: boolean): Float32Array {
  const nout = bias.length,
    nin = w.length / nout;
  const y = new Float32Array(rows * nout);
  const acc = new Float64Array(nout);
  for (let b = 0; b < rows; b++) {
    acc.fill(0);
    for (let i = 0; i < nin; i++) {
      const xi = x[b * nin + i]!;
      if (xi === 0) continue;
      const row = i * nout;
      for (let j = 0; j < nout; j++) acc[j] += xi * w[row + j]!;
    }
    for (let j = 0; j < nout; j++) {
      const v = f(acc[j]! + bias[j]!);
      y[b * nout + j] = relu && !(v > 0) ? 0 : v;
    }
  }
  return y;
}

/** Gradients of denseForward (before its ReLU: dy is the gradient at x W + b): dW, db and dx. */
export function denseBackward(
  x: Float32Array,
  w: Float32Array,
  dy: Float32Array,
  rows: number,
  nout: number,
): { dw: Float32Array; db: Float32Array; dx: Float32Array } {
  const nin = w.length / nout;
  const dw = new Float64Array(nin * nout),
    db = new Float64Array(nout),
    dx = new Float32Array(rows * nin);
  for (let b = 0; b < rows; b++) {
    const g = dy.subarray(b * nout, (b + 1) * nout);
    for (let j = 0; j < nout; j++) db[j] += g[j]!;
    for (let i = 0; i < nin; i++) {
      const xi = x[b * nin + i]!;
      const row = i * nout;
      let s = 0;
      for (let j = 0; j < nout; j++) {
        dw[row + j] += xi * g[j]!;
        s += w[row + j]! * g[j]!;
      }
      dx[b * nin + i] = s;
    }
  }
  return { dw: Float32Array.from(dw), db: Float32Array.from(db), dx };
}

/** out = x * multiplier, in float32 like tf.mul. */
export function scaleBy(x: Float32Array, m: Float32Array): Float32Array {
  return Float32Array.from(x, (v, i) => f(v * m[i]!));
}

/** ReLU's derivative: g where the layer's output is > 0, else 0 (in place). */
export function reluBackward(g: Float32Array, out: Float32Array): void {
  for (let i = 0; i < g.length; i++) if (!(out[i]! > 0)) g[i] = 0;
}

/** graph.ts weightedLoss: mean over the batch of w_y * -log softmax(z)_y; and its gradient at z. */
export function weightedLossAndGrad(logits: Float32Array, labels: readonly number[], classWeights: [number, number]): { loss: number; dz: Float32Array } {
  const n = labels.length;
  const dz = new Float32Array(2 * n);
  let loss = 0;
  for (let b = 0; b < n; b++) {
    const z0 = logits[2 * b]!,
      z1 = logits[2 * b + 1]!;
    const mx = Math.max(z0, z1);
    const lse = Math.log(Math.exp(z0 - mx) + Math.exp(z1 - mx)) + mx;
    const y = labels[b]!;
    const w = classWeights[y]!;
    loss += w * (lse - (y === 1 ? z1 : z0));
    const p1 = Math.exp(z1 - lse);
    dz[2 * b] = (w / n) * (1 - p1 - (y === 0 ? 1 : 0));
    dz[2 * b + 1] = (w / n) * (p1 - (y === 1 ? 1 : 0));
  }
  return { loss: f(loss / n), dz };
}
