/**
 * Occlusion sensitivity (the paper's supplementary analysis): slide a cube of zeros over the
 * input and record the drop of the selected logit; each voxel gets the mean drop of the cubes
 * that cover it. Cubes over an all-zero region change nothing (drop exactly 0) and are skipped.
 */
import { InputError } from '../errors';
import { breathe, forward, type ProgressCallback } from '../model/forward';
import type { Kernels } from '../model/kernels';
import type { Model } from '../model/types';

export interface OcclusionOptions {
  /** Edge of the cube in voxels (default 8). */
  size?: number;
  /** Step between cube origins (default = size). */
  stride?: number;
}

function origins(n: number, size: number, stride: number): number[] {
  const o: number[] = [];
  for (let s = 0; s < n; s += stride) {
    o.push(s);
    if (s + size >= n) break;
  }
  return o;
}

export async function occlusion(
  model: Model,
  input: Float32Array,
  baseLogit: number,
  neuron: number,
  opts: OcclusionOptions & {
    kernels?: Kernels;
    /** The forward pass to use (e.g. a ModelExecutor's predict); default the tfjs one with `kernels`. */
    predict?: (input: Float32Array) => Promise<number[]>;
    onProgress?: ProgressCallback;
    signal?: AbortSignal;
  },
): Promise<Float32Array> {
  const size = opts.size ?? 8;
  const stride = opts.stride ?? size;
  if (!Number.isInteger(size) || size < 1 || !Number.isInteger(stride) || stride < 1) {
    throw new InputError(`Occlusion cube size ${size} and stride ${stride} must be positive integers.`);
  }
  const [D, H, W, C] = model.inputShape;
  const sum = new Float32Array(input.length);
  const count = new Uint16Array(D * H * W);
  const oa = origins(D, size, stride),
    os = origins(H, size, stride),
    oc = origins(W, size, stride);
  const total = oa.length * os.length * oc.length;
  const work = new Float32Array(input);
  let done = 0;
  for (const a0 of oa)
    for (const s0 of os)
      for (const c0 of oc) {
        const a1 = Math.min(D, a0 + size),
          s1 = Math.min(H, s0 + size),
          c1 = Math.min(W, c0 + size);
        let nonzero = false;
        for (let a = a0; a < a1; a++)
          for (let s = s0; s < s1; s++)
            for (let c = c0; c < c1; c++) {
              const base = ((a * H + s) * W + c) * C;
              for (let ch = 0; ch < C; ch++) if (input[base + ch] !== 0) nonzero = true;
              count[(a * H + s) * W + c]! += 1;
            }
        if (nonzero) {
          for (let a = a0; a < a1; a++) for (let s = s0; s < s1; s++) work.fill(0, ((a * H + s) * W + c0) * C, ((a * H + s) * W + c1) * C);
          const logits = opts.predict
            ? await opts.predict(work)
            : (await forward(model, work, { kernels: opts.kernels, keep: false, signal: opts.signal })).logits;
          const drop = baseLogit - logits[neuron]!;
          for (let a = a0; a < a1; a++)
            for (let s = s0; s < s1; s++) {
              const from = ((a * H + s) * W + c0) * C,
                to = ((a * H + s) * W + c1) * C;
              work.set(input.subarray(from, to), from);
              for (let i = from; i < to; i++) sum[i]! += drop;
            }
        }
        done++;
        opts.onProgress?.({ stage: 'occlusion', done, total });
        await breathe(opts.signal);
      }
  for (let v = 0; v < D * H * W; v++) {
    const n = count[v]!;
    if (n > 1) for (let ch = 0; ch < C; ch++) sum[v * C + ch]! /= n;
  }
  return sum;
}
