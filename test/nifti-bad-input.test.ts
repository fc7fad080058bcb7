/**
 * Every kind of bad input gives an InputError with a one-sentence, one-line message, before
 * anything large is allocated or inflated. Bad files are built here from a valid one.
 */
import { Gunzip, Gzip, gzipSync } from 'fflate';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../src/core/errors';
import { readNifti, writeNifti } from '../src/core/nifti';

const DIMS = [7, 9, 11] as const;
const N = 7 * 9 * 11;
const AFFINE = [-1.5, 0, 0, 90, 0, 1.5, 0, -126, 0, 0, 1.5, -72, 0, 0, 0, 1];

function validFile(data: Float32Array = new Float32Array(N).map((_, i) => i % 13)): Uint8Array {
  return writeNifti({ dims: DIMS, data, affine: AFFINE }, { datatype: 'float32' });
}

function patched(edit: (v: DataView, b: Uint8Array) => void, bytes = validFile()): Uint8Array {
  const copy = bytes.slice();
  edit(new DataView(copy.buffer), copy);
  return copy;
}

function setDims(v: DataView, dims: number[]): void {
  for (let i = 0; i < 8; i++) v.setInt16(40 + 2 * i, dims[i] ?? 1, true);
}

/** Reads, expects an InputError, checks it is one line and one sentence, and returns the message. */
function refusal(bytes: Uint8Array | ArrayBuffer, limits?: Parameters<typeof readNifti>[1]): string {
  let error: unknown;
  try {
    readNifti(bytes, limits);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(InputError);
  const message = (error as InputError).message;
  expect(message).not.toMatch(/\n/);
  expect(message).toMatch(/^[A-Z].*\.$/);
  expect(message.length).toBeLessThan(300);
  return message;
}

/** A gzip member holding `mib` MiB of zeros, compressed as it streams (never held inflated). */
function zerosMember(mib: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const gz = new Gzip({ level: 1, mtime: 0 }, (chunk) => parts.push(chunk));
  const zeros = new Uint8Array(1 << 20);
  for (let i = 0; i < mib; i++) gz.push(zeros);
  gz.push(new Uint8Array(0), true);
  return concat(parts);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A NIfTI header (352 bytes) claiming `dims` voxels of `datatype`, as its own gzip member. */
function headerMember(dims: number[], datatypeCode: number, bitpix: number): Uint8Array {
  const header = patched((v) => {
    setDims(v, dims);
    v.setInt16(70, datatypeCode, true);
    v.setInt16(72, bitpix, true);
  }).subarray(0, 352);
  return gzipSync(header);
}

afterEach(() => vi.restoreAllMocks());

describe('readNifti refuses bad input with one clear sentence', () => {
  it('is not fooled: the valid file used below reads fine', () => {
    expect(readNifti(validFile()).volume.dims).toEqual(DIMS);
  });

  it('PNG bytes', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Uint8Array(600)]);
    expect(refusal(png)).toMatch(/not a NIfTI image.*PNG/);
  });

  it('a text file', () => {
    const text = new TextEncoder().encode('subject,age\n001,73\n'.repeat(40));
    expect(refusal(text)).toMatch(/not a NIfTI image.*text file/);
  });

  it('an empty file and a tiny one', () => {
    expect(refusal(new Uint8Array(0))).toMatch(/not a NIfTI image/);
    expect(refusal(new ArrayBuffer(3))).toMatch(/not a NIfTI image/);
  });

  it('gzip of something that is not NIfTI', () => {
    expect(refusal(gzipSync(new TextEncoder().encode('hello '.repeat(200))))).toMatch(/not a NIfTI image/);
  });

  it('a NIfTI-sized header without the magic (ANALYZE) and a .hdr of a pair', () => {
    expect(refusal(patched((_, b) => b.set([0, 0, 0, 0], 344)))).toMatch(/ANALYZE/);
    expect(refusal(patched((_, b) => b.set([0x6e, 0x69, 0x31, 0], 344)))).toMatch(/\.hdr\/\.img pair/);
  });

  it('a file truncated in the voxel data, in the header, and a gzip stream cut short', () => {
    const file = validFile();
    expect(refusal(file.subarray(0, file.length - 10))).toMatch(/truncated.*describes 2772 bytes/);
    expect(refusal(file.subarray(0, 200))).toMatch(/truncated.*header/);
    expect(refusal(gzipSync(file.subarray(0, file.length - 10)))).toMatch(/truncated/);
    const gz = gzipSync(file);
    expect(refusal(gz.subarray(0, gz.length >> 1))).toMatch(/damaged or truncated/);
  });

  it('dims over the cap, without allocating them', () => {
    expect(refusal(patched((v) => setDims(v, [3, 30000, 30000, 30000])))).toMatch(/30000 x 30000 x 30000 voxels, more than the limit/);
    expect(refusal(validFile(), { maxVoxels: 100 })).toMatch(/more than the limit of 100 voxels/);
    expect(refusal(validFile(), { maxDecodedBytes: 1000 })).toMatch(/needs 2772 bytes, more than the limit of 1000 bytes/);
  });

  it('zero and negative dims, and an invalid dim[0]', () => {
    expect(refusal(patched((v) => setDims(v, [3, 7, 0, 11])))).toMatch(/zero or negative image size \(7 x 0 x 11\)/);
    expect(refusal(patched((v) => setDims(v, [3, 7, -9, 11])))).toMatch(/zero or negative/);
    expect(refusal(patched((v) => setDims(v, [0, 7, 9, 11])))).toMatch(/dim\[0\] = 0/);
    expect(refusal(patched((v) => setDims(v, [9, 7, 9, 11])))).toMatch(/dim\[0\] = 9/);
  });

  it('2D images', () => {
    expect(refusal(patched((v) => setDims(v, [2, 7, 9])))).toMatch(/not a 3D volume \(7 x 9 voxels\)/);
    expect(refusal(patched((v) => setDims(v, [3, 7, 9, 1])))).toMatch(/not a 3D volume/);
  });

  it('complex, RGB and unknown datatypes', () => {
    const withType = (code: number, bitpix: number) =>
      patched((v) => {
        v.setInt16(70, code, true);
        v.setInt16(72, bitpix, true);
      });
    expect(refusal(withType(32, 64))).toMatch(/complex64/);
    expect(refusal(withType(1792, 128))).toMatch(/complex128/);
    expect(refusal(withType(128, 24))).toMatch(/RGB24/);
    expect(refusal(withType(1024, 64))).toMatch(/int64/);
    expect(refusal(withType(999, 8))).toMatch(/unknown code 999/);
  });

  it('all-NaN data (and a notice, not a refusal, for some NaN)', () => {
    expect(refusal(validFile(new Float32Array(N).fill(NaN)))).toMatch(/Every voxel .* NaN/);
    const some = new Float32Array(N).fill(1);
    some[5] = NaN;
    expect(readNifti(validFile(some)).notices).toContainEqual({
      key: 'nifti.someNan',
      params: { nan: 1, total: N },
      text: `1 of ${N} voxels are NaN (not a number).`,
    });
  });

  it('a singular or non-finite affine', () => {
    // srow_z := 2 * srow_x: the three rows are linearly dependent
    const singular = patched((v) => {
      for (let c = 0; c < 4; c++) v.setFloat32(312 + 4 * c, 2 * v.getFloat32(280 + 4 * c, true), true);
    });
    expect(refusal(singular)).toMatch(/sform affine is singular/);
    expect(refusal(patched((v) => v.setFloat32(284, NaN, true)))).toMatch(/sform affine is singular or not finite/);
    // qform-only with zero voxel sizes is not singular (nifti1.h reads pixdim 0 as 1), but a flat sform is
    const noSform = patched((v) => v.setInt16(254, 0, true));
    expect(readNifti(noSform).header.affineSource).toBe('qform');
  });

  it('neither sform nor qform', () => {
    const none = patched((v) => {
      v.setInt16(252, 0, true);
      v.setInt16(254, 0, true);
    });
    expect(refusal(none)).toMatch(/neither an sform nor a qform/);
  });

  it('an invalid data offset', () => {
    expect(refusal(patched((v) => v.setFloat32(108, 352.5, true)))).toMatch(/vox_offset = 352\.5/);
  });

  it('huge dims in a NIfTI-2 header (64-bit sizes)', () => {
    // A minimal NIfTI-2 header: sizeof_hdr 540, magic "n+2\0\r\n\x1a\n", datatype float32, dims 3 x 2^40 x 2 x 2
    const b = new Uint8Array(544);
    const v = new DataView(b.buffer);
    v.setInt32(0, 540, true);
    b.set([0x6e, 0x2b, 0x32, 0, 0x0d, 0x0a, 0x1a, 0x0a], 4);
    v.setInt16(12, 16, true);
    v.setInt16(14, 32, true);
    [3, 2 ** 40, 2, 2, 1, 1, 1, 1].forEach((d, i) => v.setBigInt64(16 + 8 * i, BigInt(d), true));
    v.setBigInt64(168, 544n, true);
    expect(refusal(b)).toMatch(/more than the limit/);
  });
});

