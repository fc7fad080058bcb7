/**
 * The kernel interface: every tensor computation that the forward pass and the LRP rules do
 * on a layer's big tensors goes through one of these functions. Layers (types.ts) are plain data
 * and rules (src/core/lrp/rules.ts) are written against this interface, so a faster
 * implementation (e.g. hand-written WebAssembly SIMD kernels on a planar layout, or a fused GPU
 * shader) can replace `tfjsKernels` for Conv3D, MaxPool3D, BN and the relevance passes without
 * touching a rule.
 *
 * Contract (all tensors float32, batch 1, channels-last, the caller owns inputs and outputs;
 * an implementation must not keep or dispose its arguments):
 * - conv3d(x[1,D,H,W,I], k[3,3,3,I,O], bias[O]|null) -> z[1,D,H,W,O]
 *     3x3x3, stride 1, 'same' zero padding, z_j = sum_i x_i k_ij (+ b_j).
 * - conv3dBackpropInput(dy[1,D,H,W,O], k[3,3,3,I,O]) -> dx[1,D,H,W,I]
 *     the transposed convolution dx_i = sum_j k_ij dy_j (input gradient of conv3d; zero padding
 *     receives nothing). NOT tf.conv3dTranspose: broken on tfjs-backend-wasm 4.22 (lrp.md).
 * - maxPool3d(x[1,D,H,W,C]) -> y[1,floor(D/2),floor(H/2),floor(W/2),C]   (2x2x2, stride 2, valid)
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

/** The 2x2x2 windows of the even-cropped `a` as a trailing axis of 8 (scan order d, h, w). */
function windows(a: tf.Tensor5D, d: number, h: number, w: number, c: number): tf.Tensor {
  const cropped = tf.slice(a, [0, 0, 0, 0, 0], [1, 2 * d, 2 * h, 2 * w, c]);
  return tf.reshape(
    tf.transpose(tf.reshape(cropped, [d, 2, h, 2, w, 2, c]), [0, 2, 4, 6, 1, 3, 5]),
    [d, h, w, c, 8],
  );
}

/** Inverse of `windows`, padded with zeros back to a's full (possibly odd) shape. */
function unwindows(v: tf.Tensor, full: number[], d: number, h: number, w: number, c: number): tf.Tensor5D {
  const back = tf.reshape(tf.transpose(tf.reshape(v, [d, h, w, c, 2, 2, 2]), [0, 4, 1, 5, 2, 6, 3]), [1, 2 * d, 2 * h, 2 * w, c]);
  const pad: Array<[number, number]> = [[0, 0], [0, full[1]! - 2 * d], [0, full[2]! - 2 * h], [0, full[3]! - 2 * w], [0, 0]];
  return (pad.some(([, p]) => p > 0) ? tf.pad(back, pad) : back) as tf.Tensor5D;
}

/** Kernel k[kd,kh,kw,I,O] -> k'[2-kd,2-kh,2-kw,O,I]: the conv whose output is conv3d's input gradient. */
export function flipKernel(kernel: tf.Tensor5D): tf.Tensor5D {
  return tf.tidy(() => tf.transpose(tf.reverse(kernel, [0, 1, 2]), [0, 1, 2, 4, 3]));
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
    return tf.maxPool3d(x, 2, 2, 'valid');
  },
  maxPool3dRoute(a, r, mode) {
    return tf.tidy(() => {
      const [, D, H, W, C] = a.shape;
      const d = Math.floor(D / 2), h = Math.floor(H / 2), w = Math.floor(W / 2);
      const win = windows(a, d, h, w, C);
      const rr = tf.reshape(r, [d, h, w, C, 1]);
      let routed: tf.Tensor;
      if (mode === 'first') {
        routed = tf.mul(tf.oneHot(tf.argMax(win, 4), 8, 1, 0, 'float32'), rr);
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
