/**
 * TypeScript side of the hand-written WebAssembly kernels (wasm/kernels.c).
 *
 * - Loads the SIMD128 build, or the scalar build of the same source where the
 *   engine lacks SIMD. The host supplies the bytes (Node reads the files,
 *   the browser fetches them: see fetchKernelBinary), so this module needs no fs.
 * - Owns ONE WebAssembly.Memory and a bump arena in it. Size it once per model
 *   load (arenaBytes) and allocate every working buffer up front: kernels never
 *   allocate, and fresh pages cost a first-touch penalty, so reuse buffers.
 * - Tensors are planar float32 [C][D][H][W]; buffers are handles {ptr, length}
 *   (byte offset, element count) into the memory; view() gives a typed array.
 *
 * One module per job: abi.ts (the binaries' exports), buffers.ts (buffer handles and shape checks),
 * features.ts (SIMD / shared-memory detection), load.ts (instantiating a build), wasmKernels.ts
 * (the arena and the kernel calls), layout.ts (weight packing). This file re-exports them.
 */
export * from './layout';
export * from './abi';
export * from './buffers';
export * from './features';
export * from './load';
export { WasmKernels } from './wasmKernels';
