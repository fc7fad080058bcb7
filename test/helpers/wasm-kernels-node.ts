/** Node-side loader for the committed wasm kernel binaries (tests and scripts only: uses fs). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadWasmKernels, type KernelVariant, type LoadKernelsOptions, type WasmKernels } from '../../src/core/kernels/wasm/index';

export const KERNELS_DIR = fileURLToPath(new URL('../../src/core/kernels/wasm/', import.meta.url));

export function kernelBytes(variant: KernelVariant): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(`${KERNELS_DIR}kernels-${variant}.wasm`));
}

export function loadNodeKernels(variant: KernelVariant, options: Omit<LoadKernelsOptions, 'variant'> = {}): Promise<WasmKernels> {
  return loadWasmKernels(async (v) => kernelBytes(v), { ...options, variant });
}
