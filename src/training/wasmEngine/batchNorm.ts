/**
 * BatchNormalization of the training engine on planar per-sample buffers [C][n], in plain
 * TypeScript (a few million values per step: memory-bound, no kernel needed). The float32
 * operations follow graph.ts's tf ops in order; sums are float64.
 */
import { BN_EPSILON, BN_MOMENTUM } from '../graph';

const f = Math.fround;

/** What the backward pass and the moving-average update need from a training-mode forward. */
export interface BnBatch {
  /** Per channel: batch mean and biased variance (float32, as tf.moments gives them). */
  mean: Float32Array;
  variance: Float32Array;
  /** sqrt(variance + epsilon) in float32. */
  sd: Float32Array;
  /** Values per channel over the batch (N * D * H * W). */
  count: number;
}

/** Training mode: out = (x - mean) / sqrt(var + eps) * gamma + beta with the batch's statistics. */
export function bnTrainForward(xs: readonly Float32Array[], outs: readonly Float32Array[], gamma: Float32Array, beta: Float32Array): BnBatch {
  const C = gamma.length;
  const n = xs[0]!.length / C;
  const count = n * xs.length;
  const mean = new Float32Array(C),
    variance = new Float32Array(C),
    sd = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (const x of xs) for (let i = c * n; i < (c + 1) * n; i++) s += x[i]!;
    const m = f(s / count);
    let q = 0;
    for (const x of xs)
      for (let i = c * n; i < (c + 1) * n; i++) {
        const d = f(x[i]! - m);
        q += f(d * d);
      }
    mean[c] = m;
    variance[c] = q / count;
    sd[c] = f(Math.sqrt(f(variance[c]! + f(BN_EPSILON))));
  }
  for (let b = 0; b < xs.length; b++) {
    const x = xs[b]!,
      o = outs[b]!;
    for (let c = 0; c < C; c++) {
      const m = mean[c]!,
        s = sd[c]!,
        g = gamma[c]!,
        be = beta[c]!;
      for (let i = c * n; i < (c + 1) * n; i++) o[i] = f(f(f(f(x[i]! - m) / s) * g) + be);
    }
  }
  return { mean, variance, sd, count };
}

/**
 * Backward of bnTrainForward: dys (the gradient at the output) is overwritten with the gradient at
 * the input, dx = gamma / sd * (dy - mean(dy) - xhat * mean(dy * xhat)); returns dgamma, dbeta.
 */
export function bnTrainBackward(
  xs: readonly Float32Array[],
  dys: readonly Float32Array[],
  gamma: Float32Array,
  st: BnBatch,
): { dgamma: Float32Array; dbeta: Float32Array } {
  const C = gamma.length;
  const n = xs[0]!.length / C;
  const dgamma = new Float32Array(C),
    dbeta = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    const m = st.mean[c]!,
      inv = 1 / st.sd[c]!;
    let sdy = 0,
      sdyx = 0;
    for (let b = 0; b < xs.length; b++) {
      const x = xs[b]!,
        dy = dys[b]!;
      for (let i = c * n; i < (c + 1) * n; i++) {
        sdy += dy[i]!;
        sdyx += dy[i]! * (x[i]! - m);
      }
    }
    sdyx *= inv;
    dgamma[c] = sdyx;
    dbeta[c] = sdy;
    const k = gamma[c]! * inv,
      a = sdy / st.count,
      q = (sdyx / st.count) * inv;
    for (let b = 0; b < xs.length; b++) {
      const x = xs[b]!,
        dy = dys[b]!;
      for (let i = c * n; i < (c + 1) * n; i++) dy[i] = k * (dy[i]! - a - (x[i]! - m) * q);
    }
  }
  return { dgamma, dbeta };
}

/** Inference mode: out = (x - moving mean) * gamma / sqrt(moving var + eps) + beta. */
export function bnInfer(x: Float32Array, out: Float32Array, gamma: Float32Array, beta: Float32Array, movingMean: Float32Array, movingVar: Float32Array): void {
  const C = gamma.length;
  const n = x.length / C;
  for (let c = 0; c < C; c++) {
    const scale = f(gamma[c]! / f(Math.sqrt(f(movingVar[c]! + f(BN_EPSILON)))));
    const m = movingMean[c]!,
      be = beta[c]!;
    for (let i = c * n; i < (c + 1) * n; i++) out[i] = f(f(f(x[i]! - m) * scale) + be);
  }
}

/** Keras's moving-average update (graph.ts updateMovingStats): variance Bessel-corrected. */
export function bnUpdateMoving(movingMean: Float32Array, movingVar: Float32Array, st: BnBatch): void {
  const mom = f(BN_MOMENTUM),
    rest = f(1 - BN_MOMENTUM),
    bessel = f(st.count / Math.max(1, st.count - 1));
  for (let c = 0; c < movingMean.length; c++) {
    const unbiased = f(st.variance[c]! * bessel);
    movingMean[c] = f(f(movingMean[c]! * mom) + f(st.mean[c]! * rest));
    movingVar[c] = f(f(movingVar[c]! * mom) + f(unbiased * rest));
  }
}
