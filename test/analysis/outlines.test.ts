import { describe, expect, it } from 'vitest';
import { allRegionOutlines, regionOutline, sliceOutline, slicePlaneDims } from '../../src/core/analysis/outlines';
import type { Dims3 } from '../../src/core/volume/types';

const dims: Dims3 = [10, 12, 9];
const [nx, ny, nz] = dims;
const idx = (i: number, j: number, k: number) => i + nx * (j + ny * k);

/** A cube of label 5 at i 2..6, j 3..7, k 1..5 (5 voxels a side), and a slab of label 7 touching the grid's edge. */
function synthetic(): Uint8Array {
  const l = new Uint8Array(nx * ny * nz);
  for (let k = 1; k <= 5; k++) for (let j = 3; j <= 7; j++) for (let i = 2; i <= 6; i++) l[idx(i, j, k)] = 5;
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) l[idx(9, j, k)] = 7; // the whole i = 9 face
  return l;
}
const inCube = (i: number, j: number, k: number) => i >= 2 && i <= 6 && j >= 3 && j <= 7 && k >= 1 && k <= 5;

describe('regionOutline (3D surface voxels)', () => {
  it('marks exactly the cube voxels on its faces, no interior, nothing outside', () => {
    const out = regionOutline(synthetic(), dims, 5);
    let count = 0;
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          const surface = inCube(i, j, k) && (i === 2 || i === 6 || j === 3 || j === 7 || k === 1 || k === 5);
          expect(out[idx(i, j, k)]).toBe(surface ? 1 : 0);
          if (surface) count++;
        }
    expect(count).toBe(5 ** 3 - 3 ** 3);
  });

  it('counts the edge of the grid as outside (a one-voxel-thick face is all boundary)', () => {
    const out = regionOutline(synthetic(), dims, 7);
    expect(out.reduce((s, x) => s + x, 0)).toBe(ny * nz);
  });

  it("all-region outlines keep each boundary voxel's label", () => {
    const labels = synthetic();
    const all = allRegionOutlines(labels, dims);
    const five = regionOutline(labels, dims, 5);
    const seven = regionOutline(labels, dims, 7);
    for (let v = 0; v < all.length; v++) expect(all[v]).toBe(five[v] ? 5 : seven[v] ? 7 : 0);
  });

  it('accepts float labels', () => {
    const labels = synthetic();
    expect(regionOutline(Float32Array.from(labels), dims, 5)).toEqual(regionOutline(labels, dims, 5));
  });
});

describe('sliceOutline (in-plane boundary a viewer draws)', () => {
  it("an axial slice through the cube gives the square ring of its cross-section, even on the cube's top face", () => {
    const labels = synthetic();
    for (const k of [1, 3, 5]) {
      const out = sliceOutline(labels, dims, 2, k, 5);
      expect(slicePlaneDims(dims, 2)).toEqual([nx, ny]);
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          const ring = inCube(i, j, k) && (i === 2 || i === 6 || j === 3 || j === 7);
          expect(out[i + nx * j]).toBe(ring ? 1 : 0);
        }
    }
    expect(sliceOutline(labels, dims, 2, 0, 5).every((x) => x === 0)).toBe(true);
  });

  it('coronal and sagittal planes use (i, k) and (j, k) pixel order', () => {
    const labels = synthetic();
    const cor = sliceOutline(labels, dims, 1, 5, 5); // j = 5
    for (let k = 0; k < nz; k++)
      for (let i = 0; i < nx; i++) expect(cor[i + nx * k]).toBe(inCube(i, 5, k) && (i === 2 || i === 6 || k === 1 || k === 5) ? 1 : 0);
    const sag = sliceOutline(labels, dims, 0, 4, 5); // i = 4
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++) expect(sag[j + ny * k]).toBe(inCube(4, j, k) && (j === 3 || j === 7 || k === 1 || k === 5) ? 1 : 0);
  });

  it("'all' marks both sides of a border between two regions with their labels", () => {
    const labels = new Uint8Array(nx * ny * nz);
    for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) labels[idx(i, j, k)] = i < 5 ? 3 : 4;
    const out = sliceOutline(labels, dims, 2, 4, 'all');
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const edge = i === 0 || i === nx - 1 || j === 0 || j === ny - 1 || i === 4 || i === 5;
        expect(out[i + nx * j]).toBe(edge ? (i < 5 ? 3 : 4) : 0);
      }
  });

  it('refuses a slice outside the grid', () => {
    expect(() => sliceOutline(synthetic(), dims, 2, nz, 5)).toThrow(RangeError);
  });
});
