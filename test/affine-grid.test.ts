import { describe, expect, it } from 'vitest';
import { applyToPoint, invert, isClose, multiply, voxelSizes, IDENTITY } from '../src/core/volume/affine';
import { CAT12_GRID, isOnGrid } from '../src/core/volume/grid';

// An oblique affine: rotation about z by 10 deg and x by 7 deg, anisotropic voxels, a shift.
function oblique(): number[] {
  const a = (10 * Math.PI) / 180;
  const b = (7 * Math.PI) / 180;
  const rz = [Math.cos(a), -Math.sin(a), 0, 0, Math.sin(a), Math.cos(a), 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  const rx = [1, 0, 0, 0, 0, Math.cos(b), -Math.sin(b), 0, 0, Math.sin(b), Math.cos(b), 0, 0, 0, 0, 1];
  const s = [2, 0, 0, -80, 0, 1.2, 0, -110, 0, 0, 3, -60, 0, 0, 0, 1];
  return multiply(multiply(rz, rx), s);
}

describe('affine helpers', () => {
  it('multiply composes in the order a(b(p))', () => {
    const a = [2, 0, 0, 1, 0, 3, 0, 2, 0, 0, 4, 3, 0, 0, 0, 1];
    const b = [0, 1, 0, 5, 1, 0, 0, 6, 0, 0, 1, 7, 0, 0, 0, 1];
    const p = [1.5, -2, 3] as const;
    const viaProduct = applyToPoint(multiply(a, b), p);
    const stepwise = applyToPoint(a, applyToPoint(b, p));
    viaProduct.forEach((v, n) => expect(v).toBeCloseTo(stepwise[n]!, 12));
    // b first: swaps x/y then shifts -> (-2+5, 1.5+6, 3+7) = (3, 7.5, 10); then a -> (7, 24.5, 43)
    expect(viaProduct).toEqual([7, 24.5, 43]);
  });

  it('invert gives the inverse of an oblique affine', () => {
    const m = oblique();
    expect(isClose(multiply(m, invert(m)), IDENTITY, 1e-12)).toBe(true);
    expect(isClose(multiply(invert(m), m), IDENTITY, 1e-12)).toBe(true);
    const p = [12.5, -40, 33] as const;
    const back = applyToPoint(invert(m), applyToPoint(m, p));
    back.forEach((v, n) => expect(v).toBeCloseTo(p[n]!, 10));
  });

  it('invert needs pivoting for a permuted axis order', () => {
    const perm = [0, 0, 1.5, -10, 2, 0, 0, -20, 0, 3, 0, -30, 0, 0, 0, 1];
    expect(isClose(multiply(perm, invert(perm)), IDENTITY, 1e-12)).toBe(true);
  });

  it('invert refuses a singular affine', () => {
    expect(() => invert([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])).toThrow(/singular/);
    expect(() => invert([1, 2, 3, 0, 2, 4, 6, 0, 0, 0, 1, 0, 0, 0, 0, 1])).toThrow(/singular/);
  });

  it('voxelSizes are the column norms, rotation-invariant', () => {
    const vs = voxelSizes(oblique());
    expect(vs[0]).toBeCloseTo(2, 12);
    expect(vs[1]).toBeCloseTo(1.2, 12);
    expect(vs[2]).toBeCloseTo(3, 12);
    expect(voxelSizes(CAT12_GRID.affine)).toEqual([1.5, 1.5, 1.5]);
  });

  it('isClose respects its tolerance', () => {
    const b = Array.from(IDENTITY);
    b[3] = 5e-4;
    expect(isClose(IDENTITY, b, 1e-3)).toBe(true);
    expect(isClose(IDENTITY, b, 1e-4)).toBe(false);
    expect(isClose(IDENTITY, [NaN, ...IDENTITY.slice(1)], 1)).toBe(false);
  });
});

describe('CAT12 grid', () => {
  it('has the documented affine and bounding box', () => {
    expect(CAT12_GRID.dims).toEqual([121, 145, 121]);
    expect(applyToPoint(CAT12_GRID.affine, [0, 0, 0])).toEqual([90, -126, -72]);
    expect(applyToPoint(CAT12_GRID.affine, [120, 144, 120])).toEqual([-90, 90, 108]);
    // x = -1.5 i + 90, y = 1.5 j - 126, z = 1.5 k - 72 at an arbitrary voxel
    expect(applyToPoint(CAT12_GRID.affine, [7, 11, 13])).toEqual([-1.5 * 7 + 90, 1.5 * 11 - 126, 1.5 * 13 - 72]);
  });

  it('isOnGrid accepts the grid within 1e-3 and nothing else', () => {
    const data = new Float32Array(121 * 145 * 121);
    const ok = { dims: [121, 145, 121] as const, affine: CAT12_GRID.affine, data };
    expect(isOnGrid(ok)).toBe(true);
    const nearly = Array.from(CAT12_GRID.affine);
    nearly[3] = 90.0009;
    expect(isOnGrid({ ...ok, affine: nearly })).toBe(true);
    nearly[3] = 90.002;
    expect(isOnGrid({ ...ok, affine: nearly })).toBe(false);
    const ras = Array.from(CAT12_GRID.affine);
    ras[0] = 1.5;
    ras[3] = -90;
    expect(isOnGrid({ ...ok, affine: ras })).toBe(false);
    expect(isOnGrid({ dims: [121, 145, 120], affine: CAT12_GRID.affine, data })).toBe(false);
  });
});
