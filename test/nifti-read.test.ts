/**
 * readNifti against nibabel: every fixture of test/fixtures/nifti (written by
 * scripts/fixtures/make_nifti_fixtures.py) must give nibabel's scaled values (get_fdata,
 * rounded once to float32), nibabel's affine (sform if sform_code > 0, else qform), its qform
 * and its orientation code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { orientationCode, readNifti } from '../src/core/nifti';

const DIR = join(__dirname, 'fixtures', 'nifti');

interface Case {
  file: string;
  version: 1 | 2;
  datatype: string;
  littleEndian: boolean;
  dim: number[];
  shape: number[];
  nVolumes: number;
  scaled: boolean;
  sclSlope: number | null;
  sclInter: number | null;
  sformCode: number;
  qformCode: number;
  affine: number[][];
  sform: number[][] | null;
  qform: number[][] | null;
  orientation: string;
  nanCount: number;
  values: (number | null)[];
}

const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as { cases: Case[] };

function expectAffineClose(actual: readonly number[], rows: number[][], tol: number): void {
  const flat = rows.flat();
  for (let i = 0; i < 16; i++) expect(Math.abs(actual[i]! - flat[i]!)).toBeLessThanOrEqual(tol);
}

describe('readNifti on nibabel-written fixtures', () => {
  it('covers what the brief asks for', () => {
    const files = expected.cases.map((c) => c.file);
    for (const dt of ['uint8', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'float64']) {
      expect(expected.cases.some((c) => c.datatype === dt && c.littleEndian)).toBe(true);
      expect(expected.cases.some((c) => c.datatype === dt && !c.littleEndian)).toBe(true);
    }
    expect(expected.cases.some((c) => c.version === 2)).toBe(true);
    expect(expected.cases.some((c) => c.nVolumes > 1)).toBe(true);
    expect(expected.cases.some((c) => c.sformCode === 0 && c.qformCode > 0)).toBe(true);
    expect(expected.cases.some((c) => c.scaled && !c.littleEndian && c.datatype === 'int16')).toBe(true);
    expect(files.some((f) => f.endsWith('.gz')) && files.some((f) => f.endsWith('.nii'))).toBe(true);
  });

  for (const c of expected.cases) {
    it(c.file, () => {
      const bytes = readFileSync(join(DIR, c.file));
      const img = readNifti(bytes);
      const h = img.header;
      expect(h.version).toBe(c.version);
      expect(h.datatype).toBe(c.datatype);
      expect(h.littleEndian).toBe(c.littleEndian);
      expect(h.gzipped).toBe(c.file.endsWith('.gz'));
      expect(h.dims).toEqual(c.dim);
      expect([...img.volume.dims]).toEqual(c.shape);
      expect(h.nVolumes).toBe(c.nVolumes);
      expect(h.scaled).toBe(c.scaled);
      if (c.scaled) {
        expect(h.sclSlope).toBe(c.sclSlope);
        expect(h.sclInter).toBe(c.sclInter);
      }
      expect(h.sformCode).toBe(c.sformCode);
      expect(h.qformCode).toBe(c.qformCode);
      expect(h.affineSource).toBe(c.sformCode > 0 ? 'sform' : 'qform');

      // sform: float32 fields copied, so exact; qform: quaternion math, double precision
      expectAffineClose(img.volume.affine, c.affine, 1e-9);
      if (c.qform && c.qformCode > 0) expectAffineClose(h.qform!, c.qform, 1e-9);
      if (c.sform && c.sformCode > 0) expectAffineClose(h.sform!, c.sform, 0);
      expect(orientationCode(img.volume.affine)).toBe(c.orientation);
      const lin = c.affine;
      for (let a = 0; a < 3; a++) {
        expect(h.voxelSize[a]).toBeCloseTo(Math.hypot(lin[0]![a]!, lin[1]![a]!, lin[2]![a]!), 9);
      }

      const data = img.volume.data;
      expect(data).toBeInstanceOf(Float32Array);
      expect(data.length).toBe(c.values.length);
      let mismatches = 0;
      for (let i = 0; i < data.length; i++) {
        const want = c.values[i];
        const ok = want === null ? Number.isNaN(data[i]) : data[i] === Math.fround(want);
        if (!ok) mismatches++;
      }
      expect(mismatches).toBe(0);

      const notices = img.notices.map((n) => n.text);
      if (c.nVolumes > 1) expect(notices).toContain(`4D file with ${c.nVolumes} volumes: using the first.`);
      if (c.nanCount > 0) expect(notices.some((n) => n.startsWith(`${c.nanCount} of ${data.length} voxels are NaN`))).toBe(true);
      else expect(notices.some((n) => n.includes('NaN'))).toBe(false);
    });
  }

  it('lets the sform win over a differing qform, and says so', () => {
    const img = readNifti(readFileSync(join(DIR, 'sform_qform_differ.nii.gz')));
    expect(img.header.affineSource).toBe('sform');
    expect(orientationCode(img.volume.affine)).toBe('LAS');
    expect(orientationCode(img.header.qform!)).not.toBe('LAS');
    expect(img.notices.map((n) => n.text)).toContain('The sform and qform of the file differ: using the sform.');
  });

  it('accepts an ArrayBuffer as well as a Uint8Array, and a Uint8Array that is a view into a larger buffer', () => {
    const bytes = readFileSync(join(DIR, 'int16_be.nii'));
    const a = readNifti(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    const b = readNifti(padded.subarray(3));
    expect(b.volume.data).toEqual(a.volume.data);
  });

  it("does not alias the caller's bytes", () => {
    const bytes = new Uint8Array(readFileSync(join(DIR, 'float32_be.nii')));
    const img = readNifti(bytes);
    const before = img.volume.data[10];
    bytes.fill(0, 352);
    expect(img.volume.data[10]).toBe(before);
  });
});
