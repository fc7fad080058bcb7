/**
 * Relevance maps taken back from the CAT12 grid into a scan's own space (core/analysis/scanSpace),
 * against plain index arithmetic: scans whose voxel centres coincide with grid voxel centres must
 * receive exactly the grid values there.
 */
import { describe, expect, it } from 'vitest';
import { mismatches } from './helpers/arrays';
import { gridMapToScan } from '../src/core/analysis/scanSpace';
import { CAT12_GRID } from '../src/core/volume/grid';
import { resampleToGrid } from '../src/core/volume/resample';

const [NX, NY, NZ] = CAT12_GRID.dims;
const N = NX * NY * NZ;

function randomMap(seed = 7): Float32Array {
  let s = seed;
  const m = new Float32Array(N);
  for (let v = 0; v < N; v++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    m[v] = (s / 2 ** 32) * 2 - 1;
  }
  return m;
}

describe('gridMapToScan', () => {
  const map = randomMap();

  it('a scan on the CAT12 grid: grid -> scan -> grid is the identity, bit for bit', () => {
    const scan = gridMapToScan(map, { dims: CAT12_GRID.dims, affine: CAT12_GRID.affine });
    expect(scan.dims).toEqual([NX, NY, NZ]);
    const back = resampleToGrid(scan, CAT12_GRID, 'trilinear').data;
    expect(mismatches(back, map)).toBe(0);
  });

  it('a RAS scan (i reversed) receives the mirrored grid map, and the round trip is the identity', () => {
    const ras = [1.5, 0, 0, -90, 0, 1.5, 0, -126, 0, 0, 1.5, -72, 0, 0, 0, 1];
    const scan = gridMapToScan(map, { dims: [NX, NY, NZ], affine: ras });
    let bad = 0;
    for (let k = 0; k < NZ; k++)
      for (let j = 0; j < NY; j++)
        for (let i = 0; i < NX; i++) {
          if (scan.data[i + NX * (j + NY * k)] !== map[NX - 1 - i + NX * (j + NY * k)]) bad++;
        }
    expect(bad).toBe(0);
    expect(mismatches(resampleToGrid(scan, CAT12_GRID, 'trilinear').data, map)).toBe(0);
  });

  it('a 3 mm scan with axes permuted (k, i, j) samples every other grid voxel exactly; outside the grid is 0', () => {
    // Scan voxel (a, b, c): world x = -3 b + 90, y = 3 c - 126, z = 3 a - 72, one extra plane along a past the grid's top.
    const dims: [number, number, number] = [62, 61, 73];
    const affine = [0, -3, 0, 90, 0, 0, 3, -126, 3, 0, 0, -72, 0, 0, 0, 1];
    const scan = gridMapToScan(map, { dims, affine });
    let bad = 0;
    for (let c = 0; c < 73; c++)
      for (let b = 0; b < 61; b++)
        for (let a = 0; a < 62; a++) {
          const got = scan.data[a + 62 * (b + 61 * c)];
          const [i, j, k] = [2 * b, 2 * c, 2 * a];
          const want = k < NZ ? map[i + NX * (j + NY * k)] : 0;
          if (got !== want) bad++;
        }
    expect(bad).toBe(0);
    expect(scan.affine).toEqual(affine);
  });
});
