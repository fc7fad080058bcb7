import { describe, expect, it } from 'vitest';
import { applyToPoint, invert, multiply } from '../src/core/volume/affine';
import { CAT12_GRID } from '../src/core/volume/grid';
import { resampleToGrid } from '../src/core/volume/resample';
import { InputError } from '../src/core/errors';
import type { Volume } from '../src/core/volume/types';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function rot(axis: 'x' | 'y' | 'z', deg: number): number[] {
  const c = Math.cos((deg * Math.PI) / 180);
  const s = Math.sin((deg * Math.PI) / 180);
  if (axis === 'x') return [1, 0, 0, 0, 0, c, -s, 0, 0, s, c, 0, 0, 0, 0, 1];
  if (axis === 'y') return [c, 0, s, 0, 0, 1, 0, 0, -s, 0, c, 0, 0, 0, 0, 1];
  return [c, -s, 0, 0, s, c, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
}

function randomVolume(dims: [number, number, number], affine: number[], seed: number): Volume<Float32Array> {
  const r = rng(seed);
  const data = new Float32Array(dims[0] * dims[1] * dims[2]);
  for (let n = 0; n < data.length; n++) data[n] = Math.round(r() * 1000) / 8;
  return { dims, data, affine };
}

/**
 * Plain reference: per target voxel, full matrix inversion path, and scipy's
 * map_coordinates(order=1, mode='constant') rule written as an 8-tap weighted sum.
 */
function referenceTrilinear(v: Volume, grid: { dims: readonly number[]; affine: readonly number[] }): Float64Array {
  const [nx, ny, nz] = v.dims;
  const inv = invert(v.affine);
  const out = new Float64Array(grid.dims[0]! * grid.dims[1]! * grid.dims[2]!);
  const val = (x: number, y: number, z: number) => (x < nx && y < ny && z < nz ? v.data[x + nx * (y + ny * z)]! : 0);
  for (let k = 0; k < grid.dims[2]!; k++)
    for (let j = 0; j < grid.dims[1]!; j++)
      for (let i = 0; i < grid.dims[0]!; i++) {
        const [x, y, z] = applyToPoint(inv, applyToPoint(grid.affine, [i, j, k]));
        if (x < 0 || y < 0 || z < 0 || x > nx - 1 || y > ny - 1 || z > nz - 1) continue;
        const x0 = Math.floor(x),
          y0 = Math.floor(y),
          z0 = Math.floor(z);
        let s = 0;
        for (const [dx, wx] of [
          [0, 1 - (x - x0)],
          [1, x - x0],
        ] as const)
          for (const [dy, wy] of [
            [0, 1 - (y - y0)],
            [1, y - y0],
          ] as const)
            for (const [dz, wz] of [
              [0, 1 - (z - z0)],
              [1, z - z0],
            ] as const) {
              const w = wx * wy * wz;
              if (w !== 0) s += w * val(x0 + dx, y0 + dy, z0 + dz);
            }
        out[i + grid.dims[0]! * (j + grid.dims[1]! * k)] = s;
      }
  return out;
}

describe('resampleToGrid', () => {
  it('returns an on-grid volume as a bit-identical copy', () => {
    const v = randomVolume([121, 145, 121], Array.from(CAT12_GRID.affine), 1);
    v.data[5] = NaN;
    v.data[6] = 1 / 3; // not exactly representable through any interpolation arithmetic
    const nearly = Array.from(CAT12_GRID.affine);
    nearly[7] = -126.0005; // within 1e-3: still on the grid
    for (const affine of [CAT12_GRID.affine, nearly]) {
      const out = resampleToGrid({ ...v, affine }, CAT12_GRID, 'trilinear');
      expect(out.data).not.toBe(v.data);
      const a = new Uint32Array(out.data.buffer);
      const b = new Uint32Array(v.data.buffer);
      let differing = 0;
      for (let n = 0; n < b.length; n++) if (a[n] !== b[n]) differing++;
      expect(a.length).toBe(b.length);
      expect(differing).toBe(0);
      expect(out.affine).toEqual(Array.from(CAT12_GRID.affine));
    }
  });

  it('matches a plain 8-tap reference on an oblique, anisotropic source', () => {
    const aff = multiply(multiply(rot('z', 10), rot('x', -8)), [2, 0, 0, -20, 0, 2.5, 0, -25, 0, 0, 1.7, -15, 0, 0, 0, 1]);
    const v = randomVolume([20, 18, 22], aff, 7);
    const grid = { dims: [30, 28, 26] as const, affine: [-1.5, 0, 0, 22, 0, 1.5, 0, -30, 0, 0, 1.5, -20, 0, 0, 0, 1] };
    const out = resampleToGrid(v, grid, 'trilinear');
    const ref = referenceTrilinear(v, grid);
    let inside = 0;
    for (let n = 0; n < ref.length; n++) {
      if (ref[n] !== 0) inside++;
      expect(Math.abs(out.data[n]! - ref[n]!)).toBeLessThan(1e-3);
    }
    expect(inside).toBeGreaterThan(ref.length / 4); // the test covers real overlap, not only zeros
    expect(inside).toBeLessThan(ref.length); // and the outside
  });

  it('reproduces a linear function of world position exactly inside the source', () => {
    const aff = multiply(multiply(rot('y', 12), rot('z', -9)), [1.1, 0, 0, -12, 0, 0.9, 0, -10, 0, 0, 1.3, -14, 0, 0, 0, 1]);
    const dims: [number, number, number] = [24, 26, 22];
    const f = (p: readonly number[]) => 3 * p[0]! - 2 * p[1]! + 0.5 * p[2]! + 7;
    const data = new Float32Array(dims[0] * dims[1] * dims[2]);
    for (let k = 0; k < dims[2]; k++)
      for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++) data[i + dims[0] * (j + dims[1] * k)] = f(applyToPoint(aff, [i, j, k]));
    const grid = { dims: [20, 20, 20] as const, affine: [1, 0, 0, -8, 0, 1, 0, -6, 0, 0, 1, -6, 0, 0, 0, 1] };
    const out = resampleToGrid({ dims, data, affine: aff }, grid, 'trilinear');
    const inv = invert(aff);
    let checked = 0;
    for (let k = 0; k < 20; k++)
      for (let j = 0; j < 20; j++)
        for (let i = 0; i < 20; i++) {
          const w = applyToPoint(grid.affine, [i, j, k]);
          const s = applyToPoint(inv, w);
          const inside = s.every((c, a) => c >= 0 && c <= dims[a]! - 1);
          const got = out.data[i + 20 * (j + 20 * k)]!;
          if (inside) {
            checked++;
            expect(got).toBeCloseTo(f(w), 2);
          } else if (s.some((c, a) => c < -0.01 || c > dims[a]! - 1 + 0.01)) expect(got).toBe(0);
        }
    expect(checked).toBeGreaterThan(1000);
  });

  it('gives the same result for RAS and LAS storage of the same image', () => {
    const ras = randomVolume([16, 17, 18], [1, 0, 0, -8, 0, 1, 0, -9, 0, 0, 1, -7, 0, 0, 0, 1], 3);
    // LAS: flip i, so voxel i' = 15 - i, x = -i' + 7
    const las = new Float32Array(ras.data.length);
    for (let k = 0; k < 18; k++) for (let j = 0; j < 17; j++) for (let i = 0; i < 16; i++) las[15 - i + 16 * (j + 17 * k)] = ras.data[i + 16 * (j + 17 * k)]!;
    const grid = { dims: [11, 12, 13] as const, affine: [-1.5, 0, 0, 7.3, 0, 1.5, 0, -9.2, 0, 0, 1.5, -7.1, 0, 0, 0, 1] };
    const a = resampleToGrid(ras, grid, 'trilinear');
    const b = resampleToGrid({ dims: [16, 17, 18], data: las, affine: [-1, 0, 0, 7, 0, 1, 0, -9, 0, 0, 1, -7, 0, 0, 0, 1] }, grid, 'trilinear');
    for (let n = 0; n < a.data.length; n++) expect(b.data[n]).toBeCloseTo(a.data[n]!, 3);
  });

  it('follows scipy at the borders: last plane sampled, anything beyond is 0', () => {
    // 1D-like source along x: values 10, 20, 30 at x = 0, 1, 2 (1 mm RAS), target every 0.5 mm from x = -1.
    const v: Volume<Float32Array> = { dims: [3, 1, 1], data: Float32Array.from([10, 20, 30]), affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] };
    const out = resampleToGrid(v, { dims: [9, 1, 1], affine: [0.5, 0, 0, -1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] }, 'trilinear');
    // scipy.ndimage.map_coordinates([10,20,30], [[-1,-.5,0,.5,1,1.5,2,2.5,3]], order=1, mode='constant') (scipy 1.10):
    expect(Array.from(out.data)).toEqual([0, 0, 10, 15, 20, 25, 30, 0, 0]);
  });

  it('nearest keeps labels and takes the nearest voxel (halves round up)', () => {
    const v: Volume<Uint8Array> = { dims: [4, 1, 1], data: Uint8Array.from([5, 6, 7, 8]), affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] };
    const out = resampleToGrid(v, { dims: [6, 1, 1], affine: [0.75, 0, 0, -0.75, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] }, 'nearest');
    // x = -0.75 (outside), 0 -> 0, 0.75 -> 1, 1.5 -> 2 (half rounds up), 2.25 -> 2, 3 -> 3
    expect(Array.from(out.data)).toEqual([0, 5, 6, 7, 7, 8]);
    const labels = randomVolume([10, 11, 12], Array.from(multiply(rot('z', 20), [1.2, 0, 0, -5, 0, 1.2, 0, -6, 0, 0, 1.2, -7, 0, 0, 0, 1])), 9);
    const lab = resampleToGrid(
      { ...labels, data: labels.data.map(Math.round) },
      { dims: [12, 12, 12], affine: [1, 0, 0, -6, 0, 1, 0, -6, 0, 0, 1, -6, 0, 0, 0, 1] },
      'nearest',
    );
    const allowed = new Set([0, ...labels.data.map(Math.round)]);
    for (const x of lab.data) expect(allowed.has(x)).toBe(true);
  });

  it('refuses a singular source affine with an InputError', () => {
    const v = randomVolume([4, 4, 4], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], 2);
    expect(() => resampleToGrid(v, CAT12_GRID, 'trilinear')).toThrow(InputError);
  });
});
