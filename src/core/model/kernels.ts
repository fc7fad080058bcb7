/**
 * The tfjs path's kernel seam: every tensor computation that the forward pass and the LRP rules
 * do on a layer's big tensors goes through one of these functions, so the rules
 * (src/core/lrp/rules.ts) state only the arithmetic. It has one implementation, `tfjsKernels`.
 *
 * It is not the way to plug in another engine: that is `ModelExecutor` (src/core/lrp/executor.ts),
 * which runs a whole forward and backward pass itself (the wasm-simd engine, src/core/planar/,
 * choosing its kernels by each rule's `spec`, so that no tensor crosses tfjs between layers).
 * Hosts choose an executor; they never pass Kernels (runPipeline has no such option).
 *
 * Contract (all tensors float32, batch 1, channels-last, the caller owns inputs and outputs;
 * an implementation must not keep or dispose its arguments):
 * - conv3d(x[1,D,H,W,I], k[3,3,3,I,O], bias[O]|null) -> z[1,D,H,W,O]
 *     3x3x3, stride 1, 'same' zero padding, z_j = sum_i x_i k_ij (+ b_j).
 * - conv3dBackpropInput(dy[1,D,H,W,O], k[3,3,3,I,O]) -> dx[1,D,H,W,I]
 *     the transposed convolution dx_i = sum_j k_ij dy_j (input gradient of conv3d; zero padding
 *     receives nothing). NOT tf.conv3dTranspose: broken on tfjs-backend-wasm 4.22 (lrp.md).
 * - maxPool3d(x[1,D,H,W,C]) -> y[1,floor(D/2),floor(H/2),floor(W/2),C]   (2x2x2, stride 2, valid;
 *     exact: an all-zero window gives 0, see the wasm MaxPool3D defect below)
 * - maxPool3dRoute(a[1,D,H,W,C], r[1,D/2,H/2,W/2,C], mode) -> [1,D,H,W,C]
 *     winner takes all: each r goes to its window's maximum in a; mode 'first' = the first
 *     maximum in scan order (d, then h, then w); 'tf_ties' = every element within 1e-5 of the
 *     maximum gets the full r (TF CPU MaxPool3DGrad). Floor remainders receive 0.
 * - channelAffine(x[...,C], scale[C], offset[C]|null) -> x*scale + offset (per channel)
 * - dense(x[1,N], k[N,M], bias[M]|null) -> [1,M];  denseBackpropInput(dy[1,M], k[N,M]) -> [1,N]
 * Elementwise work (clamps, products, divisions of same-shaped tensors) is done by the rules
 * with tf ops; a replacement may fuse it, but must then offer the same results.
 */
import * as tf from '@tensorflow/tfjs';

export type PoolRouteMode = 'first' | 'tf_ties';

export interface Kernels {
  readonly id: string;
  conv3d(x: tf.Tensor5D, kernel: tf.Tensor5D, bias: tf.Tensor1D | null): tf.Tensor5D;
  conv3dBackpropInput(dy: tf.Tensor5D, kernel: tf.Tensor5D): tf.Tensor5D;
  maxPool3d(x: tf.Tensor5D): tf.Tensor5D;
  maxPool3dRoute(a: tf.Tensor5D, r: tf.Tensor5D, mode: PoolRouteMode): tf.Tensor5D;
  channelAffine<T extends tf.Tensor>(x: T, scale: tf.Tensor1D, offset: tf.Tensor1D | null): T;
  dense(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D | null): tf.Tensor2D;
  denseBackpropInput(dy: tf.Tensor2D, kernel: tf.Tensor2D): tf.Tensor2D;
}

/**
 * The 2x2x2 windows of the even-cropped `a` as a trailing axis of 8 (scan order d, h, w:
 * index dd*4 + hh*2 + ww). Built from rank-5 reshapes and transposes only: the WebGL backend
 * has no packed transpose beyond rank 6.
 */
function windows(a: tf.Tensor5D, d: number, h: number, w: number, c: number): tf.Tensor {
  const cropped = tf.slice(a, [0, 0, 0, 0, 0], [1, 2 * d, 2 * h, 2 * w, c]);
  const dh = tf.reshape(tf.transpose(tf.reshape(cropped, [d, 2, h, 2, 2 * w * c]), [0, 2, 1, 3, 4]), [d * h, 4, w, 2, c]);
  return tf.reshape(tf.transpose(dh, [0, 2, 4, 1, 3]), [d, h, w, c, 8]);
}

