/**
 * Mutation fuzzing input: a real fixture with a few byte-level edits, as a fast-check
 * arbitrary (so a failure shrinks to the smallest set of edits and replays from its seed).
 *
 * The edits are those that break readers in practice: bit flips, a byte or a 2/4/8-byte field
 * set to a boundary value (0, -1, INT32_MAX, NaN bits, ...) in either byte order, truncation,
 * deleted, inserted and duplicated runs. Half of the positions fall in the first 1 KiB, where
 * headers and superblocks live; the rest anywhere.
 */
import fc from 'fast-check';

export type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'byte'; at: number; value: number }
  | { op: 'field'; at: number; width: 2 | 4 | 8; value: number; littleEndian: boolean }
  | { op: 'truncate'; at: number }
  | { op: 'delete'; at: number; length: number }
  | { op: 'insert'; at: number; bytes: number[] }
  | { op: 'duplicate'; at: number; length: number };

/** Boundary values written into 2/4/8-byte fields (as integers, or float bit patterns via 'nan'/'inf'). */
const FIELD_VALUES = [
  0,
  1,
  -1,
  2,
  3,
  4,
  7,
  8,
  16,
  255,
  256,
  348,
  352,
  540,
  544,
  0x7fff,
  0x8000,
  0xffff,
  0x7fffffff,
  -0x80000000,
  0xffffffff,
  2 ** 31 + 7,
  2 ** 40,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  1e30,
  -1e30,
];
const BYTE_VALUES = [0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1f, 0x20, 0x7f, 0x80, 0x8b, 0xfe, 0xff];

/**
 * A position: half in the first KiB (headers), half anywhere (a fraction of the length, stored
 * as -1 - f). Uniform on purpose: fast-check's default bias to small integers, and fc.double's
 * uniformity over float bit patterns (most of them near 0), would put most edits on the magic
 * bytes, which only tests the first check.
 */
const FRACTION_STEPS = 2 ** 30;
const position = fc.oneof(
  fc.noBias(fc.integer({ min: 0, max: 1023 })),
  fc.noBias(fc.integer({ min: 0, max: FRACTION_STEPS - 1 })).map((n) => -(n / FRACTION_STEPS) - 1),
);

function resolvePos(p: number, length: number): number {
  if (length === 0) return 0;
  if (p >= 0) return Math.min(p, length - 1);
  return Math.min(length - 1, Math.floor((-p - 1) * length));
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('byte' as const), at: position, value: fc.oneof(fc.constantFrom(...BYTE_VALUES), fc.integer({ min: 0, max: 255 })) }),
  fc.record({
    op: fc.constant('field' as const),
    at: position,
    width: fc.constantFrom(2 as const, 4 as const, 8 as const),
    value: fc.oneof(fc.constantFrom(...FIELD_VALUES), fc.integer()),
    littleEndian: fc.boolean(),
  }),
  fc.record({ op: fc.constant('truncate' as const), at: position }),
  fc.record({ op: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant('insert' as const), at: position, bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 16 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: position, length: fc.integer({ min: 1, max: 256 }) }),
);

function writeField(out: Uint8Array, at: number, width: 2 | 4 | 8, value: number, littleEndian: boolean): void {
  const buf = new DataView(new ArrayBuffer(8));
  if (!Number.isInteger(value)) {
    if (width === 2)
      buf.setUint16(0, 0x7e00, littleEndian); // a half-float NaN pattern
    else if (width === 4) buf.setFloat32(0, value, littleEndian);
    else buf.setFloat64(0, value, littleEndian);
  } else if (width === 2) buf.setUint16(0, value & 0xffff, littleEndian);
  else if (width === 4) buf.setUint32(0, value >>> 0, littleEndian);
  else buf.setBigInt64(0, BigInt(Math.trunc(value)), littleEndian);
  for (let i = 0; i < width && at + i < out.length; i++) out[at + i] = buf.getUint8(i);
}

/** Applies the edits in order to a copy of `input`. */
export function applyMutations(input: Uint8Array, edits: readonly Mutation[]): Uint8Array {
  let out: Uint8Array = input.slice();
  for (const m of edits) {
    const at = resolvePos(m.at, out.length);
    switch (m.op) {
      case 'flip':
        if (out.length) out[at] ^= 1 << m.bit;
        break;
      case 'byte':
        if (out.length) out[at] = m.value;
        break;
      case 'field':
        writeField(out, at, m.width, m.value, m.littleEndian);
        break;
      case 'truncate':
        out = out.slice(0, at);
        break;
      case 'delete':
        out = concat(out.subarray(0, at), out.subarray(at + m.length));
        break;
      case 'insert':
        out = concat(out.subarray(0, at), Uint8Array.from(m.bytes), out.subarray(at));
        break;
      case 'duplicate':
        out = concat(out.subarray(0, at + m.length), out.subarray(at));
        break;
    }
  }
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export interface MutatedInput {
  fixture: string;
  edits: Mutation[];
  bytes: Uint8Array;
}

/** One of `fixtures` (name -> bytes) with 1..6 edits applied. */
export function mutatedInput(fixtures: ReadonlyArray<{ name: string; bytes: Uint8Array }>): fc.Arbitrary<MutatedInput> {
  return fc.record({ index: fc.nat({ max: fixtures.length - 1 }), edits: fc.array(mutation, { minLength: 1, maxLength: 6 }) }).map(({ index, edits }) => {
    const f = fixtures[index]!;
    const bytes = applyMutations(f.bytes, edits);
    // A counterexample prints as its recipe, not as kilobytes of bytes.
    return { fixture: f.name, edits, bytes, [fc.toStringMethod]: () => `${f.name} with ${JSON.stringify(edits)} (${bytes.length} bytes)` };
  });
}
