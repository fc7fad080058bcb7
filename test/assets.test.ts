/**
 * The committed atlas/template assets (scripts/make_assets.py) sit on the CAT12 grid and put
 * regions where the source atlas puts them. Expected centroids were computed with nibabel from
 * the *source* 1 mm mricron aal.nii.gz, not from these files.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'fflate';
import * as nifti from 'nifti-reader-js';
import { describe, expect, it } from 'vitest';
import { applyToPoint, isClose } from '../src/core/volume/affine';
import { CAT12_GRID } from '../src/core/volume/grid';

interface Asset {
  h: nifti.NIFTI1;
  sform: number[];
  qform: number[];
  slope: number;
  inter: number;
  data: Uint8Array;
}

/** sform from srow, qform decoded from the quaternion as in nifti1_io.c (independent of any reader's choice). */
function readAsset(path: string): Asset {
  const bytes = gunzipSync(readFileSync(new URL(`../${path}`, import.meta.url)));
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const h = nifti.readHeader(buf) as nifti.NIFTI1;
  const view = new DataView(buf);
  const f32 = (o: number) => view.getFloat32(o, h.littleEndian);
  const sform: number[] = [];
  for (let n = 0; n < 12; n++) sform.push(f32(280 + 4 * n));
  sform.push(0, 0, 0, 1);
  const [b, c, d] = [f32(256), f32(260), f32(264)];
  const a = Math.sqrt(Math.max(0, 1 - b * b - c * c - d * d));
  const R = [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
  ];
  const qfac = f32(76) < 0 ? -1 : 1;
  const pix = [f32(80), f32(84), f32(88) * qfac];
  const off = [f32(268), f32(272), f32(276)];
  const qform: number[] = [];
  for (let r = 0; r < 3; r++) qform.push(R[r]![0]! * pix[0]!, R[r]![1]! * pix[1]!, R[r]![2]! * pix[2]!, off[r]!);
  qform.push(0, 0, 0, 1);
  const data = new Uint8Array(nifti.readImage(h, buf) as ArrayBuffer);
  return { h, sform, qform, slope: f32(112), inter: f32(116), data };
}

const PATHS = ['public/atlas/aal.nii.gz', 'public/template/colin27_t1.nii.gz', 'public/template/colin27_brain.nii.gz'];

describe('atlas and template assets', () => {
  it.each(PATHS)('%s is uint8 on the CAT12 grid, sform and qform (MNI), slope 1', (path) => {
    const { h, sform, qform, slope, inter, data } = readAsset(path);
    expect(h.datatypeCode).toBe(2);
    expect([h.dims[1], h.dims[2], h.dims[3]]).toEqual([121, 145, 121]);
    expect(h.sform_code).toBe(4);
    expect(h.qform_code).toBe(4);
    expect(isClose(sform, CAT12_GRID.affine, 1e-6)).toBe(true);
    expect(isClose(qform, CAT12_GRID.affine, 1e-5)).toBe(true);
    expect([slope, inter]).toEqual([1, 0]);
    expect(data.length).toBe(121 * 145 * 121);
  });

  it('the AAL labels are 0..116, all present, named by aal.json', () => {
    const { data } = readAsset('public/atlas/aal.nii.gz');
    const present = new Set(data);
    for (let l = 0; l <= 116; l++) expect(present.has(l), `label ${l}`).toBe(true);
    expect(Math.max(...present)).toBe(116);
    const regions = JSON.parse(readFileSync(new URL('../public/atlas/aal.json', import.meta.url), 'utf8')) as { index: number; name: string; code: number }[];
    expect(regions.map((r) => r.index)).toEqual(Array.from({ length: 116 }, (_, n) => n + 1));
    expect(regions[36]).toEqual({ index: 37, name: 'Hippocampus_L', code: 4101 });
    expect(regions[37]!.name).toBe('Hippocampus_R');
    expect(regions[40]!.name).toBe('Amygdala_L');
  });

  it('the hippocampi lie where the source atlas has them (left at x < 0), within 1.5 mm', () => {
    const { data } = readAsset('public/atlas/aal.nii.gz');
    // nibabel on mricron's 1 mm aal.nii.gz: label 37 at (-26.0, -20.7, -10.1), 38 at (28.2, -19.8, -10.3)
    const expected: Record<number, [number, number, number]> = { 37: [-26.0, -20.7, -10.1], 38: [28.2, -19.8, -10.3] };
    for (const [label, want] of Object.entries(expected)) {
      let n = 0,
        si = 0,
        sj = 0,
        sk = 0;
      for (let k = 0; k < 121; k++)
        for (let j = 0; j < 145; j++)
          for (let i = 0; i < 121; i++)
            if (data[i + 121 * (j + 145 * k)] === Number(label)) {
              n++;
              si += i;
              sj += j;
              sk += k;
            }
      const c = applyToPoint(CAT12_GRID.affine, [si / n, sj / n, sk / n]);
      c.forEach((v, a) => expect(Math.abs(v - want[a]!)).toBeLessThan(1.5));
    }
  });

  it('the templates hold a head (T1 up to ~250) and a brain (up to ~133)', () => {
    const t1 = readAsset('public/template/colin27_t1.nii.gz').data;
    const brain = readAsset('public/template/colin27_brain.nii.gz').data;
    const max = (a: Uint8Array) => a.reduce((m, x) => (x > m ? x : m), 0);
    expect(max(t1)).toBeGreaterThan(200);
    expect(max(brain)).toBeGreaterThan(100);
    expect(max(brain)).toBeLessThanOrEqual(133);
    let headOnly = 0;
    for (let n = 0; n < t1.length; n++) if (t1[n]! > 30 && brain[n] === 0) headOnly++;
    expect(headOnly).toBeGreaterThan(100_000); // scalp, skull, neck
  });
});
