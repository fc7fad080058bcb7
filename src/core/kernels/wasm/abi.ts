/**
 * The contract with the kernel binaries (wasm/kernels.c): the variants that exist, the functions
 * (and the one global) both builds export, in source order, and their signatures.
 */
/**
 * 'simd' and 'scalar': one thread, private memory. 'simd-threads': the SIMD
 * build on a shared memory, for workers (see threads.ts); host must be
 * cross-origin isolated in a browser.
 */
export type KernelVariant = 'simd' | 'scalar' | 'simd-threads';
/** Bytes of a kernels-*.wasm file, or an already compiled module. */
export type KernelBinary = BufferSource | WebAssembly.Module;
/** Where the binaries come from: given up front, or fetched on demand per variant. */
export type KernelSource = Partial<Record<KernelVariant, KernelBinary>> | ((variant: KernelVariant) => Promise<KernelBinary>);

/** The functions (and the one global) both binaries export, in source order. */
export const KERNEL_EXPORTS: readonly string[] = [
  'kernels_abi_version',
  'has_threads',
  'has_simd',
  'padded_floats',
  'pad3d',
  'pad3d_posneg',
  'pad3d_safe_div',
  'conv_group_size',
  'conv3d_padded_range',
  'conv3d_padded',
  'maxpool3d_argmax',
  'maxpool3d_route',
  'ew_mul',
  'ew_add',
  'ew_pos',
  'ew_neg',
  'ew_fill',
  'ew_safe_div',
  'ew_eps_div',
  'ew_posneg_mul',
  'bn_affine',
  'lrp_bn_alphabeta',
  'dense_forward',
  'dense_transpose',
  'conv3d_wgrad',
  '__heap_base',
];
/** 2: conv3d_wgrad added (training). */
export const KERNEL_ABI_VERSION = 2;

export interface RawExports {
  kernels_abi_version(): number;
  has_threads(): number;
  has_simd(): number;
  padded_floats(c: number, d: number, h: number, w: number): number;
  conv_group_size(cout: number): number;
  pad3d(inp: number, out: number, c: number, d: number, h: number, w: number, part: number): void;
  pad3d_posneg(inp: number, out: number, c: number, d: number, h: number, w: number): void;
  pad3d_safe_div(num: number, den: number, out: number, c: number, d: number, h: number, w: number): void;
  conv3d_padded(xp: number, out: number, ws: number, bias: number, cin: number, cout: number, d: number, h: number, w: number, relu: number): void;
  conv3d_padded_range(
    xp: number,
    out: number,
    ws: number,
    bias: number,
    cin: number,
    cout: number,
    d: number,
    h: number,
    w: number,
    relu: number,
    d0: number,
    d1: number,
  ): void;
  maxpool3d_argmax(inp: number, out: number, idx: number, c: number, d: number, h: number, w: number): void;
  maxpool3d_route(rout: number, idx: number, rin: number, nOut: number, nIn: number): void;
  ew_mul(a: number, b: number, out: number, n: number): void;
  ew_add(a: number, b: number, out: number, n: number): void;
  ew_pos(x: number, out: number, n: number): void;
  ew_neg(x: number, out: number, n: number): void;
  ew_fill(out: number, v: number, n: number): void;
  ew_safe_div(num: number, den: number, out: number, n: number): void;
  ew_eps_div(num: number, den: number, out: number, n: number, eps: number): void;
  ew_posneg_mul(a: number, cpos: number, cneg: number, out: number, n: number): void;
  bn_affine(inp: number, out: number, scale: number, shift: number, c: number, per: number): void;
  lrp_bn_alphabeta(a: number, r: number, out: number, k: number, b: number, c: number, per: number): void;
  dense_forward(x: number, w: number, b: number, y: number, nin: number, nout: number, relu: number): void;
  dense_transpose(s: number, w: number, g: number, nin: number, nout: number): void;
  conv3d_wgrad(xp: number, gp: number, dw: number, db: number, cin: number, cout: number, d: number, h: number, w: number): void;
  __heap_base: WebAssembly.Global;
}
