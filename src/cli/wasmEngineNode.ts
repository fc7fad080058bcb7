/**
 * Node-only: the wasm-simd engine with its kernel binaries read from the repository
 * (src/core/kernels/wasm/kernels-*.wasm) and kernel workers on worker_threads.
 */
import { readFile } from 'node:fs/promises';
import type { KernelVariant } from '../core/kernels/wasm/index';
import type { Model } from '../core/model/types';
import { startWasmEngine, type PlanarExecutor } from '../core/planar/index';
import { spawnNodeKernelWorker } from './kernel-worker-node';

const KERNELS_DIR = new URL('../core/kernels/wasm/', import.meta.url);

export async function nodeKernelBinary(variant: KernelVariant): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await readFile(new URL(`kernels-${variant}.wasm`, KERNELS_DIR)));
}

/** The planar executor for `model`; threads > 1 splits convolutions over worker threads. */
export function startWasmEngineNode(model: Model, threads = 1): Promise<PlanarExecutor> {
  return startWasmEngine(model, { source: nodeKernelBinary, threads, spawnWorker: spawnNodeKernelWorker });
}
