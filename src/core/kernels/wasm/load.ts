/**
 * Loading a kernel build: the host supplies the bytes (Node reads the files, the browser fetches
 * them with fetchKernelBinary), so this needs no fs. One WebAssembly.Memory per instance, sized
 * once for the arena.
 */
import type { KernelSource, KernelVariant, RawExports } from './abi';
import { simdSupported } from './features';
import { WasmKernels } from './wasmKernels';

const PAGE = 65536;

/** Browser loader: fetches the binary that Vite bundles next to this module. */
export async function fetchKernelBinary(variant: KernelVariant): Promise<ArrayBuffer> {
  // Literal URLs, one per file, so that Vite sees and bundles each asset.
  const url =
    variant === 'simd'
      ? new URL('./kernels-simd.wasm', import.meta.url)
      : variant === 'scalar'
        ? new URL('./kernels-scalar.wasm', import.meta.url)
        : new URL('./kernels-simd-threads.wasm', import.meta.url);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Could not load the ${variant} wasm kernels (HTTP ${res.status}).`);
  return res.arrayBuffer();
}

export interface LoadKernelsOptions {
  /** 'auto' (default) picks 'simd' when the engine supports it, else 'scalar'; never threads. */
  variant?: KernelVariant | 'auto';
  /** Arena size to reserve up front (bytes); allocations beyond it grow the memory once. */
  arenaBytes?: number;
}

export async function loadWasmKernels(source: KernelSource = fetchKernelBinary, options: LoadKernelsOptions = {}): Promise<WasmKernels> {
  const want = options.variant ?? 'auto';
  const variant: KernelVariant = want === 'auto' ? (simdSupported() ? 'simd' : 'scalar') : want;
  const binary = typeof source === 'function' ? await source(variant) : source[variant];
  if (!binary) throw new Error(`No ${variant} wasm kernel binary was supplied.`);
  const module = binary instanceof WebAssembly.Module ? binary : await WebAssembly.compile(binary);
  // The module needs its first page (the stack); the arena follows __heap_base.
  const arenaBytes = options.arenaBytes ?? 0;
  const initial = 1 + Math.ceil(arenaBytes / PAGE);
  const memory =
    variant === 'simd-threads' ? new WebAssembly.Memory({ initial, maximum: SHARED_MAX_PAGES, shared: true }) : new WebAssembly.Memory({ initial });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return new WasmKernels(variant, memory, module, instance.exports as unknown as RawExports);
}

/** The maximum the threads build declares (1 GiB, scripts/build-wasm.sh). */
export const SHARED_MAX_PAGES = 16384;
