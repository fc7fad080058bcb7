/**
 * The forward pass, layer by layer on the kernel interface. It keeps exactly what the backward
 * passes need — the input of every layer and the final logits (so a layer's output is the next
 * layer's input) — and disposes everything else as it goes. With `keep: false` (prediction only)
 * nothing but the logits survives.
 */
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import type { Kernels } from './kernels';
import { tfjsKernels } from './kernels';
import type { Layer, Model } from './types';

export interface ProgressEvent {
  stage: 'forward' | 'backward' | 'occlusion';
  /** Steps done and total steps of this stage. */
  done: number;
  total: number;
  /** Layer name (forward/backward). */
  layer?: string;
}
export type ProgressCallback = (e: ProgressEvent) => void;

export interface ForwardOptions {
  kernels?: Kernels;
  keep?: boolean;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

export interface ForwardTrace {
  /** inputs[i] is the input of model.layers[i]; inputs[layers.length] is the logits tensor [1, n]. */
  inputs: tf.Tensor[];
  logits: number[];
  probabilities: number[];
  dispose(): void;
}

export function softmax(logits: number[]): number[] {
  const m = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

export function inputTensor(model: Model, input: Float32Array): tf.Tensor5D {
  const [d, h, w, c] = model.inputShape;
  if (!(input instanceof Float32Array)) throw new InputError('The model input must be a Float32Array.');
  if (input.length !== d * h * w * c) {
    throw new InputError(`The model input has ${input.length} values but the model "${model.name}" needs ${d}x${h}x${w}x${c} = ${d * h * w * c}.`);
  }
  return tf.tensor5d(input, [1, d, h, w, c], 'float32');
}

/** Yield to the event loop so progress can be shown and an abort can arrive. */
export function breathe(signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    setTimeout(() => {
      if (signal?.aborted) reject(signal.reason ?? new Error('aborted'));
      else resolve();
    }, 0);
  });
}

/** One layer forward; `logitsOnly` marks the last layer whose softmax is left out. */
export function layerForward(layer: Layer, x: tf.Tensor, k: Kernels, linearOutput: boolean): tf.Tensor {
  return tf.tidy(() => {
    const act = (z: tf.Tensor, a: string): tf.Tensor => (a === 'relu' ? tf.relu(z) : a === 'softmax' && !linearOutput ? tf.softmax(z) : z);
    switch (layer.kind) {
      case 'conv3d':
        return act(k.conv3d(x as tf.Tensor5D, layer.kernel, layer.bias), layer.activation);
      case 'maxPool3d':
        return k.maxPool3d(x as tf.Tensor5D);
      case 'batchNorm':
        return k.channelAffine(x, layer.scale, layer.offset);
      case 'flatten':
        // channels-last reshape = Keras Flatten order
        return tf.reshape(x, [1, -1]);
      case 'dropout':
        return tf.clone(x);
      case 'dense':
        return act(k.dense(x as tf.Tensor2D, layer.kernel, layer.bias), layer.activation);
      case 'activation':
        return act(x, layer.activation);
    }
  });
}

export async function forward(model: Model, input: Float32Array | tf.Tensor5D, opts: ForwardOptions = {}): Promise<ForwardTrace> {
  const k = opts.kernels ?? tfjsKernels;
  const keep = opts.keep ?? true;
  const x0 = input instanceof Float32Array ? inputTensor(model, input) : tf.clone(input);
  const kept: tf.Tensor[] = [x0];
  const n = model.layers.length;
  let x: tf.Tensor = x0;
  try {
    for (let i = 0; i < n; i++) {
      const layer = model.layers[i]!;
      const y = layerForward(layer, x, k, i === n - 1);
      if (keep) kept.push(y);
      else {
        x.dispose();
        kept[0] = y;
      }
      x = y;
      opts.onProgress?.({ stage: 'forward', done: i + 1, total: n, layer: layer.name });
      await breathe(opts.signal);
    }
    const logits = Array.from(await x.data());
    const trace: ForwardTrace = {
      inputs: kept,
      logits,
      probabilities: softmax(logits),
      dispose() {
        for (const t of kept) t.dispose();
      },
    };
    if (!keep) trace.dispose();
    return trace;
  } catch (e) {
    for (const t of kept) t.dispose();
    if (!keep && !kept.includes(x)) x.dispose();
    throw e;
  }
}
