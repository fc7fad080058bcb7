/**
 * Node-only: the wasm-simd engine with its kernel binaries read from the repository
 * (src/core/kernels/wasm/kernels-*.wasm) and kernel workers on worker_threads.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../core/errors';
import type { KernelVariant } from '../core/kernels/wasm/index';
import { ENGINE_NAMES, type BackendName, type EngineName } from '../core/model/backend';
import type { Model } from '../core/model/types';
import { startWasmEngine, type PlanarExecutor } from '../core/planar/index';
import { spawnNodeKernelWorker } from './kernel-worker-node';
import { setBackendNode } from './loadModelNode';

const KERNELS_DIR = new URL('../core/kernels/wasm/', import.meta.url);

export async function nodeKernelBinary(variant: KernelVariant): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await readFile(new URL(`kernels-${variant}.wasm`, KERNELS_DIR)));
}

/** The planar executor for `model`; threads > 1 splits convolutions over worker threads. */
export function startWasmEngineNode(model: Model, threads = 1): Promise<PlanarExecutor> {
  return startWasmEngine(model, { source: nodeKernelBinary, threads, spawnWorker: spawnNodeKernelWorker });
}

/** The engine a CLI command runs on: a tfjs backend, or wasm-simd (tfjs cpu beneath for what it lacks). */
export interface NodeEngine {
  name: EngineName;
  /** The tfjs backend that holds the weights and runs uncovered requests. */
  tfjsBackend: string;
  /** The executor for a loaded model (wasm-simd only; undefined on the tfjs backends). */
  executorFor(model: Model): Promise<PlanarExecutor | undefined>;
}

export async function startEngineNode(name: string, threads = 1): Promise<NodeEngine> {
  if (!(ENGINE_NAMES as readonly string[]).includes(name) || name === 'webgl') {
    throw new InputError(`--backend must be one of wasm-simd, cpu, wasm, not "${name}".`);
  }
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new InputError(`--threads must be an integer from 1 to 64, not "${threads}".`);
  if (threads > 1 && name !== 'wasm-simd') throw new InputError('--threads applies to the wasm-simd backend only.');
  const engine = name as EngineName;
  const tfjsBackend = await setBackendNode(engine === 'wasm-simd' ? 'cpu' : (engine as BackendName));
  return {
    name: engine,
    tfjsBackend,
    executorFor: async (model) => (engine === 'wasm-simd' ? startWasmEngineNode(model, threads) : undefined),
  };
}
