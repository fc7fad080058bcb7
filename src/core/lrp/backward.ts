/**
 * The backward pass: walk the layers from the output to the input, asking the composite for
 * each layer's rule, keeping only the current relevance tensor alive.
 */
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import { breathe, type ForwardTrace, type ProgressCallback } from '../model/forward';
import { tfjsKernels, type Kernels } from '../model/kernels';
import type { Model } from '../model/types';
import type { Composite } from './composites';

export interface BackwardOptions {
  neuron?: number;
  kernels?: Kernels;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

export function checkNeuron(model: Model, neuron: number): void {
  if (!Number.isInteger(neuron) || neuron < 0 || neuron >= model.outputs) {
    throw new InputError(`Output neuron ${neuron} does not exist; the model "${model.name}" has outputs 0..${model.outputs - 1}.`);
  }
}

/** Relevance at the model input, shaped like the input tensor [1, D, H, W, C]. Caller disposes. */
export async function backward(model: Model, trace: ForwardTrace, composite: Composite, opts: BackwardOptions = {}): Promise<tf.Tensor> {
  const neuron = opts.neuron ?? 1;
  checkNeuron(model, neuron);
  const kernels = opts.kernels ?? tfjsKernels;
  const n = model.layers.length;
  const startValue = composite.start === 'logit' ? trace.logits[neuron]! : 1;
  const start = new Float32Array(model.outputs);
  start[neuron] = startValue;
  let R: tf.Tensor = tf.tensor2d(start, [1, model.outputs]);
  try {
    for (let i = n - 1; i >= 0; i--) {
      const layer = model.layers[i]!;
      const rule = composite.ruleFor(layer, i, model);
      const input = trace.inputs[i]!;
      const output = trace.inputs[i + 1]!;
      const current = R;
      const next = tf.tidy(() => rule.apply({ layer, input, output, relevance: current, kernels }));
      current.dispose();
      R = next;
      opts.onProgress?.({ stage: 'backward', done: n - i, total: n, layer: layer.name });
      await breathe(opts.signal);
    }
    return R;
  } catch (e) {
    R.dispose();
    throw e;
  }
}
