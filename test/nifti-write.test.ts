/**
 * writeNifti against nibabel: for the same volume and affine, our header fields and voxel bytes
 * must equal those of the nibabel-written references in test/fixtures/nifti (writer_*.nii:
 * sform and qform code 2, units mm, made by scripts/fixtures/make_nifti_fixtures.py), and a
 * round trip through readNifti must be bit-exact.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readNifti, writeNifti } from '../src/core/nifti';
import type { Dims3 } from '../src/core/volume/types';

const DIR = join(__dirname, 'fixtures', 'nifti');
const refs = JSON.parse(readFileSync(join(DIR, 'writer_refs.json'), 'utf8')) as {
  shape: [number, number, number];
  refs: { name: string; affine: number[][]; float32: string; uint8: string }[];
};
const dims = refs.shape as Dims3;

/** The fixture volume, from the formula the Python script states: ((3i + 5j + 7k) mod 17) * 0.25 - 1.5. */
function writerVolume(): Float32Array {
  const [nx, ny, nz] = dims;
  const out = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) out[i + nx * (j + ny * k)] = ((3 * i + 5 * j + 7 * k) % 17) * 0.25 - 1.5;
  return out;
}

const f32 = (b: Uint8Array, o: number) => new DataView(b.buffer, b.byteOffset).getFloat32(o, true);
const slice = (b: Uint8Array, from: number, to: number) => Array.from(b.subarray(from, to));

/** Quaternion (b, c, d) -> rotation matrix; a = sqrt(1 - b^2 - c^2 - d^2). Written out here as a reference. */
function quatMatrix(b: number, c: number, d: number): number[] {
  const a = Math.sqrt(Math.max(0, 1 - b * b - c * c - d * d));
  return [
    a * a + b * b - c * c - d * d,
    2 * (b * c - a * d),
    2 * (b * d + a * c),
    2 * (b * c + a * d),
    a * a + c * c - b * b - d * d,
    2 * (c * d - a * b),
    2 * (b * d - a * c),
    2 * (c * d + a * b),
    a * a + d * d - c * c - b * b,
  ];
}

function expectSameHeader(ours: Uint8Array, theirs: Uint8Array): void {
  expect(slice(ours, 0, 4)).toEqual(slice(theirs, 0, 4)); // sizeof_hdr
  expect(slice(ours, 40, 56)).toEqual(slice(theirs, 40, 56)); // dim
  expect(slice(ours, 70, 74)).toEqual(slice(theirs, 70, 74)); // datatype, bitpix
  for (let p = 0; p < 8; p++) expect(f32(ours, 76 + 4 * p)).toBeCloseTo(f32(theirs, 76 + 4 * p), 5); // pixdim incl. qfac
  expect(slice(ours, 108, 120)).toEqual(slice(theirs, 108, 120)); // vox_offset, scl_slope, scl_inter
  expect(ours[123]! & 7).toBe(theirs[123]! & 7); // spatial units: mm
  expect(slice(ours, 252, 256)).toEqual(slice(theirs, 252, 256)); // qform_code, sform_code
  // The quaternion is defined up to sign when a = 0, so compare the rotations it encodes.
  const qo = quatMatrix(f32(ours, 256), f32(ours, 260), f32(ours, 264));
  const qt = quatMatrix(f32(theirs, 256), f32(theirs, 260), f32(theirs, 264));
  for (let i = 0; i < 9; i++) expect(qo[i]).toBeCloseTo(qt[i]!, 5);
  expect(slice(ours, 268, 328)).toEqual(slice(theirs, 268, 328)); // qoffset, srow_x/y/z exactly
  expect(slice(ours, 344, 352)).toEqual(slice(theirs, 344, 352)); // magic "n+1\0", no extensions
  expect(ours.length).toBe(theirs.length);
}

describe('writeNifti matches nibabel', () => {
  const data = writerVolume();
  for (const ref of refs.refs) {
    const affine = ref.affine.flat();
    it(`${ref.name}: float32`, () => {
      const theirs = new Uint8Array(readFileSync(join(DIR, ref.float32)));
      const ours = writeNifti({ dims, data, affine }, { datatype: 'float32' });
      expectSameHeader(ours, theirs);
      expect(Buffer.from(ours.subarray(352)).equals(Buffer.from(theirs.subarray(352)))).toBe(true);
    });
    it(`${ref.name}: uint8 with slope 0.25 and intercept -1.5`, () => {
      const theirs = new Uint8Array(readFileSync(join(DIR, ref.uint8)));
      const ours = writeNifti({ dims, data, affine }, { datatype: 'uint8', sclSlope: 0.25, sclInter: -1.5 });
      expectSameHeader(ours, theirs);
      expect(Buffer.from(ours.subarray(352)).equals(Buffer.from(theirs.subarray(352)))).toBe(true);
    });
  }
});

