/**
 * Node-only: a training engine by name. 'wasm' reads the SIMD kernel binary from the repository
 * (src/core/kernels/wasm/kernels-simd.wasm, committed next to its source) and runs on one thread.
 */
import { readFile } from 'node:fs/promises';
import { loadWasmKernels } from '../../core/kernels/wasm/index';
import { TfjsEngine, type EngineName, type EngineOptions, type TrainEngine } from '../trainEngine';
import { WasmTrainer } from '../wasmEngine/trainer';

const KERNELS_DIR = new URL('../../core/kernels/wasm/', import.meta.url);

export const ENGINE_NAMES: readonly EngineName[] = ['wasm', 'tfjs'];

export async function createTrainEngine(name: string, o: EngineOptions & { maxBatch: number }): Promise<TrainEngine> {
  if (name === 'tfjs') return new TfjsEngine(o);
  if (name !== 'wasm') throw new Error(`--engine must be one of ${ENGINE_NAMES.join(', ')}, not "${name}"`);
  const kernels = await loadWasmKernels(async (v) => new Uint8Array(await readFile(new URL(`kernels-${v}.wasm`, KERNELS_DIR))), { variant: 'simd' });
  return WasmTrainer.create(kernels, o);
}
