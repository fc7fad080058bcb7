/**
 * The named explanation methods and the two entry points the hosts use: predict and explain.
 */
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import { forward, inputTensor, type ProgressCallback } from '../model/forward';
import { tfjsKernels, type Kernels, type PoolRouteMode } from '../model/kernels';
import type { Model } from '../model/types';
import { backward, checkNeuron } from './backward';
import { gradientComposite, presetComposite, type Composite } from './composites';
import { occlusion, type OcclusionOptions } from './occlusion';

export type MethodId =
  | 'paper' | 'cmp-bn-pass' | 'epsilon-plus' | 'epsilon-alpha2-beta1' | 'epsilon-plus-flat'
  | 'gradient' | 'gradient-x-input' | 'occlusion';

export interface MethodInfo { id: MethodId; label: string; description: string }

export const METHODS: readonly MethodInfo[] = [
  { id: 'paper', label: 'LRP-CMP (innvestigate 1.0.9)', description: "The paper's method: innvestigate 1.0.9 preset A (epsilon 1e-10 on dense layers, alpha1-beta0 with full bias on convolutions, innvestigate's BatchNormalization surrogate), starting from the logit value." },
  { id: 'cmp-bn-pass', label: 'LRP-CMP, BN pass', description: 'As the paper, but BatchNormalization passes relevance unchanged (zennit default).' },
  { id: 'epsilon-plus', label: 'LRP epsilon-plus', description: 'z+ on convolutions, epsilon 1e-6 on dense layers, BatchNormalization pass.' },
  { id: 'epsilon-alpha2-beta1', label: 'LRP epsilon-alpha2-beta1', description: 'alpha=2, beta=1 on convolutions, epsilon 1e-6 on dense layers, BatchNormalization pass.' },
  { id: 'epsilon-plus-flat', label: 'LRP epsilon-plus-flat', description: 'As epsilon-plus, with the flat rule on the first convolution.' },
  { id: 'gradient', label: 'Gradient', description: 'Gradient of the selected logit with respect to the input.' },
  { id: 'gradient-x-input', label: 'Gradient x input', description: 'Gradient of the selected logit times the input.' },
  { id: 'occlusion', label: 'Occlusion', description: 'Drop of the selected logit when a cube of the input is set to zero (slow: one forward pass per cube).' },
];

export interface ExplainOptions {
  method: MethodId;
  /** Output neuron to explain (default 1 = AD). */
  neuron?: number;
  occlusion?: OcclusionOptions;
  /** Max-pool routing: first maximum (default) or TF's ties. */
  poolMode?: PoolRouteMode;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  kernels?: Kernels;
}

export interface Timings { forward_ms: number; backward_ms: number; total_ms: number }

export interface Explanation {
  /** Same layout as the input (model tensor, channels-last). */
  relevance: Float32Array;
  logits: number[];
  probabilities: number[];
  timings: Timings;
}

export async function predict(model: Model, input: Float32Array, opts: { kernels?: Kernels; signal?: AbortSignal; onProgress?: ProgressCallback } = {}): Promise<{ logits: number[]; probabilities: number[] }> {
  const r = await forward(model, input, { ...opts, keep: false });
  return { logits: r.logits, probabilities: r.probabilities };
}

function compositeFor(method: MethodId, poolMode: PoolRouteMode): Composite {
  if (method === 'gradient' || method === 'gradient-x-input') return gradientComposite(poolMode);
  return presetComposite(method, poolMode);
}

export async function explain(model: Model, input: Float32Array, opts: ExplainOptions): Promise<Explanation> {
  if (!METHODS.some((m) => m.id === opts.method)) {
    throw new InputError(`Unknown method "${String(opts.method)}"; choose one of ${METHODS.map((m) => m.id).join(', ')}.`);
  }
  const neuron = opts.neuron ?? 1;
  checkNeuron(model, neuron);
  const kernels = opts.kernels ?? tfjsKernels;
  const t0 = performance.now();
  const x = inputTensor(model, input);
  const keep = opts.method !== 'occlusion';
  let trace;
  try {
    trace = await forward(model, x, { kernels, keep, onProgress: opts.onProgress, signal: opts.signal });
  } finally {
    x.dispose();
  }
  const t1 = performance.now();
  let relevance: Float32Array;
  try {
    if (opts.method === 'occlusion') {
      relevance = await occlusion(model, input, trace.logits[neuron]!, neuron, { ...opts.occlusion, kernels, onProgress: opts.onProgress, signal: opts.signal });
    } else {
      const R = await backward(model, trace, compositeFor(opts.method, opts.poolMode ?? 'first'), { neuron, kernels, onProgress: opts.onProgress, signal: opts.signal });
      const out = opts.method === 'gradient-x-input' ? tf.tidy(() => tf.mul(R, trace.inputs[0]!)) : R;
      if (out !== R) R.dispose();
      relevance = (await out.data()) as Float32Array;
      out.dispose();
    }
  } finally {
    trace.dispose();
  }
  const t2 = performance.now();
  return {
    relevance,
    logits: trace.logits,
    probabilities: trace.probabilities,
    timings: { forward_ms: t1 - t0, backward_ms: t2 - t1, total_ms: t2 - t0 },
  };
}
