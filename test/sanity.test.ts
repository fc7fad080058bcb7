import { readFileSync } from 'node:fs';
import { gunzipSync } from 'fflate';
import * as nifti from 'nifti-reader-js';
import { describe, expect, it } from 'vitest';
import { CAT12_GRID } from '../src/core/volume/grid';
import { guessScanKind } from '../src/core/volume/sanity';
import { applyToPoint } from '../src/core/volume/affine';
import type { Volume } from '../src/core/volume/types';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Fill a volume from a function of world position (mm). */
function fromWorld(dims: [number, number, number], affine: number[], f: (x: number, y: number, z: number) => number): Volume<Float32Array> {
  const data = new Float32Array(dims[0] * dims[1] * dims[2]);
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++) {
        const [x, y, z] = applyToPoint(affine, [i, j, k]);
        data[i + dims[0] * (j + dims[1] * k)] = f(x, y, z);
      }
  return { dims, data, affine };
}

/** Normalized radius of an ellipsoid centred on the MNI brain (0, -17, 8). */
const r = (x: number, y: number, z: number, a: number, b: number, c: number) => Math.hypot(x / a, (y + 17) / b, (z - 8) / c);

/** GM-like map: a cortical ribbon (values ~0.5..1) and patchy deep GM, 0 elsewhere, all inside the brain. */
function gmMap(x: number, y: number, z: number, rand: () => number): number {
  const rr = r(x, y, z, 68, 88, 70);
  if (rr > 1) return 0;
  if (rr > 0.85) return 0.5 + 0.45 * rand();
  return Math.sin(x / 7) * Math.cos(y / 9) > 0.6 ? 0.3 + 0.4 * rand() : 0.05 * rand();
}

/** T1-like head: brain 500..800, CSF 150, skull 40, scalp/fat 900, noisy background 0..20. */
function t1Head(x: number, y: number, z: number, rand: () => number): number {
  const rr = r(x, y, z, 68, 88, 70);
  if (rr <= 0.9) return 500 + 300 * rand();
  if (rr <= 1.0) return 150 + 30 * rand();
  if (rr <= 1.1) return 40 + 20 * rand();
  if (rr <= 1.2) return 850 + 100 * rand();
  return 20 * rand();
}

const RAS2 = [2, 0, 0, -90, 0, 2, 0, -126, 0, 0, 2, -72, 0, 0, 0, 1];

function readAsset(path: string): Volume<Uint8Array> {
  const bytes = gunzipSync(readFileSync(new URL(`../${path}`, import.meta.url)));
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const h = nifti.readHeader(buf) as nifti.NIFTI1;
  const view = new DataView(buf);
  const affine: number[] = [];
  for (let n = 0; n < 12; n++) affine.push(view.getFloat32(280 + 4 * n, h.littleEndian)); // sform (code 4)
  affine.push(0, 0, 0, 1);
  return { dims: [h.dims[1]!, h.dims[2]!, h.dims[3]!], data: new Uint8Array(nifti.readImage(h, buf) as ArrayBuffer), affine };
}

describe('guessScanKind', () => {
  it('recognizes a GM-like map in MNI space on the CAT12 grid', () => {
    const rand = rng(1);
    const v = fromWorld([121, 145, 121], Array.from(CAT12_GRID.affine), (x, y, z) => gmMap(x, y, z, rand));
    expect(guessScanKind(v)).toEqual({ kind: 'gm-map' });
  });

  it('recognizes the same map on a 2 mm RAS grid with NaN background', () => {
    const rand = rng(2);
    const v = fromWorld([91, 109, 91], RAS2, (x, y, z) => gmMap(x, y, z, rand) || NaN);
    expect(guessScanKind(v).kind).toBe('gm-map');
  });

  it('flags a T1-like head (0..1000 with skull and scalp) as a raw T1', () => {
    const rand = rng(3);
    const v = fromWorld([91, 109, 91], RAS2, (x, y, z) => t1Head(x, y, z, rand));
    expect(guessScanKind(v)).toEqual({
      kind: 'raw-t1',
      message: 'this looks like a raw T1 scan; the model expects a CAT12 gray-matter map (mwp1)',
    });
    // the same scan stored as 0..255 bytes
    const bytes = { ...v, data: Uint8Array.from(v.data, (x) => Math.min(255, Math.round(x * 0.25))) };
    expect(guessScanKind(bytes).kind).toBe('raw-t1');
  });

  it('flags the real Colin27 whole-head T1 as a raw T1', () => {
    expect(guessScanKind(readAsset('public/template/colin27_t1.nii.gz')).kind).toBe('raw-t1');
  });

  it('does not take a whole-head T1 scaled to 0..1 for a GM map (signal outside the brain)', () => {
    const t1 = readAsset('public/template/colin27_t1.nii.gz');
    const scaled = { ...t1, data: Float32Array.from(t1.data, (x) => x / 255) };
    const g = guessScanKind(scaled);
    expect(g.kind).not.toBe('gm-map');
    expect(g.message).toBeTruthy();
  });

  it('flags a GM map shifted 500 mm away as not in MNI space', () => {
    const rand = rng(4);
    const v = fromWorld([121, 145, 121], Array.from(CAT12_GRID.affine), (x, y, z) => gmMap(x, y, z, rand));
    const shifted = Array.from(v.affine);
    shifted[3] = shifted[3]! + 500;
    const g = guessScanKind({ ...v, affine: shifted });
    expect(g.kind).toBe('not-mni');
    expect(g.message).toMatch(/MNI/);
  });

  it('flags a GM-range image whose signal lies mostly outside the brain as not in MNI space', () => {
    const rand = rng(5);
    // A large field of view whose signal sits 120 mm anterior of the brain.
    const v = fromWorld([100, 160, 100], [2, 0, 0, -100, 0, 2, 0, -140, 0, 0, 2, -100, 0, 0, 0, 1], (x, y, z) => gmMap(x, y - 120, z, rand));
    expect(guessScanKind(v).kind).toBe('not-mni');
  });

  it('says unknown for an empty image and for a singular affine', () => {
    const v: Volume<Float32Array> = { dims: [10, 10, 10], data: new Float32Array(1000), affine: Array.from(CAT12_GRID.affine) };
    expect(guessScanKind({ ...v, dims: [121, 145, 121], data: new Float32Array(121 * 145 * 121) }).kind).toBe('unknown');
    expect(guessScanKind({ ...v, affine: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] }).kind).toBe('unknown');
  });
});
