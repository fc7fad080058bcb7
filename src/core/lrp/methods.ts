/**
 * The named explanation methods and the two entry points the hosts use: predict and explain.
 */
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import { forward, inputTensor, softmax, type ProgressCallback } from '../model/forward';
import { tfjsKernels, type Kernels, type PoolRouteMode } from '../model/kernels';
import type { Model } from '../model/types';
import { methodSpec, unknownMethodMessage, type MethodId } from './registry';
import { backward, checkNeuron } from './backward';
import { compositeFor } from './composites';
import type { ModelExecutor } from './executor';
import { occlusion, type OcclusionOptions } from './occlusion';

export { METHODS, type MethodId, type MethodInfo } from './registry';

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
  /**
   * A faster engine for this model (e.g. the planar wasm-simd executor). Used for every method
   * whose rules it covers; otherwise the method runs on tfjs and a notice says why.
   */
  executor?: ModelExecutor;
}

export interface Timings {
  forward_ms: number;
  backward_ms: number;
  total_ms: number;
}

export interface Explanation {
  /** Same layout as the input (model tensor, channels-last). */
  relevance: Float32Array;
  logits: number[];
  probabilities: number[];
  timings: Timings;
  /** What computed it: the executor's id, or "tfjs". */
  engine: string;
  /** Why a requested executor was not used, if it was not. */
  notices: string[];
}

export async function predict(
  model: Model,
  input: Float32Array,
  opts: { kernels?: Kernels; executor?: ModelExecutor; signal?: AbortSignal; onProgress?: ProgressCallback } = {},
): Promise<{ logits: number[]; probabilities: number[] }> {
  if (opts.executor) {
    const logits = await opts.executor.predict(input, opts);
    return { logits, probabilities: softmax(logits) };
  }
  const r = await forward(model, input, { ...opts, keep: false });
  return { logits: r.logits, probabilities: r.probabilities };
}

export async function explain(model: Model, input: Float32Array, opts: ExplainOptions): Promise<Explanation> {
  const unknown = unknownMethodMessage(String(opts.method));
  if (unknown) throw new InputError(unknown);
  const kind = methodSpec(opts.method)!.kind;
  const neuron = opts.neuron ?? 1;
  checkNeuron(model, neuron);
  const kernels = opts.kernels ?? tfjsKernels;
  const notices: string[] = [];
  const ex = opts.executor;
  if (ex && ex.model !== model) throw new Error(`the ${ex.id} executor was built for model "${ex.model.name}", not "${model.name}"`);
  if (ex) {
    const run = { onProgress: opts.onProgress, signal: opts.signal };
    if (kind === 'occlusion') {
      const t0 = performance.now();
      const logits = await ex.predict(input, run);
      const t1 = performance.now();
      const relevance = await occlusion(model, input, logits[neuron]!, neuron, {
        ...opts.occlusion,
        predict: (x) => ex.predict(x, { signal: opts.signal }),
        onProgress: opts.onProgress,
        signal: opts.signal,
      });
      const t2 = performance.now();
      return {
        relevance,
        logits,
        probabilities: softmax(logits),
        timings: { forward_ms: t1 - t0, backward_ms: t2 - t1, total_ms: t2 - t0 },
        engine: ex.id,
        notices,
      };
    }
    const composite = compositeFor(opts.method, opts.poolMode ?? 'first');
    const why = ex.unsupported(composite);
    if (!why) {
      const r = await ex.relevance(input, composite, neuron, run);
      if (kind === 'gradient-x-input') for (let i = 0; i < input.length; i++) r.relevance[i] = r.relevance[i]! * input[i]!;
      const total = r.forward_ms + r.backward_ms;
      return {
        relevance: r.relevance,
        logits: r.logits,
        probabilities: softmax(r.logits),
        timings: { forward_ms: r.forward_ms, backward_ms: r.backward_ms, total_ms: total },
        engine: ex.id,
        notices,
      };
    }
    notices.push(`The ${ex.id} engine cannot run this method (${why}); it ran on tfjs instead.`);
  }
  const t0 = performance.now();
  const x = inputTensor(model, input);
  const keep = kind !== 'occlusion';
  let trace;
  try {
    trace = await forward(model, x, { kernels, keep, onProgress: opts.onProgress, signal: opts.signal });
  } finally {
    x.dispose();
  }
  const t1 = performance.now();
  let relevance: Float32Array;
  try {
    if (kind === 'occlusion') {
      relevance = await occlusion(model, input, trace.logits[neuron]!, neuron, {
        ...opts.occlusion,
        kernels,
        onProgress: opts.onProgress,
        signal: opts.signal,
      });
    } else {
      const R = await backward(model, trace, compositeFor(opts.method, opts.poolMode ?? 'first'), {
        neuron,
        kernels,
        onProgress: opts.onProgress,
        signal: opts.signal,
      });
      const out = kind === 'gradient-x-input' ? tf.tidy(() => tf.mul(R, trace.inputs[0]!)) : R;
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
    engine: 'tfjs',
    notices,
  };
}
