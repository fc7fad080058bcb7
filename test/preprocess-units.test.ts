/**
 * The raw-T1 stage's building blocks against independent expectations: int16 NIfTI writing with
 * scaling (what scanners write and the simulator uses), the level grids' alignment, block means in
 * world coordinates, the blur that gives maps of finer scans the grid's resolution, the demons' exponential and Jacobian on fields with known answers, and the
 * affine registration recovering a known transform of the head template.
 */
import { describe, expect, it } from 'vitest';
import { readNifti, writeNifti } from '../src/core/nifti';
import { applyToPoint, multiply } from '../src/core/volume/affine';
import { CAT12_GRID } from '../src/core/volume/grid';
import type { Dims3 } from '../src/core/volume/types';
import { double, halve, levelGrid, sampleAt } from '../src/core/preprocess/grid';
import { blockMean } from '../src/core/preprocess/pyramid';
import { matchResolution, resolutionMatchSigmas } from '../src/core/preprocess/resolution';
import { exponentiate, jacobianDeterminant, type Field } from '../src/core/preprocess/demons';
import { affineLevel, correlation, warpAffine } from '../src/core/preprocess/affineRegistration';
import { rotation } from '../src/core/preprocess/linalg';
import { templates } from './helpers/rawT1';

describe('int16 NIfTI with scaling', () => {
  it('round-trips values within half a quantization step, slope chosen from the largest magnitude', () => {
    const data = Float32Array.from({ length: 24 }, (_, i) => (i - 7) * 123.4567);
    const bytes = writeNifti({ dims: [2, 3, 4], data, affine: [-1, 0, 0, 3, 0, 1.2, 0, -4, 0, 0, 2, 5, 0, 0, 0, 1] }, { datatype: 'int16' });
    const img = readNifti(bytes);
    expect(img.header.datatype).toBe('int16');
    expect(img.header.scaled).toBe(true);
    const slope = img.header.sclSlope;
    expect(slope).toBeCloseTo((16 * 123.4567) / 32000, 6);
    for (let i = 0; i < data.length; i++) expect(Math.abs(img.volume.data[i]! - data[i]!)).toBeLessThanOrEqual(slope / 2 + 1e-4);
  });
});

describe('level grids', () => {
  it('the 3 mm and 6 mm levels put voxel centres on every 2nd / 4th CAT12 voxel', () => {
    for (const level of [1, 2]) {
      const g = levelGrid(level);
      const f = 2 ** level;
      for (const ijk of [
        [0, 0, 0],
        [3, 5, 7],
        [g.dims[0] - 1, g.dims[1] - 1, g.dims[2] - 1],
      ] as const) {
        const a = applyToPoint(g.affine, ijk);
        const b = applyToPoint(CAT12_GRID.affine, [ijk[0] * f, ijk[1] * f, ijk[2] * f]);
        expect(a).toEqual(b);
      }
    }
  });
  it('halve keeps a linear ramp at the aligned centres and double restores it', () => {
    const dims: Dims3 = [9, 7, 5];
    const ramp = Float32Array.from({ length: 9 * 7 * 5 }, (_, v) => (v % 9) + 2 * (Math.floor(v / 9) % 7));
    const h = halve(ramp, dims);
    expect(h.dims).toEqual([5, 4, 3]);
    expect(h.data[1 + 5 * 1]).toBeCloseTo(2 + 2 * 2, 5); // fine voxel (2, 2, 0)
    const back = double(h.data, h.dims, dims);
    expect(back[4 + 9 * 2]).toBeCloseTo(4 + 2 * 2, 5);
  });
  it('double equals trilinear sampling at half-voxel steps, scaled, also where the finer grid overhangs the coarse one', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (const [dims, fine] of [
      [
        [9, 7, 5],
        [17, 13, 9],
      ],
      [
        [5, 4, 1],
        [10, 9, 2],
      ],
    ] as [Dims3, Dims3][]) {
      const data = Float32Array.from({ length: dims[0] * dims[1] * dims[2] }, rand);
      const out = double(data, dims, fine, 2);
      let o = 0;
      for (let k = 0; k < fine[2]; k++)
        for (let j = 0; j < fine[1]; j++) for (let i = 0; i < fine[0]; i++, o++) expect(out[o]).toBeCloseTo(2 * sampleAt(data, dims, i / 2, j / 2, k / 2), 5);
    }
  });
  it('block means keep world coordinates: a block of anisotropic voxels is centred where its voxels are', () => {
    const affine = [0, 0, 1.3, -50, -1.1, 0, 0, 60, 0, 1.25, 0, -40, 0, 0, 0, 1];
    const dims: Dims3 = [12, 12, 12];
    const data = new Float32Array(12 ** 3).fill(1);
    const b = blockMean({ dims, data, affine }, 3);
    // Voxels 0..f-1 of block 0 average to the centre (f-1)/2 on each axis: f = 3, 2, 2 here.
    expect(applyToPoint(b.affine, [0, 0, 0])).toEqual(applyToPoint(affine, [1, 0.5, 0.5]).map((x) => expect.closeTo(x, 9)));
    expect(b.data[0]).toBeCloseTo(1, 6);
  });
});

