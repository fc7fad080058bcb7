/**
 * Buffers in kernel memory as the TypeScript side sees them (byte offset and element count), and the
 * shape checks every kernel call makes before it touches memory.
 */
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

export function vol(s: Shape3): number {
  return s.d * s.h * s.w;
}
export function need(buf: { length: number }, n: number, what: string): void {
  if (buf.length !== n) throw new RangeError(`${what}: buffer of ${buf.length}, expected ${n}`);
}
export function needAtLeast(buf: { length: number }, n: number, what: string): void {
  if (buf.length < n) throw new RangeError(`${what}: buffer of ${buf.length}, needs ${n}`);
}
export function same(out: F32Buf, ...inputs: F32Buf[]): void {
  for (const b of inputs) need(b, out.length, 'elementwise operand');
}
export function perChannel(buf: F32Buf, c: number): number {
  if (buf.length % c !== 0) throw new RangeError(`per-channel op: ${buf.length} not divisible by ${c} channels`);
  return buf.length / c;
}
