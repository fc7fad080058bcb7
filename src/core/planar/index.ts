/**
 * The wasm-simd engine: the planar executor on the hand-written WebAssembly kernels.
 * startWasmEngine loads the kernels (SIMD, or the scalar build where SIMD is missing),
 * optionally starts kernel workers on a shared memory, and plans the model once (weights
 * uploaded, buffers allocated and prefaulted).
 */
import { fetchKernelBinary, loadWasmKernels, type KernelSource, type KernelVariant } from '../kernels/wasm/index';
import { startKernelThreads, type KernelWorkerHandle } from '../kernels/wasm/threads';
import type { Model } from '../model/types';
import { PlanarExecutor } from './executor';

export { PlanarExecutor, type PlanarExecutorOptions } from './executor';
export { unsupportedLayer } from './plan';

export interface WasmEngineOptions {
  /** The kernel binaries (default: fetched next to the kernels module, for bundlers). */
  source?: KernelSource;
  /** 'auto' (default): SIMD where the engine validates it, else scalar. Ignored with threads > 1. */
  variant?: 'auto' | Exclude<KernelVariant, 'simd-threads'>;
  /** Threads for the convolutions, the calling one included (default 1). More need spawnWorker and a shared memory. */
  threads?: number;
  spawnWorker?: () => KernelWorkerHandle;
}

export async function startWasmEngine(model: Model, opts: WasmEngineOptions = {}): Promise<PlanarExecutor> {
  const threads = opts.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`threads must be a positive integer, not ${threads}`);
  if (threads > 1 && !opts.spawnWorker) throw new Error('threads > 1 needs a way to spawn kernel workers');
  const kernels = await loadWasmKernels(opts.source ?? fetchKernelBinary, { variant: threads > 1 ? 'simd-threads' : (opts.variant ?? 'auto') });
  const pool = threads > 1 ? await startKernelThreads(kernels, opts.spawnWorker!, threads - 1) : undefined;
  try {
    return new PlanarExecutor(model, kernels, { threads: pool });
  } catch (e) {
    pool?.terminate();
    throw e;
  }
}
