/**
 * An executor runs a model's forward pass and a composite's backward pass with its own kernels
 * instead of the tfjs ops of forward.ts/backward.ts (e.g. the planar wasm-simd engine,
 * src/core/planar/). It reads the same layer objects and the same rules (by their `spec`), and
 * must give the same results as the tfjs path; what it cannot run, it says, and explain() then
 * runs that request on tfjs.
 */
import type { ProgressCallback } from '../model/forward';
import type { Model } from '../model/types';
import type { Composite } from './composites';

export interface ExecutorRunOptions {
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

export interface ExecutorRelevance {
  logits: number[];
  /** Relevance at the input, in the input's (channels-last) layout. */
  relevance: Float32Array;
  forward_ms: number;
  backward_ms: number;
}

export interface ModelExecutor {
  /** What ran, for notices and results (e.g. "wasm-simd", "wasm-simd, 2 threads"). */
  readonly id: string;
  /** The model whose weights it holds. */
  readonly model: Model;
  /** Why this composite cannot run here (one sentence), or null when it can. */
  unsupported(composite: Composite): string | null;
  /** Forward pass only: the logits (pre-softmax) of a channels-last input. */
  predict(input: Float32Array, opts?: ExecutorRunOptions): Promise<number[]>;
  /** Forward pass, then the composite's backward pass from output `neuron`. */
  relevance(input: Float32Array, composite: Composite, neuron: number, opts?: ExecutorRunOptions): Promise<ExecutorRelevance>;
  /** Releases workers and memory; the executor is unusable afterwards. */
  dispose(): void;
}
