/**
 * A model's covariate model: which metadata asks for it, and the binary (float32, float16) and
 * NIfTI forms of the five coefficient maps, decoded against values written independently here.
 */
import { describe, expect, it } from 'vitest';
import { Buffer } from 'node:buffer';
import { gzipSync } from 'node:zlib';
import { covariateModelSpec, decodeCovariateBinary, loadCovariateModel } from '../src/core/model/covariateModel';
import { halfToFloat } from '../src/core/model/float16';
import { writeNifti } from '../src/core/nifti';
import { residualize } from '../src/core/analysis/residualize';

/** Five maps of n voxels with distinct, exactly representable values: map m voxel v = m + v / 4. */
function maps(n: number): Float32Array[] {
  return [0, 1, 2, 3, 4].map((m) => Float32Array.from({ length: n }, (_, v) => m + (v % 16) / 4));
}

function float32Bytes(ms: Float32Array[]): Uint8Array {
  const buf = Buffer.alloc(ms.length * ms[0].length * 4);
  let o = 0;
  for (const m of ms)
    for (const x of m) {
      buf.writeFloatLE(x, o);
      o += 4;
    }
  return new Uint8Array(buf);
}

/** Half-precision bits of small multiples of 1/4 (what the maps hold), computed by hand. */
function halfBits(x: number): number {
  if (x === 0) return 0;
  const sign = x < 0 ? 0x8000 : 0;
  const a = Math.abs(x);
  const e = Math.floor(Math.log2(a));
  const frac = Math.round((a / 2 ** e - 1) * 1024);
  return sign | ((e + 15) << 10) | frac;
}

describe('covariateModelSpec', () => {
  it('is null for models that take raw maps', () => {
    expect(covariateModelSpec(undefined)).toBeNull();
    expect(covariateModelSpec({})).toBeNull();
    expect(covariateModelSpec({ residualize: false, covariateModel: 'x.bin' })).toBeNull();
  });
  it('reads a binary file name and its dtype, or five NIfTI names', () => {
    expect(covariateModelSpec({ residualize: true, covariateModel: 'cov.bin' })).toEqual({ kind: 'binary', path: 'cov.bin', dtype: undefined });
    expect(covariateModelSpec({ residualize: true, covariateModel: 'cov.bin', covariateModelDtype: 'float16' })).toEqual({
      kind: 'binary',
      path: 'cov.bin',
      dtype: 'float16',
    });
    const paths = { b0: 'a.nii', b1: 'b.nii', b2: 'c.nii', b3: 'd.nii', b4: 'e.nii.gz' };
    expect(covariateModelSpec({ residualize: true, covariateModel: paths })).toEqual({ kind: 'nifti', paths });
  });
  it('refuses a request without a file, with a missing map, or with an unknown dtype', () => {
    expect(() => covariateModelSpec({ residualize: true })).toThrow(/names no covariateModel/);
    expect(() => covariateModelSpec({ residualize: true, covariateModel: { b0: 'a', b1: 'b' } })).toThrow(/b2/);
    expect(() => covariateModelSpec({ residualize: true, covariateModel: 'x', covariateModelDtype: 'int8' })).toThrow(/float32/);
  });
});

describe('decodeCovariateBinary', () => {
  const n = 40;
  const ref = maps(n);
  it('decodes float32 maps b0..b4 in order', () => {
    const m = decodeCovariateBinary(float32Bytes(ref), n);
    expect([m.b0, m.b1, m.b2, m.b3, m.b4]).toEqual(ref);
  });
  it('decodes float16 maps (told by the size)', () => {
    const buf = Buffer.alloc(5 * n * 2);
    let o = 0;
    for (const m of ref)
      for (const x of m) {
        buf.writeUInt16LE(halfBits(x), o);
        o += 2;
      }
    const m = decodeCovariateBinary(new Uint8Array(buf), n);
    expect([m.b0, m.b1, m.b2, m.b3, m.b4]).toEqual(ref);
  });
  it('half-precision special values', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });
  it('decodes a gzip-compressed file (what training writes) like the plain one; refuses one that unpacks to the wrong size', () => {
    const m = decodeCovariateBinary(new Uint8Array(gzipSync(float32Bytes(ref))), n);
    expect([m.b0, m.b1, m.b2, m.b3, m.b4]).toEqual(ref);
    expect(() => decodeCovariateBinary(new Uint8Array(gzipSync(new Uint8Array(5 * n * 4 + 64))), n)).toThrow(/801 bytes; five maps of 40 voxels need 800/);
  });
  it('refuses a file of the wrong size with the sizes it needs', () => {
    expect(() => decodeCovariateBinary(new Uint8Array(123), n)).toThrow(/800 \(float32\) or 400 \(float16\)/);
    expect(() => decodeCovariateBinary(new Uint8Array(400), n, 'float32')).toThrow(/bytes/);
  });
});

describe('loadCovariateModel', () => {
  const dims = [4, 5, 2] as const;
  const n = 40;
  const ref = maps(n);
  const affine = [-1.5, 0, 0, 90, 0, 1.5, 0, -126, 0, 0, 1.5, -72, 0, 0, 0, 1];
  it('reads five NIfTI maps through the host reader, paths as given', async () => {
    const files = new Map<string, Uint8Array>();
    ['b0', 'b1', 'b2', 'b3', 'b4'].forEach((b, m) =>
      files.set(`maps/${b}.nii.gz`, writeNifti({ dims: [...dims], data: ref[m], affine }, { datatype: 'float32', gzip: true })),
    );
    const spec = covariateModelSpec({
      residualize: true,
      covariateModel: Object.fromEntries(['b0', 'b1', 'b2', 'b3', 'b4'].map((b) => [b, `maps/${b}.nii.gz`])),
    })!;
    const m = await loadCovariateModel(spec, async (p) => files.get(p)!, dims);
    expect([m.b0, m.b1, m.b2, m.b3, m.b4]).toEqual(ref);
  });
  it('refuses NIfTI maps that are not on the grid', async () => {
    const small = writeNifti({ dims: [2, 2, 2], data: new Float32Array(8), affine }, { datatype: 'float32' });
    const spec = covariateModelSpec({ residualize: true, covariateModel: { b0: 'x', b1: 'x', b2: 'x', b3: 'x', b4: 'x' } })!;
    await expect(loadCovariateModel(spec, async () => small, dims)).rejects.toThrow(/2x2x2.*4x5x2/);
  });
  it('the loaded maps residualize as value - (b0 + b1 age + b2 sex + b3 tiv + b4 field)', async () => {
    const spec = covariateModelSpec({ residualize: true, covariateModel: 'c.bin' })!;
    const m = await loadCovariateModel(spec, async () => float32Bytes(ref), dims);
    const gm = Float32Array.from({ length: n }, (_, v) => v / 10);
    const cov = { age: 70, sex: 1, tiv: 1500, field: 1.5 };
    const out = residualize(gm, m, cov);
    for (let v = 0; v < n; v++) {
      const expected = v / 10 - (ref[0][v] + ref[1][v] * 70 + ref[2][v] * 1 + ref[3][v] * 1500 + ref[4][v] * 1.5);
      expect(out[v]).toBeCloseTo(expected, 2);
    }
  });
});
