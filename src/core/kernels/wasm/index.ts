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
 */
import {
  packConvWeights,
  paddedFloats,
  type ConvPacking,
  type PackedConvWeights,
} from './layout';

export * from './layout';

/**
 * 'simd' and 'scalar': one thread, private memory. 'simd-threads': the SIMD
 * build on a shared memory, for workers (see threads.ts); host must be
 * cross-origin isolated in a browser.
 */
export type KernelVariant = 'simd' | 'scalar' | 'simd-threads';
/** Bytes of a kernels-*.wasm file, or an already compiled module. */
export type KernelBinary = BufferSource | WebAssembly.Module;
/** Where the binaries come from: given up front, or fetched on demand per variant. */
export type KernelSource =
  | Partial<Record<KernelVariant, KernelBinary>>
  | ((variant: KernelVariant) => Promise<KernelBinary>);

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
  '__heap_base',
];
export const KERNEL_ABI_VERSION = 1;

interface RawExports {
  kernels_abi_version(): number;
  has_threads(): number;
  has_simd(): number;
  padded_floats(c: number, d: number, h: number, w: number): number;
  conv_group_size(cout: number): number;
  pad3d(inp: number, out: number, c: number, d: number, h: number, w: number, part: number): void;
  pad3d_posneg(inp: number, out: number, c: number, d: number, h: number, w: number): void;
  pad3d_safe_div(num: number, den: number, out: number, c: number, d: number, h: number, w: number): void;
  conv3d_padded(
    xp: number, out: number, ws: number, bias: number,
    cin: number, cout: number, d: number, h: number, w: number, relu: number,
  ): void;
  conv3d_padded_range(
    xp: number, out: number, ws: number, bias: number,
    cin: number, cout: number, d: number, h: number, w: number, relu: number, d0: number, d1: number,
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
  __heap_base: WebAssembly.Global;
}

/** A float32 buffer in kernel memory: byte offset and element count. */
export interface F32Buf {
  readonly kind: 'f32';
  readonly ptr: number;
  readonly length: number;
}
/** An int32 buffer in kernel memory (max-pool argmax indices). */
export interface I32Buf {
  readonly kind: 'i32';
  readonly ptr: number;
  readonly length: number;
}
/** Packed conv weights in kernel memory and the channels the packed conv reads/writes. */
export interface ConvWeightsBuf {
  readonly buf: F32Buf;
  readonly cin: number;
  readonly cout: number;
}
/** Spatial size of a planar volume. */
export interface Shape3 {
  readonly d: number;
  readonly h: number;
  readonly w: number;
}

/** Buffers of one conv layer's alpha1-beta0 LRP step (docs/lrp.md, preset A). */
export interface ConvAlphaBetaPlan {
  readonly cin: number;
  readonly cout: number;
  readonly shape: Shape3;
  /** Forward conv over stacked [a+ ; a-] with [w+ ; w-]: 2*cin -> cout. */
  readonly wForward: ConvWeightsBuf;
  /** Its transpose: cout -> 2*cin, [grad through w+ ; grad through w-]. */
  readonly wBackward: ConvWeightsBuf;
  /** The full bias (b+ + b- = b) or null. */
  readonly bias: F32Buf | null;
  /** Scratch: padded [a+ ; a-], cout*vol denominators D, padded s = R / SD(D), 2*cin*vol gradient. */
  readonly padIn: F32Buf;
  readonly z: F32Buf;
  readonly padOut: F32Buf;
  readonly grad: F32Buf;
}

const PART = { all: 0, pos: 1, neg: 2 } as const;
const PAGE = 65536;

/**
 * True when the engine validates a tiny module that uses a SIMD128 instruction
 * (a function returning i32x4.splat(0)).
 */
export function simdSupported(): boolean {
  // (module (func (result v128) i32.const 0 i32x4.splat))
  const bytes = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type: () -> v128
    0x03, 0x02, 0x01, 0x00, // func 0 has type 0
    0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x11, 0x0b, // body: i32.const 0; i32x4.splat; end
  ]);
  try {
    return WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

/** True where SIMD works and a shared memory can be made (browsers: crossOriginIsolated). */
export function threadsSupported(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean };
  if (typeof SharedArrayBuffer === 'undefined' || g.crossOriginIsolated === false) return false;
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return false;
  }
  return simdSupported();
}

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

