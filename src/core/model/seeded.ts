/**
 * A deterministic model with the paper's architecture and seeded weights, as tfjs artifacts:
 * the stand-in ('untrained seeded model') for the app, CLI and tests until a trained demo model
 * exists. Its weights come from a 32-bit LCG with a formula simple enough to re-create exactly in
 * numpy (scripts/fixtures/make_fullsize_reference.py does), so an independent float64
 * implementation can be checked against ours on the full-size network.
 */
import type * as tf from '@tensorflow/tfjs';
import { MODEL_INPUT_DIMS } from '../volume/modelTensor';
import { paperTopology as kerasPaperTopology } from './h5/paper-topology';

const PAPER_INPUT: [number, number, number, number] = [...MODEL_INPUT_DIMS, 1];

export const SEEDED_MODEL_LABEL = 'untrained seeded model';

export interface SeededModelOptions {
  /** [D, H, W, C]; default the paper's [100, 100, 120, 1]. */
  inputShape?: [number, number, number, number];
  filters?: number;
  hidden?: [number, number];
}

export interface NamedWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** LCG s' = 1664525 s + 1013904223 (mod 2^32); u = top 24 bits / 2^24 in [0, 1). */
export function lcgUniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s >>> 8) / 16777216;
  };
}

/** Keras 2.2.4 Sequential JSON of the paper's architecture (h5/paper-topology.ts) for an input shape [D, H, W, C]. */
export function paperTopology(inputShape: [number, number, number, number], filters = 5, hidden: [number, number] = [64, 32]): object {
  return kerasPaperTopology([null, ...inputShape], { filters, hidden });
}

/** Pack named float32 weights into tfjs artifacts (one shard, manifest order). */
export function artifactsFromWeights(topology: object, weights: NamedWeight[]): tf.io.ModelArtifacts {
  const total = weights.reduce((a, w) => a + w.data.length, 0);
  const buf = new Float32Array(total);
  let o = 0;
  for (const w of weights) {
    buf.set(w.data, o);
    o += w.data.length;
  }
  return {
    modelTopology: topology,
    format: 'layers-model',
    generatedBy: 'relevance-viewer',
    convertedBy: null,
    weightSpecs: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' as const })),
    weightData: buf.buffer,
  };
}

/** The seeded weights in manifest order (see make_fullsize_reference.py for the same formula). */
export function seededWeights(seed: number, options: SeededModelOptions = {}): NamedWeight[] {
  const inputShape = options.inputShape ?? PAPER_INPUT;
  const filters = options.filters ?? 5;
  const hidden = options.hidden ?? [64, 32];
  const u = lcgUniform(seed);
  const fill = (n: number, f: (u: number, i: number) => number): Float32Array => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = f(u(), i);
    return a;
  };
  const out: NamedWeight[] = [];
  let cin = inputShape[3];
  const spatial = [inputShape[0], inputShape[1], inputShape[2]];
  for (let l = 0; l < 3; l++) {
    const lim = Math.sqrt(6 / (27 * cin));
    out.push({ name: `conv3d_${l + 1}/kernel`, shape: [3, 3, 3, cin, filters], data: fill(27 * cin * filters, (v) => (2 * v - 1) * lim) });
    out.push({ name: `conv3d_${l + 1}/bias`, shape: [filters], data: fill(filters, (v) => (2 * v - 1) * 0.05) });
    const bn = `batch_normalization_${l + 1}`;
    // gamma in [0.5, 1.5), negative on the last channel of the second BN (exercises the sign flip)
    out.push({ name: `${bn}/gamma`, shape: [filters], data: fill(filters, (v, i) => (l === 1 && i === filters - 1 ? -1 : 1) * (0.5 + v)) });
    out.push({ name: `${bn}/beta`, shape: [filters], data: fill(filters, (v) => (2 * v - 1) * 0.2) });
    out.push({ name: `${bn}/moving_mean`, shape: [filters], data: fill(filters, (v) => 0.05 + 0.25 * v) });
    out.push({ name: `${bn}/moving_variance`, shape: [filters], data: fill(filters, (v) => 0.05 + 0.45 * v) });
    cin = filters;
    for (let a = 0; a < 3; a++) spatial[a] = Math.floor(spatial[a]! / 2);
  }
  const dims = [spatial[0]! * spatial[1]! * spatial[2]! * filters, hidden[0], hidden[1], 2];
  for (let l = 0; l < 3; l++) {
    const lim = Math.sqrt(6 / dims[l]!);
    out.push({ name: `dense_${l + 1}/kernel`, shape: [dims[l]!, dims[l + 1]!], data: fill(dims[l]! * dims[l + 1]!, (v) => (2 * v - 1) * lim) });
    out.push({ name: `dense_${l + 1}/bias`, shape: [dims[l + 1]!], data: fill(dims[l + 1]!, (v) => (2 * v - 1) * 0.05) });
  }
  return out;
}

export function makeSeededModelArtifacts(seed: number, options: SeededModelOptions = {}): tf.io.ModelArtifacts {
  const inputShape = options.inputShape ?? PAPER_INPUT;
  return artifactsFromWeights(paperTopology(inputShape, options.filters ?? 5, options.hidden ?? [64, 32]), seededWeights(seed, options));
}

/** Gaussian blobs (fractional centre d, h, w; sigma; amplitude) of the smooth brain-like test input. */
const BLOBS: Array<[number, number, number, number, number]> = [
  [0.35, 0.3, 0.4, 0.08, 0.6],
  [0.6, 0.7, 0.5, 0.1, 0.5],
  [0.5, 0.5, 0.7, 0.12, -0.2],
  [0.3, 0.65, 0.3, 0.06, 0.7],
  [0.7, 0.35, 0.65, 0.09, 0.4],
];

/**
 * A smooth brain-like volume (channels-last, C = 1): an ellipsoid (radii 0.42 of each size) of
 * 0.3 plus Gaussian blobs, exactly 0 outside. Same formula in make_fullsize_reference.py.
 */
export function makeSmoothBrainInput(shape: [number, number, number] = [...MODEL_INPUT_DIMS]): Float32Array {
  const [D, H, W] = shape;
  const out = new Float32Array(D * H * W);
  for (let a = 0; a < D; a++)
    for (let s = 0; s < H; s++)
      for (let c = 0; c < W; c++) {
        const ea = (a - (D - 1) / 2) / (0.42 * D),
          es = (s - (H - 1) / 2) / (0.42 * H),
          ec = (c - (W - 1) / 2) / (0.42 * W);
        if (ea * ea + es * es + ec * ec > 1) continue;
        let v = 0.3;
        for (const [fa, fs, fc, sig, amp] of BLOBS) {
          const da = a / D - fa,
            ds = s / H - fs,
            dc = c / W - fc;
          v += amp * Math.exp(-(da * da + ds * ds + dc * dc) / (2 * sig * sig));
        }
        out[(a * H + s) * W + c] = v;
      }
  return out;
}