describe('writeNifti round trips through readNifti', () => {
  const affine = [-1.5, 0, 0, 90, 0, 1.5, 0, -126, 0, 0, 1.5, -72, 0, 0, 0, 1];
  const n = dims[0] * dims[1] * dims[2];

  it('float32 is bit-exact, NaN and extremes included, gzipped or not', () => {
    const data = new Float32Array(n);
    const bits = new Uint32Array(data.buffer);
    let s = 12345;
    for (let i = 0; i < n; i++) bits[i] = s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[0] = NaN;
    data[1] = -0;
    data[2] = 3.4028234663852886e38;
    data[3] = 1e-45;
    for (const gzip of [false, true]) {
      const back = readNifti(writeNifti({ dims, data, affine }, { datatype: 'float32', gzip, description: 'round trip' }));
      expect(Buffer.from(back.volume.data.buffer).equals(Buffer.from(data.buffer))).toBe(true);
      expect(back.volume.affine).toEqual(affine);
      expect(back.header.description).toBe('round trip');
      expect(back.header.gzipped).toBe(gzip);
      expect(back.header.datatype).toBe('float32');
    }
  });

  it('uint8 is bit-exact for values on the quantization lattice', () => {
    const slope = Math.fround(0.0123);
    const inter = Math.fround(-0.7);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = ((i * 37) % 256) * slope + inter; // stored as float32
    const back = readNifti(writeNifti({ dims, data, affine }, { datatype: 'uint8', sclSlope: slope, sclInter: inter }));
    expect(back.header.datatype).toBe('uint8');
    expect(Buffer.from(back.volume.data.buffer).equals(Buffer.from(data.buffer))).toBe(true);
  });

  it('uint8 rounds and clamps, maps NaN to the code nearest 0, and by default spans the data range', () => {
    const data = new Float32Array(n).fill(0.5);
    data[0] = -10; // clamps to code 0
    data[1] = 1000; // clamps to 255
    data[2] = 0.374; // rounds to 0.25 + ... code round(0.374 / 0.25) = 1
    data[3] = NaN;
    const bytes = writeNifti({ dims, data, affine }, { datatype: 'uint8', sclSlope: 0.25, sclInter: 0 });
    expect(Array.from(bytes.subarray(352, 357))).toEqual([0, 255, 1, 0, 2]);

    const ramp = new Float32Array(n).map((_, i) => 3 + (i / (n - 1)) * 7); // 3 .. 10
    const codes = writeNifti({ dims, data: ramp, affine }, { datatype: 'uint8' }).subarray(352);
    expect(codes[0]).toBe(0);
    expect(codes[n - 1]).toBe(255);
    const back = readNifti(writeNifti({ dims, data: ramp, affine }, { datatype: 'uint8' })).volume.data;
    for (let i = 0; i < n; i++) expect(Math.abs(back[i]! - ramp[i]!)).toBeLessThanOrEqual((7 / 255) * 0.5 + 1e-5);
  });

  it('gzip output inflates to the plain output', () => {
    const data = writerVolume();
    const plain = writeNifti({ dims, data, affine }, { datatype: 'float32' });
    const gz = writeNifti({ dims, data, affine }, { datatype: 'float32', gzip: true });
    expect(gz[0]).toBe(0x1f);
    expect(gz[1]).toBe(0x8b);
    expect(Buffer.from(gunzipSync(gz)).equals(Buffer.from(plain))).toBe(true);
  });

  it('accepts integer typed arrays as float32 input', () => {
    const data = new Int16Array(n).map((_, i) => i - 300);
    const back = readNifti(writeNifti({ dims, data, affine }, { datatype: 'float32' }));
    expect(Array.from(back.volume.data)).toEqual(Array.from(data));
  });

  it('refuses programming errors', () => {
    const data = new Float32Array(n);
    expect(() => writeNifti({ dims, data: new Float32Array(5), affine }, { datatype: 'float32' })).toThrow(RangeError);
    expect(() => writeNifti({ dims, data, affine }, { datatype: 'float32', sclSlope: 2 })).toThrow(RangeError);
    expect(() => writeNifti({ dims, data, affine }, { datatype: 'uint8', sclSlope: 0, sclInter: 0 })).toThrow(RangeError);
    expect(() => writeNifti({ dims, data, affine: affine.map((x, i) => (i % 4 === 0 ? 0 : x)) }, { datatype: 'float32' })).toThrow(RangeError);
  });
});