export async function loadWasmKernels(
  source: KernelSource = fetchKernelBinary,
  options: LoadKernelsOptions = {},
): Promise<WasmKernels> {
  const want = options.variant ?? 'auto';
  const variant: KernelVariant = want === 'auto' ? (simdSupported() ? 'simd' : 'scalar') : want;
  const binary = typeof source === 'function' ? await source(variant) : source[variant];
  if (!binary) throw new Error(`No ${variant} wasm kernel binary was supplied.`);
  const module = binary instanceof WebAssembly.Module ? binary : await WebAssembly.compile(binary);
  // The module needs its first page (the stack); the arena follows __heap_base.
  const arenaBytes = options.arenaBytes ?? 0;
  const initial = 1 + Math.ceil(arenaBytes / PAGE);
  const memory =
    variant === 'simd-threads'
      ? new WebAssembly.Memory({ initial, maximum: SHARED_MAX_PAGES, shared: true })
      : new WebAssembly.Memory({ initial });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return new WasmKernels(variant, memory, module, instance.exports as unknown as RawExports);
}

/** The maximum the threads build declares (1 GiB, scripts/build-wasm.sh). */
export const SHARED_MAX_PAGES = 16384;

export class WasmKernels {
  private readonly x: RawExports;
  private readonly base: number;
  private top: number;
  private peak: number;

  constructor(
    readonly variant: KernelVariant,
    readonly memory: WebAssembly.Memory,
    /** The compiled module, for workers that share this memory (threads.ts). */
    readonly module: WebAssembly.Module,
    exports: RawExports,
  ) {
    this.x = exports;
    if (exports.kernels_abi_version() !== KERNEL_ABI_VERSION) {
      throw new Error(`wasm kernels ABI ${exports.kernels_abi_version()}, expected ${KERNEL_ABI_VERSION}`);
    }
    if ((exports.has_simd() === 1) !== (variant !== 'scalar') || (exports.has_threads() === 1) !== (variant === 'simd-threads')) {
      throw new Error(`the ${variant} wasm kernel binary reports has_simd=${exports.has_simd()}, has_threads=${exports.has_threads()}`);
    }
    this.base = align16(exports.__heap_base.value as number);
    this.top = this.base;
    this.peak = this.base;
  }

  // ---- memory ----

  /** Bytes of the arena in use now / at most so far, and of the whole memory. */
  get usedBytes(): number {
    return this.top - this.base;
  }
  get peakBytes(): number {
    return this.peak - this.base;
  }
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  allocF32(length: number): F32Buf {
    return { kind: 'f32', ptr: this.bump(length * 4), length };
  }
  allocI32(length: number): I32Buf {
    return { kind: 'i32', ptr: this.bump(length * 4), length };
  }
  /**
   * Touches every 4 KiB page allocated so far, keeping its contents (each page's
   * first word is written back unchanged). The first touch of fresh wasm pages
   * is slow (the OS commits them: 100+ ms for a model's buffers), so call this
   * once after allocating, to move that cost from the first inference to load time.
   */
  prefault(): void {
    const words = new Int32Array(this.memory.buffer, this.base, (this.top - this.base) / 4);
    for (let i = 0; i < words.length; i += 1024) words[i] = words[i]!;
  }

  /** Arena position, to free everything allocated after it with release(). */
  mark(): number {
    return this.top;
  }
  release(mark: number): void {
    if (mark < this.base || mark > this.top) throw new RangeError('release: mark outside the arena');
    this.top = mark;
  }

  /** A buffer for part of another: elements [offset, offset + length). */
  sub(buf: F32Buf, offset: number, length: number): F32Buf {
    if (offset < 0 || length < 0 || offset + length > buf.length) throw new RangeError('sub: out of range');
    return { kind: 'f32', ptr: buf.ptr + offset * 4, length };
  }

  /** A typed array over the buffer (invalid after the memory grows: take a fresh one). */
  view(buf: F32Buf): Float32Array;
  view(buf: I32Buf): Int32Array;
  view(buf: F32Buf | I32Buf): Float32Array | Int32Array {
    return buf.kind === 'f32'
      ? new Float32Array(this.memory.buffer, buf.ptr, buf.length)
      : new Int32Array(this.memory.buffer, buf.ptr, buf.length);
  }
  write(buf: F32Buf, data: ArrayLike<number>): void {
    if (data.length !== buf.length) throw new RangeError(`write: ${data.length} values into ${buf.length}`);
    this.view(buf).set(data);
  }
  /** A copy of the buffer's contents. */
  read(buf: F32Buf): Float32Array {
    return this.view(buf).slice();
  }
  upload(data: ArrayLike<number>): F32Buf {
    const buf = this.allocF32(data.length);
    this.write(buf, data);
    return buf;
  }
  /** Packs a Keras [kd][kh][kw][in][out] kernel (see packConvWeights) into kernel memory. */
  uploadConvWeights(kernel: ArrayLike<number>, cin: number, cout: number, packing?: ConvPacking): ConvWeightsBuf {
    return this.uploadPacked(packConvWeights(kernel, cin, cout, packing));
  }
  uploadPacked(p: PackedConvWeights): ConvWeightsBuf {
    return { buf: this.upload(p.data), cin: p.cin, cout: p.cout };
  }

