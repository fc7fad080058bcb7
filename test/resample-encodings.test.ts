/**
 * Independent check of resampleToGrid against nibabel + scipy (fixtures made by
 * scripts/fixtures/make_resample_fixtures.py): the Colin27 brain stored as RAS, LAS, permuted
 * axes, oblique sform, qform only (with a decoy srow), and on the CAT12 grid — read by our NIfTI
 * reader and placed by our resampler, exactly as the pipeline does.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readNifti } from '../src/core/nifti';
import { applyToPoint, isClose } from '../src/core/volume/affine';
import { CAT12_GRID, isOnGrid } from '../src/core/volume/grid';
import { resampleToGrid } from '../src/core/volume/resample';
import type { Volume } from '../src/core/volume/types';

const DIR = new URL('./fixtures/resample/', import.meta.url);
const NAMES = ['ras', 'las', 'permuted', 'oblique', 'qform_only', 'on_grid'] as const;
type Name = (typeof NAMES)[number];

interface Reference {
  voxels: number[];
  values: Record<Name, number[]>;
  centroid_mm: Record<Name, [number, number, number]>;
}
const ref = JSON.parse(new TextDecoder().decode(gunzipSync(readFileSync(new URL('reference.json.gz', DIR))))) as Reference;

/** Through the app's own reader, as a user's file would go (sform when sform_code > 0, else qform). */
function readFixture(name: Name): Volume<Float32Array> {
  const image = readNifti(readFileSync(new URL(`${name}.nii.gz`, DIR)));
  expect(image.header.datatype).toBe('uint8');
  return image.volume;
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sa = 0,
    sb = 0;
  const n = a.length;
  for (let i = 0; i < n; i++) {
    sa += a[i]!;
    sb += b[i]!;
  }
  const ma = sa / n,
    mb = sb / n;
  let cov = 0,
    va = 0,
    vb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma,
      db = b[i]! - mb;
    cov += da * db;
    va += da * da;
    vb += db * db;
  }
  return cov / Math.sqrt(va * vb);
}

function centroid(v: Volume<Float32Array>): [number, number, number] {
  const [nx, ny, nz] = v.dims;
  let w = 0,
    x = 0,
    y = 0,
    z = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const val = v.data[i + nx * (j + ny * k)]!;
        if (val > 0) {
          w += val;
          x += val * i;
          y += val * j;
          z += val * k;
        }
      }
  return applyToPoint(v.affine, [x / w, y / w, z / w]);
}

const ours = new Map<Name, Volume<Float32Array>>();
for (const name of NAMES) ours.set(name, resampleToGrid(readFixture(name), CAT12_GRID, 'trilinear'));
const atSamples = (name: Name) => ref.voxels.map((n) => ours.get(name)!.data[n]!);

describe('resampleToGrid against nibabel + scipy on the Colin27 brain in six encodings', () => {
  it.each(NAMES)('%s: correlates > 0.995 with scipy inside the brain, values within 0.01', (name) => {
    const got = atSamples(name);
    const want = ref.values[name];
    expect(correlation(got, want)).toBeGreaterThan(0.995);
    let worst = 0;
    for (let n = 0; n < got.length; n++) worst = Math.max(worst, Math.abs(got[n]! - want[n]!));
    expect(worst).toBeLessThan(0.01); // same algorithm: only float rounding and the JSON's 3 decimals (values 0..133)
  });

  it.each(NAMES)('%s: the brain lands where scipy puts it and where the RAS copy lands (< 0.75 mm)', (name) => {
    const c = centroid(ours.get(name)!);
    const cRas = centroid(ours.get('ras')!);
    for (let a = 0; a < 3; a++) {
      expect(Math.abs(c[a]! - ref.centroid_mm[name][a]!)).toBeLessThan(0.75);
      expect(Math.abs(c[a]! - cRas[a]!)).toBeLessThan(0.75);
    }
    // The brain is centred near the MNI origin (x ~ 0: no left-right flip shifts it by tens of mm).
    expect(Math.abs(c[0])).toBeLessThan(5);
  });

  it('lossless re-encodings (LAS, permuted, qform only) agree voxel by voxel with RAS', () => {
    const ras = ours.get('ras')!.data;
    for (const name of ['las', 'permuted', 'qform_only'] as const) {
      const d = ours.get(name)!.data;
      let worst = 0;
      for (let n = 0; n < d.length; n++) worst = Math.max(worst, Math.abs(d[n]! - ras[n]!));
      expect(worst, name).toBeLessThan(1e-3);
    }
  });

  it('the oblique and on-grid copies agree with RAS per voxel inside the brain', () => {
    const ras = atSamples('ras');
    expect(correlation(atSamples('oblique'), ras)).toBeGreaterThan(0.98);
    expect(correlation(atSamples('on_grid'), ras)).toBeGreaterThan(0.98);
  });

  it('on_grid (affine 4e-4 mm off, within tolerance) is copied bit-identically', () => {
    const v = readFixture('on_grid');
    expect(isOnGrid(v)).toBe(true);
    expect(isClose(v.affine, CAT12_GRID.affine, 1e-5)).toBe(false); // the offset survived the file
    const out = ours.get('on_grid')!;
    let differing = 0;
    for (let n = 0; n < v.data.length; n++) if (out.data[n] !== v.data[n]) differing++;
    expect(differing).toBe(0);
  });
});