/** Inverse of `windows`, padded with zeros back to a's full (possibly odd) shape. */
function unwindows(v: tf.Tensor, full: number[], d: number, h: number, w: number, c: number): tf.Tensor5D {
  const dh = tf.transpose(tf.reshape(v, [d * h, w, c, 4, 2]), [0, 3, 1, 4, 2]); // [dh, 4, w, 2, c]
  const back = tf.reshape(tf.transpose(tf.reshape(dh, [d, h, 2, 2, 2 * w * c]), [0, 2, 1, 3, 4]), [1, 2 * d, 2 * h, 2 * w, c]);
  // Zero remainders appended by concat, not tf.pad: tfjs-backend-webgl 4.22's packed rank-5 pad
  // shader does not compile (it declares an ivec5).
  let out: tf.Tensor = back;
  for (const axis of [1, 2, 3]) {
    const missing = full[axis]! - out.shape[axis]!;
    if (missing > 0) {
      const shape = [...out.shape];
      shape[axis] = missing;
      out = tf.concat([out, tf.zeros(shape)], axis);
    }
  }
  return out as tf.Tensor5D;
}

/** Kernel k[kd,kh,kw,I,O] -> k'[2-kd,2-kh,2-kw,O,I]: the conv whose output is conv3d's input gradient. */
export function flipKernel(kernel: tf.Tensor5D): tf.Tensor5D {
  // Reversing the flattened 27 taps reverses all three spatial axes at once; rank 3 because the
  // WebGL backend cannot reverse rank-5 tensors.
  const [kd, kh, kw, i, o] = kernel.shape;
  return tf.tidy(() => tf.reshape(tf.transpose(tf.reverse(tf.reshape(kernel, [kd * kh * kw, i, o]), 0), [0, 2, 1]), [kd, kh, kw, o, i]));
}

export const tfjsKernels: Kernels = {
  id: 'tfjs',
  conv3d(x, kernel, bias) {
    return tf.tidy(() => {
      const z = tf.conv3d(x, kernel, 1, 'same');
      return bias ? tf.add(z, bias) : z;
    });
  },
  conv3dBackpropInput(dy, kernel) {
    // For 3x3x3 stride-1 'same' convolutions the input gradient is a 'same' conv3d with the
    // kernel flipped spatially and in/out swapped; correct on every backend.
    return tf.tidy(() => tf.conv3d(dy, flipKernel(kernel), 1, 'same'));
  },
  maxPool3d(x) {
    // Not tf.maxPool3d: tfjs-backend-wasm 4.22's MaxPool3D starts its maximum at FLT_MIN
    // (1.18e-38) instead of -inf, so an all-zero (post-ReLU) window yields 1.18e-38, not 0,
    // which breaks every rule that tests a == 0 (e.g. innvestigate's BN surrogate) and any
    // all-negative window. The max over the window axis is exact on every backend.
    return tf.tidy(() => {
      const [, D, H, W, C] = x.shape;
      const d = Math.floor(D / 2),
        h = Math.floor(H / 2),
        w = Math.floor(W / 2);
      return tf.reshape(tf.max(windows(x, d, h, w, C), 4), [1, d, h, w, C]) as tf.Tensor5D;
    });
  },
  maxPool3dRoute(a, r, mode) {
    return tf.tidy(() => {
      const [, D, H, W, C] = a.shape;
      const d = Math.floor(D / 2),
        h = Math.floor(H / 2),
        w = Math.floor(W / 2);
      const win = windows(a, d, h, w, C);
      const rr = tf.reshape(r, [d, h, w, C, 1]);
      let routed: tf.Tensor;
      if (mode === 'first') {
        // int32 one-hot then cast: tfjs-backend-wasm 4.22's OneHot with dtype float32 writes
        // integer bit patterns into the float buffer (1 reads as 1.4e-45).
        routed = tf.mul(tf.cast(tf.oneHot(tf.argMax(win, 4), 8), 'float32'), rr);
      } else {
        const max = tf.max(win, 4, true);
        routed = tf.mul(tf.cast(tf.less(tf.abs(tf.sub(win, max)), 1e-5), 'float32'), rr);
      }
      return unwindows(routed, a.shape, d, h, w, C);
    });
  },
  channelAffine(x, scale, offset) {
    return tf.tidy(() => {
      const y = tf.mul(x, scale);
      return (offset ? tf.add(y, offset) : y) as typeof x;
    });
  },
  dense(x, kernel, bias) {
    return tf.tidy(() => {
      const y = tf.matMul(x, kernel);
      return (bias ? tf.add(y, bias) : y) as tf.Tensor2D;
    });
  },
  denseBackpropInput(dy, kernel) {
    return tf.matMul(dy, kernel, false, true);
  },
};