  // ---- convolution ----

  /**
   * Zero-padded copy of src ([c][d][h][w]) into padded, starting at padded channel
   * channelOffset; part 'pos'/'neg' takes max(x,0)/min(x,0) on the way.
   */
  pad3d(src: F32Buf, padded: F32Buf, c: number, s: Shape3, part: 'all' | 'pos' | 'neg' = 'all', channelOffset = 0): void {
    need(src, c * vol(s), 'pad3d src');
    const per = paddedFloats(1, s.d, s.h, s.w);
    needAtLeast(padded, (channelOffset + c) * per, 'pad3d padded');
    this.x.pad3d(src.ptr, padded.ptr + channelOffset * per * 4, c, s.d, s.h, s.w, PART[part]);
  }

  /** Padded [x+ ; x-] (2c channels) of src [c][d][h][w]: the input of a 'posneg' forward conv. */
  pad3dPosNeg(src: F32Buf, padded: F32Buf, c: number, s: Shape3): void {
    need(src, c * vol(s), 'pad3dPosNeg src');
    needAtLeast(padded, paddedFloats(2 * c, s.d, s.h, s.w), 'pad3dPosNeg padded');
    this.x.pad3d_posneg(src.ptr, padded.ptr, c, s.d, s.h, s.w);
  }

  /** Padded num / SD(den) (c channels): safeDiv and pad3d in one pass. */
  pad3dSafeDiv(num: F32Buf, den: F32Buf, padded: F32Buf, c: number, s: Shape3): void {
    need(num, c * vol(s), 'pad3dSafeDiv num');
    need(den, c * vol(s), 'pad3dSafeDiv den');
    needAtLeast(padded, paddedFloats(c, s.d, s.h, s.w), 'pad3dSafeDiv padded');
    this.x.pad3d_safe_div(num.ptr, den.ptr, padded.ptr, c, s.d, s.h, s.w);
  }

  /** 3x3x3 'same' conv on a padded input: out [w.cout][d][h][w] = bias + conv(padded, w), optional ReLU. */
  conv3dPadded(padded: F32Buf, out: F32Buf, w: ConvWeightsBuf, bias: F32Buf | null, s: Shape3, relu: boolean): void {
    this.conv3dPaddedRange(padded, out, w, bias, s, relu, 0, s.d);
  }

  /** conv3dPadded for output depth slices [d0, d1) only (what one thread computes). */
  conv3dPaddedRange(padded: F32Buf, out: F32Buf, w: ConvWeightsBuf, bias: F32Buf | null, s: Shape3, relu: boolean, d0: number, d1: number): void {
    needAtLeast(padded, paddedFloats(w.cin, s.d, s.h, s.w), 'conv3d padded input');
    need(out, w.cout * vol(s), 'conv3d out');
    need(w.buf, w.cin * 27 * w.cout * 4, 'conv3d weights');
    if (bias) need(bias, w.cout, 'conv3d bias');
    if (!(0 <= d0 && d0 <= d1 && d1 <= s.d)) throw new RangeError(`conv3d depth range [${d0}, ${d1}) outside [0, ${s.d})`);
    this.x.conv3d_padded_range(padded.ptr, out.ptr, w.buf.ptr, bias ? bias.ptr : 0, w.cin, w.cout, s.d, s.h, s.w, relu ? 1 : 0, d0, d1);
  }

  /** pad3d + conv3dPadded; scratch holds at least paddedFloats(w.cin, d, h, w) floats. */
  conv3d(src: F32Buf, out: F32Buf, w: ConvWeightsBuf, bias: F32Buf | null, s: Shape3, relu: boolean, scratch: F32Buf): void {
    this.pad3d(src, scratch, w.cin, s);
    this.conv3dPadded(scratch, out, w, bias, s, relu);
  }

  // ---- max-pooling ----