describe('gzip bombs are not inflated', () => {
  // Header member + 128 members of 16 MiB of zeros: 2 GiB inflated, about 2 MB compressed.
  const zeros16 = zerosMember(16);
  const trailer = concat(Array.from({ length: 128 }, () => zeros16));

  function countInflatedInput(): { bytes: number } {
    const count = { bytes: 0 };
    const push = Gunzip.prototype.push;
    vi.spyOn(Gunzip.prototype, 'push').mockImplementation(function (this: Gunzip, chunk: Uint8Array, final?: boolean) {
      count.bytes += chunk.length;
      return push.call(this, chunk, final);
    });
    return count;
  }

  it('is small on disk and claims 2 GiB', () => {
    expect(trailer.length).toBeLessThan(8 << 20);
  });

  it('refuses a header claiming 2 GiB (1024^3 int16) after inflating only the header', () => {
    const bomb = concat([headerMember([3, 1024, 1024, 1024], 4, 16), trailer]);
    const inflated = countInflatedInput();
    expect(refusal(bomb)).toMatch(/1024 x 1024 x 1024 voxels, more than the limit/);
    expect(refusal(bomb, { maxVoxels: 2 ** 31 })).toMatch(/needs 2147483648 bytes, more than the limit of 1073741824 bytes/);
    expect(inflated.bytes).toBeLessThanOrEqual(4 * 1024);
  });

  it('reads a modest header followed by 2 GiB of zeros by inflating only what the header needs', () => {
    const bomb = concat([headerMember([3, 64, 64, 64], 16, 32), trailer]);
    const inflated = countInflatedInput();
    const img = readNifti(bomb);
    expect(img.volume.dims).toEqual([64, 64, 64]);
    expect(img.volume.data.every((x) => x === 0)).toBe(true);
    expect(inflated.bytes).toBeLessThan(256 * 1024);
  });
});
