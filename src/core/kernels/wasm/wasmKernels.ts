/**
 * The kernels and their arena: ONE WebAssembly.Memory with a bump arena in it. Size it once per
 * model load and allocate every working buffer up front: kernels never allocate, and fresh pages
 * cost a first-touch penalty, so reuse buffers. Tensors are planar float32 [C][D][H][W].
 */
import { KERNEL_ABI_VERSION, type KernelVariant, type RawExports } from './abi';
import { need, needAtLeast, perChannel, same, vol, type ConvAlphaBetaPlan, type ConvWeightsBuf, type F32Buf, type I32Buf, type Shape3 } from './buffers';
import { packConvWeights, paddedFloats, type ConvPacking, type PackedConvWeights } from './layout';

const PART = { all: 0, pos: 1, neg: 2 } as const;
const PAGE = 65536;

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
    return buf.kind === 'f32' ? new Float32Array(this.memory.buffer, buf.ptr, buf.length) : new Int32Array(this.memory.buffer, buf.ptr, buf.length);
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

  /**
   * Weight and bias gradients of a 3x3x3 'same' conv, ADDED to dw (Keras layout [3][3][3][cin][cout])
   * and db (cout): paddedX is the padded input (cin channels), paddedG the padded output gradient
   * (cout channels), both as pad3d writes them.
   */
  conv3dWeightGrad(paddedX: F32Buf, paddedG: F32Buf, dw: F32Buf, db: F32Buf, cin: number, cout: number, s: Shape3): void {
    needAtLeast(paddedX, paddedFloats(cin, s.d, s.h, s.w), 'conv3dWeightGrad padded input');
    needAtLeast(paddedG, paddedFloats(cout, s.d, s.h, s.w), 'conv3dWeightGrad padded gradient');
    need(dw, 27 * cin * cout, 'conv3dWeightGrad dw');
    need(db, cout, 'conv3dWeightGrad db');
    this.x.conv3d_wgrad(paddedX.ptr, paddedG.ptr, dw.ptr, db.ptr, cin, cout, s.d, s.h, s.w);
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