  /** 2x2x2 stride-2 valid max-pool of src [c][d][h][w]; argmax gets the flat src index of each window's first maximum. */
  maxpool3d(src: F32Buf, out: F32Buf, argmax: I32Buf, c: number, s: Shape3): void {
    const n = c * (s.d >> 1) * (s.h >> 1) * (s.w >> 1);
    need(src, c * vol(s), 'maxpool3d src');
    need(out, n, 'maxpool3d out');
    need(argmax, n, 'maxpool3d argmax');
    this.x.maxpool3d_argmax(src.ptr, out.ptr, argmax.ptr, c, s.d, s.h, s.w);
  }
  /** rin = 0 except rin[argmax[o]] = rout[o]. */
  maxpool3dRoute(rout: F32Buf, argmax: I32Buf, rin: F32Buf): void {
    need(argmax, rout.length, 'maxpool3dRoute argmax');
    this.x.maxpool3d_route(rout.ptr, argmax.ptr, rin.ptr, rout.length, rin.length);
  }

  // ---- elementwise (out may alias an input; lengths must match) ----

  mul(a: F32Buf, b: F32Buf, out: F32Buf): void {
    same(out, a, b);
    this.x.ew_mul(a.ptr, b.ptr, out.ptr, out.length);
  }
  add(a: F32Buf, b: F32Buf, out: F32Buf): void {
    same(out, a, b);
    this.x.ew_add(a.ptr, b.ptr, out.ptr, out.length);
  }
  pos(x: F32Buf, out: F32Buf): void {
    same(out, x);
    this.x.ew_pos(x.ptr, out.ptr, out.length);
  }
  neg(x: F32Buf, out: F32Buf): void {
    same(out, x);
    this.x.ew_neg(x.ptr, out.ptr, out.length);
  }
  fill(out: F32Buf, value: number): void {
    this.x.ew_fill(out.ptr, value, out.length);
  }
  /** out = num / SD(den), SD(d) = 1e-7 where d == 0 exactly, else d. */
  safeDiv(num: F32Buf, den: F32Buf, out: F32Buf): void {
    same(out, num, den);
    this.x.ew_safe_div(num.ptr, den.ptr, out.ptr, out.length);
  }
  /** out = num / (den + eps * s(den)), s = +1 for den >= 0 else -1 (epsilon rule). */
  epsDiv(num: F32Buf, den: F32Buf, out: F32Buf, eps: number): void {
    same(out, num, den);
    this.x.ew_eps_div(num.ptr, den.ptr, out.ptr, out.length, eps);
  }
  /** out = max(a,0) * cpos + min(a,0) * cneg. */
  posnegMul(a: F32Buf, cpos: F32Buf, cneg: F32Buf, out: F32Buf): void {
    same(out, a, cpos, cneg);
    this.x.ew_posneg_mul(a.ptr, cpos.ptr, cneg.ptr, out.ptr, out.length);
  }
  /** out[c] = src[c] * scale[c] + shift[c] per channel of c. */
  bnAffine(src: F32Buf, out: F32Buf, scale: F32Buf, shift: F32Buf, c: number): void {
    same(out, src);
    need(scale, c, 'bnAffine scale');
    need(shift, c, 'bnAffine shift');
    this.x.bn_affine(src.ptr, out.ptr, scale.ptr, shift.ptr, c, perChannel(out, c));
  }
  /** innvestigate 1.0.9's BN rule (docs/lrp.md): per channel k and b'; out = 2 r_pp - r_pn. */
  lrpBnAlphaBeta(a: F32Buf, r: F32Buf, out: F32Buf, k: F32Buf, bPrime: F32Buf, c: number): void {
    same(out, a, r);
    need(k, c, 'lrpBnAlphaBeta k');
    need(bPrime, c, 'lrpBnAlphaBeta b');
    this.x.lrp_bn_alphabeta(a.ptr, r.ptr, out.ptr, k.ptr, bPrime.ptr, c, perChannel(out, c));
  }

  // ---- dense, kernel in Keras layout [nin][nout] ----

  /** y = x W + b, optional ReLU. */
  denseForward(x: F32Buf, w: F32Buf, b: F32Buf | null, y: F32Buf, relu: boolean): void {
    need(w, x.length * y.length, 'denseForward kernel');
    if (b) need(b, y.length, 'denseForward bias');
    this.x.dense_forward(x.ptr, w.ptr, b ? b.ptr : 0, y.ptr, x.length, y.length, relu ? 1 : 0);
  }
  /** g = W s (the transpose: g[i] = sum_j w[i][j] s[j]). */
  denseTranspose(s: F32Buf, w: F32Buf, g: F32Buf): void {
    need(w, g.length * s.length, 'denseTranspose kernel');
    this.x.dense_transpose(s.ptr, w.ptr, g.ptr, g.length, s.length);
  }