describe('one resolution for every input voxel size', () => {
  // An impulse on the grid: its spread per grid axis (mm^2) is the blur added, which must be
  // (T^2 - s^2) / 4 of the scan axis lying along it, none along an axis at or above T.
  const dims: Dims3 = [31, 27, 25];
  const centre = [15, 13, 12];
  const impulse = new Float32Array(31 * 27 * 25);
  impulse[centre[0]! + 31 * (centre[1]! + 27 * centre[2]!)] = 1;
  const spread = (sigmas: readonly [number, number, number]) => {
    const [out] = matchResolution([impulse], dims, sigmas) as [Float32Array];
    const m2 = [0, 0, 0];
    let total = 0;
    out.forEach((x, v) => {
      const ijk = [v % 31, Math.floor(v / 31) % 27, Math.floor(v / (31 * 27))];
      total += x;
      for (let a = 0; a < 3; a++) m2[a] += x * ((ijk[a]! - centre[a]!) * 1.5) ** 2;
    });
    return { total, m2 };
  };
  const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  it('a scan with 1, 1.2 and 2 mm voxels, axes permuted: the finer axes get their missing blur, the maps keep their totals', () => {
    // Scan axis 0 (1 mm) along world z, axis 1 (1.2 mm) along x, axis 2 (2 mm) along y.
    const scan = [0, 1.2, 0, -10, 0, 0, 2, 5, 1, 0, 0, -20, 0, 0, 0, 1];
    const { total, m2 } = spread(resolutionMatchSigmas(scan, identity, 1.5));
    expect(total).toBeCloseTo(1, 5);
    expect(m2[0]).toBeCloseTo((2.25 - 1.44) / 4, 3);
    expect(m2[1]).toBe(0);
    expect(m2[2]).toBeCloseTo((2.25 - 1) / 4, 3);
  });
  it('a head 20 % larger than the template: the grid spacing is 1.8 mm in the scan, the blur scaled back into the template', () => {
    const scan = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    const zoom = [1.2, 0, 0, 3, 0, 1.2, 0, -2, 0, 0, 1.2, 1, 0, 0, 0, 1];
    const { m2 } = spread(resolutionMatchSigmas(scan, zoom, 1.5));
    for (const x of m2) expect(x).toBeCloseTo((1.8 ** 2 - 1) / 4 / 1.44, 3);
  });
  it('leaves the maps of a scan at the grid spacing as they are', () => {
    const sigmas = resolutionMatchSigmas([-1.5, 0, 0, 90, 0, 1.5, 0, -126, 0, 0, 1.5, -72, 0, 0, 0, 1], identity, 1.5);
    expect(sigmas).toEqual([0, 0, 0]);
    expect(matchResolution([impulse], dims, sigmas)[0]).toBe(impulse);
  });
});

describe('demons field operations', () => {
  const dims: Dims3 = [12, 10, 8];
  const n = 12 * 10 * 8;
  const field = (f: (i: number, j: number, k: number, c: number) => number): Field =>
    [0, 1, 2].map((c) => Float32Array.from({ length: n }, (_, v) => f(v % 12, Math.floor(v / 12) % 10, Math.floor(v / 120), c))) as Field;
  it('the exponential of a constant velocity is that shift (away from the border)', () => {
    const d = exponentiate(
      field((_i, _j, _k, c) => [0.5, -0.25, 0.1][c]!),
      dims,
    );
    const v = 5 + 12 * (5 + 10 * 4);
    expect(d[0][v]).toBeCloseTo(0.5, 4);
    expect(d[1][v]).toBeCloseTo(-0.25, 4);
    expect(d[2][v]).toBeCloseTo(0.1, 4);
  });
  it('the Jacobian determinant of x -> x + 0.1 x (on axis 0) is 1.1 everywhere', () => {
    const jac = jacobianDeterminant(
      field((i, _j, _k, c) => (c === 0 ? 0.1 * i : 0)),
      dims,
    );
    for (const x of jac) expect(x).toBeCloseTo(1.1, 5);
  });
});

describe('affine registration', () => {
  it('recovers a known rotation, shift and scale of the head template on the 6 mm level', () => {
    const grid6 = levelGrid(2);
    const h3 = halve(templates.head, CAT12_GRID.dims),
      h6 = halve(h3.data, h3.dims);
    // The "subject": the template placed by a known affine (template world -> subject world).
    const truth = multiply(rotation(6, -4, 5), [1.05, 0, 0, 4, 0, 0.95, 0, -6, 0, 0, 1.02, 3, 0, 0, 0, 1]);
    const subject = { dims: h3.dims, data: h3.data, affine: multiply(truth, levelGrid(1).affine) };
    const fit = affineLevel(subject, h6.data, grid6, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], 60);
    for (const p of [
      [0, -20, 10],
      [50, 30, -20],
      [-60, -80, 40],
    ] as const) {
      const a = applyToPoint(fit.affine, p),
        b = applyToPoint(truth, p);
      expect(Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2])).toBeLessThan(1.5);
    }
    expect(correlation(h6.data, warpAffine(subject, fit.affine, grid6))).toBeGreaterThan(0.95);
  });
});
