/**
 * One fused training block: Conv3D(3x3x3, stride 1, 'same', bias) -> ReLU -> MaxPool3D(2, valid),
 * in plain JS loops with a custom gradient. Why: on tfjs's pure-JS cpu backend the generic
 * Conv3D filter gradient and the MaxPool3D gradient of the first layer cost ~7 s per sample
 * (a training step ~16 s); here the pooled gradient is sparse (one winner per window), so the
 * filter and input gradients cost a few percent of the forward pass. Same maths as
 * tf.conv3d + relu + maxPool3d (the first maximum in scan order d, h, w wins ties; a window whose
 * maximum is <= 0 gets no gradient, like ReLU's derivative at 0).
 */
import * as tf from '@tensorflow/tfjs';

export interface FusedBlockOptions {
  /** Skip the input gradient (the first layer's input is data). */
  inputGradient: boolean;
}

interface Saved {
  x: Float32Array;
  k: Float32Array;
  /** For each pooled output element: the flat unpooled spatial position of the window's maximum, -1 if <= 0. */
  arg: Int32Array;
  shape: [number, number, number, number, number];
  cout: number;
}

function forwardBlock(x: Float32Array, k: Float32Array, b: Float32Array, shape: Saved['shape'], cout: number): { y: Float32Array; arg: Int32Array } {
  const [N, D, H, W, C] = shape;
  const PD = D >> 1,
    PH = H >> 1,
    PW = W >> 1;
  const spatial = D * H * W;
  const y = new Float32Array(N * PD * PH * PW * cout);
  const arg = new Int32Array(y.length);
  const z = new Float32Array(spatial * cout);
  for (let n = 0; n < N; n++) {
    const xo = n * spatial * C;
    // z = bias, then add every tap's shifted input; taps outer so the inner loop runs along w.
    for (let p = 0; p < spatial; p++) for (let o = 0; o < cout; o++) z[p * cout + o] = b[o]!;
    for (let kd = 0; kd < 3; kd++)
      for (let kh = 0; kh < 3; kh++)
        for (let kw = 0; kw < 3; kw++) {
          const dd = kd - 1,
            dh = kh - 1,
            dw = kw - 1;
          const d0 = Math.max(0, -dd),
            d1 = Math.min(D, D - dd);
          const h0 = Math.max(0, -dh),
            h1 = Math.min(H, H - dh);
          const w0 = Math.max(0, -dw),
            w1 = Math.min(W, W - dw);
          const tapBase = ((kd * 3 + kh) * 3 + kw) * C * cout;
          for (let ci = 0; ci < C; ci++) {
            const kb = tapBase + ci * cout;
            for (let d = d0; d < d1; d++)
              for (let h = h0; h < h1; h++) {
                const zrow = (d * H + h) * W;
                const xrow = xo + (((d + dd) * H + (h + dh)) * W + dw) * C + ci;
                if (cout === 5) {
                  const k0 = k[kb]!,
                    k1 = k[kb + 1]!,
                    k2 = k[kb + 2]!,
                    k3 = k[kb + 3]!,
                    k4 = k[kb + 4]!;
                  for (let w = w0; w < w1; w++) {
                    const xv = x[xrow + w * C]!;
                    const zi = (zrow + w) * 5;
                    z[zi] += xv * k0;
                    z[zi + 1] += xv * k1;
                    z[zi + 2] += xv * k2;
                    z[zi + 3] += xv * k3;
                    z[zi + 4] += xv * k4;
                  }
                } else {
                  for (let w = w0; w < w1; w++) {
                    const xv = x[xrow + w * C]!;
                    const zi = (zrow + w) * cout;
                    for (let o = 0; o < cout; o++) z[zi + o] += xv * k[kb + o]!;
                  }
                }
              }
          }
        }
    // ReLU + 2x2x2 max pool, remembering the winner.
    const yo = n * PD * PH * PW * cout;
    for (let pd = 0; pd < PD; pd++)
      for (let ph = 0; ph < PH; ph++)
        for (let pw = 0; pw < PW; pw++) {
          const oi = yo + ((pd * PH + ph) * PW + pw) * cout;
          for (let o = 0; o < cout; o++) {
            let best = -Infinity,
              bestP = -1;
            for (let a = 0; a < 2; a++)
              for (let c = 0; c < 2; c++)
                for (let e = 0; e < 2; e++) {
                  const p = ((2 * pd + a) * H + (2 * ph + c)) * W + (2 * pw + e);
                  const v = z[p * cout + o]!;
                  if (v > best) {
                    best = v;
                    bestP = p;
                  }
                }
            if (best > 0) {
              y[oi + o] = best;
              arg[oi + o] = bestP;
            } else {
              y[oi + o] = 0;
              arg[oi + o] = -1;
            }
          }
        }
  }
  return { y, arg };
}