  // ---- composed: a conv layer's alpha1-beta0 LRP step ----

  /**
   * Allocates weights and scratch for convAlpha1Beta0 of one conv layer
   * (Keras kernel [3][3][3][cin][cout], bias [cout] or null). Layers run one
   * after another, so they may share scratch: pass buffers at least as large
   * as this layer needs (e.g. those of the largest layer's plan).
   */
  planConvAlpha1Beta0(
    kernel: ArrayLike<number>,
    bias: ArrayLike<number> | null,
    cin: number,
    cout: number,
    shape: Shape3,
    scratch: Partial<Pick<ConvAlphaBetaPlan, 'padIn' | 'z' | 'padOut' | 'grad'>> = {},
  ): ConvAlphaBetaPlan {
    const n = vol(shape);
    const take = (given: F32Buf | undefined, len: number): F32Buf => (given ? this.sub(given, 0, len) : this.allocF32(len));
    return {
      cin,
      cout,
      shape,
      wForward: this.uploadConvWeights(kernel, cin, cout, { direction: 'forward', part: 'posneg' }),
      wBackward: this.uploadConvWeights(kernel, cin, cout, { direction: 'transpose', part: 'posneg' }),
      bias: bias ? this.upload(bias) : null,
      padIn: take(scratch.padIn, paddedFloats(2 * cin, shape.d, shape.h, shape.w)),
      z: take(scratch.z, cout * n),
      padOut: take(scratch.padOut, paddedFloats(cout, shape.d, shape.h, shape.w)),
      grad: take(scratch.grad, 2 * cin * n),
    };
  }

  /**
   * rin = sum_j (a+ w+ + a- w-) r_j / SD(D_j), D_j = conv(a+, w+) + conv(a-, w-) + b
   * (b+ + b- = b): five kernel calls, no allocation. a: [cin][vol], r: [cout][vol], rin: [cin][vol].
   */
  convAlpha1Beta0(p: ConvAlphaBetaPlan, a: F32Buf, r: F32Buf, rin: F32Buf): void {
    const n = vol(p.shape);
    need(a, p.cin * n, 'convAlpha1Beta0 a');
    need(r, p.cout * n, 'convAlpha1Beta0 r');
    need(rin, p.cin * n, 'convAlpha1Beta0 rin');
    this.pad3dPosNeg(a, p.padIn, p.cin, p.shape); // [a+ ; a-]
    this.conv3dPadded(p.padIn, p.z, p.wForward, p.bias, p.shape, false); // D = z+ + b
    this.pad3dSafeDiv(r, p.z, p.padOut, p.cout, p.shape); // s = R / SD(D)
    this.conv3dPadded(p.padOut, p.grad, p.wBackward, null, p.shape, false);
    const m = p.cin * n;
    this.posnegMul(a, this.sub(p.grad, 0, m), this.sub(p.grad, m, m), rin);
  }

  private bump(bytes: number): number {
    if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`alloc: bad size ${bytes}`);
    const ptr = this.top;
    const end = align16(ptr + bytes);
    if (end > this.memory.buffer.byteLength) {
      // Only at allocation time (model load), never inside a kernel call.
      this.memory.grow(Math.ceil((end - this.memory.buffer.byteLength) / PAGE));
    }
    this.top = end;
    if (end > this.peak) this.peak = end;
    return ptr;
  }
}

function align16(n: number): number {
  return Math.ceil(n / 16) * 16; // arithmetic, not bit ops: offsets may exceed 2^31
}
function vol(s: Shape3): number {
  return s.d * s.h * s.w;
}
function need(buf: { length: number }, n: number, what: string): void {
  if (buf.length !== n) throw new RangeError(`${what}: buffer of ${buf.length}, expected ${n}`);
}
function needAtLeast(buf: { length: number }, n: number, what: string): void {
  if (buf.length < n) throw new RangeError(`${what}: buffer of ${buf.length}, needs ${n}`);
}
function same(out: F32Buf, ...inputs: F32Buf[]): void {
  for (const b of inputs) need(b, out.length, 'elementwise operand');
}
function perChannel(buf: F32Buf, c: number): number {
  if (buf.length % c !== 0) throw new RangeError(`per-channel op: ${buf.length} not divisible by ${c} channels`);
  return buf.length / c;
}