function backwardBlock(dy: Float32Array, s: Saved, wantDx: boolean): { dx: Float32Array | null; dk: Float32Array; db: Float32Array } {
  const [N, D, H, W, C] = s.shape;
  const cout = s.cout;
  const pooled = (D >> 1) * (H >> 1) * (W >> 1);
  const spatial = D * H * W;
  const dk = new Float64Array(27 * C * cout);
  const db = new Float64Array(cout);
  const dx = wantDx ? new Float32Array(N * spatial * C) : null;
  const { x, k, arg } = s;
  for (let n = 0; n < N; n++) {
    const xo = n * spatial * C;
    const yo = n * pooled * cout;
    for (let q = 0; q < pooled; q++)
      for (let o = 0; o < cout; o++) {
        const idx = yo + q * cout + o;
        const p = arg[idx]!;
        const g = dy[idx]!;
        if (p < 0 || g === 0) continue;
        db[o] += g;
        const w = p % W,
          h = ((p - w) / W) % H,
          d = (p - w - h * W) / (W * H);
        for (let kd = 0; kd < 3; kd++) {
          const sd = d + kd - 1;
          if (sd < 0 || sd >= D) continue;
          for (let kh = 0; kh < 3; kh++) {
            const sh = h + kh - 1;
            if (sh < 0 || sh >= H) continue;
            for (let kw = 0; kw < 3; kw++) {
              const sw = w + kw - 1;
              if (sw < 0 || sw >= W) continue;
              const xi = xo + ((sd * H + sh) * W + sw) * C;
              const kb = ((kd * 3 + kh) * 3 + kw) * C * cout + o;
              for (let ci = 0; ci < C; ci++) {
                dk[kb + ci * cout] += g * x[xi + ci]!;
                if (dx) dx[xi + ci] += g * k[kb + ci * cout]!;
              }
            }
          }
        }
      }
  }
  return { dx, dk: Float32Array.from(dk), db: Float32Array.from(db) };
}

/** y[N, D/2, H/2, W/2, O] = maxPool3d(relu(conv3d(x, kernel, 'same') + bias)), differentiable in all three. */
export function fusedConvReluPool(x: tf.Tensor5D, kernel: tf.Tensor5D, bias: tf.Tensor1D, opts: FusedBlockOptions): tf.Tensor5D {
  // customGrad's typing takes (...inputs, save); ours uses the three tensors only.
  const f = tf.customGrad(((xt: tf.Tensor, kt: tf.Tensor, bt: tf.Tensor) => {
    const shape = xt.shape as Saved['shape'];
    const cout = kt.shape[4]!;
    if (kt.shape[3] !== shape[4]) throw new Error('kernel input channels do not match x');
    const saved: Saved = { x: xt.dataSync() as Float32Array, k: kt.dataSync() as Float32Array, arg: new Int32Array(0), shape, cout };
    const { y, arg } = forwardBlock(saved.x, saved.k, bt.dataSync() as Float32Array, shape, cout);
    saved.arg = arg;
    const outShape = [shape[0], shape[1] >> 1, shape[2] >> 1, shape[3] >> 1, cout];
    return {
      value: tf.tensor5d(y, outShape as [number, number, number, number, number]),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        const g = (Array.isArray(dy) ? dy[0]! : dy).dataSync() as Float32Array;
        const r = backwardBlock(g, saved, opts.inputGradient);
        return [r.dx ? tf.tensor(r.dx, shape) : tf.zeros(shape), tf.tensor(r.dk, kt.shape), tf.tensor(r.db, bt.shape)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x, kernel, bias) as tf.Tensor5D;
}
