import { describe, expect, it } from 'vitest';
import { gaussianKernel1d, gaussianSmooth, gaussianSmoothAxes, reflectIndex } from '../../src/core/analysis/smooth';
import { displayMap, percentile, percentileOfAbs, scaleAdaptive, scaleFixed } from '../../src/core/analysis/scale';
import { dims3, f32, fixtures } from './fixtures';

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let v = 0; v < a.length; v++) m = Math.max(m, Math.abs(a[v] - b[v]));
  return m;
}

describe('gaussianSmooth (scipy.ndimage.gaussian_filter)', () => {
  it('uses radius int(4 sigma + 0.5) and a normalised kernel', () => {
    const w = gaussianKernel1d(0.8);
    expect(w.length).toBe(7); // radius 3
    expect(w.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 14);
    expect(gaussianKernel1d(1.3).length).toBe(2 * 5 + 1);
  });

  it('reflects half-sample symmetrically (d c b a | a b c d)', () => {
    expect([-1, -2, -3, -4, -5].map((p) => reflectIndex(p, 4))).toEqual([0, 1, 2, 3, 3]);
    expect([4, 5, 6, 7, 8].map((p) => reflectIndex(p, 4))).toEqual([3, 2, 1, 0, 0]);
  });

  for (const c of fixtures.smooth) {
    it(`matches scipy element-wise on ${c.dims.join('x')}, sigma ${c.sigma}`, () => {
      const input = f32(c.input);
      const copy = input.slice();
      const out = gaussianSmooth(input, dims3(c.dims), c.sigma);
      expect(maxAbsDiff(out, f32(c.output))).toBeLessThan(1e-5);
      expect(input).toEqual(copy); // input untouched
    });
  }

  for (const c of fixtures.smooth) {
    it(`per-axis sigmas, all equal, match scipy too on ${c.dims.join('x')}, sigma ${c.sigma}`, () => {
      const out = gaussianSmoothAxes(f32(c.input), dims3(c.dims), [c.sigma, c.sigma, c.sigma]);
      expect(maxAbsDiff(out, f32(c.output))).toBeLessThan(1e-5);
    });
  }

  it('per-axis sigmas: a sigma of 0 leaves that axis alone (an impulse spreads only along the others)', () => {
    const dims = dims3([11, 11, 11]);
    const at = (i: number, j: number, k: number) => i + 11 * (j + 11 * k);
    const impulse = new Float32Array(11 ** 3);
    impulse[at(5, 5, 5)] = 1;
    const out = gaussianSmoothAxes(impulse, dims, [1, 0, 0]);
    const w = gaussianKernel1d(1); // radius 4: fits inside, no reflection
    for (let i = 0; i < 11; i++) expect(out[at(i, 5, 5)]).toBeCloseTo(w[i - 1] ?? 0, 6);
    expect(out[at(5, 4, 5)]).toBe(0);
    expect(out[at(5, 5, 4)]).toBe(0);
  });

  it('writes into a given output buffer and refuses aliasing', () => {
    const c = fixtures.smooth[0];
    const out = new Float32Array(f32(c.input).length);
    const ret = gaussianSmooth(f32(c.input), dims3(c.dims), c.sigma, out);
    expect(ret).toBe(out);
    expect(maxAbsDiff(out, f32(c.output))).toBeLessThan(1e-5);
    const x = f32(c.input);
    expect(() => gaussianSmooth(x, dims3(c.dims), 0.8, x)).toThrow(RangeError);
  });
});

describe('percentiles (numpy default linear interpolation)', () => {
  for (const c of fixtures.percentile) {
    const x = f32(c.input);
    it(`matches np.percentile(|x|, q) for n = ${x.length}`, () => {
      c.q.forEach((q, t) => {
        const expected = c.absPercentiles[t];
        expect(Math.abs(percentileOfAbs(x, q) - expected)).toBeLessThanOrEqual(1e-6 * Math.abs(expected) + 1e-12);
      });
    });
  }

  it('percentile of signed data agrees with a sort-based definition and leaves data untouched', () => {
    const x = f32(fixtures.percentile[5].input);
    const copy = x.slice();
    const sorted = Float64Array.from(x).sort();
    for (const q of [0, 3.3, 50, 97.5, 100]) {
      const h = (q / 100) * (sorted.length - 1);
      const lo = Math.floor(h);
      const hi = Math.min(lo + 1, sorted.length - 1);
      const ref = sorted[lo] + (sorted[hi] - sorted[lo]) * (h - lo);
      expect(percentile(x, q)).toBeCloseTo(ref, 6);
    }
    expect(x).toEqual(copy);
  });
});

describe('display scaling', () => {
  const d = fixtures.display;
  const raw = f32(d.raw);

  it('fixed: smooth, x500, clip to [-1, 1] as the original app', () => {
    const out = displayMap(raw, dims3(d.dims), { scaling: 'fixed' });
    expect(maxAbsDiff(out, f32(d.fixed))).toBeLessThan(1e-5);
    let clipped = 0;
    for (const v of out) if (Math.abs(v) === 1) clipped++;
    expect(clipped).toBeGreaterThan(0); // the fixture exercises the clipping
  });

  it('adaptive: smooth, divide by the 99.99th percentile of |R|, clip', () => {
    const out = displayMap(raw, dims3(d.dims), { scaling: 'adaptive' });
    expect(maxAbsDiff(out, f32(d.adaptive))).toBeLessThan(1e-5);
  });

  it('counts a non-finite raw voxel as 0 instead of blanking its neighbourhood', () => {
    const withNaN = raw.slice();
    const v = 8 + 17 * (9 + 19 * 11);
    withNaN[v] = NaN;
    const zeroed = raw.slice();
    zeroed[v] = 0;
    expect(displayMap(withNaN, dims3(d.dims), { scaling: 'fixed' })).toEqual(displayMap(zeroed, dims3(d.dims), { scaling: 'fixed' }));
  });

  it('scaleFixed works in place; scaleAdaptive of an all-zero map is zero, not NaN', () => {
    const x = Float32Array.of(0.001, -0.0005, 0.01, -1, NaN);
    scaleFixed(x, 500, x);
    expect(Array.from(x)).toEqual([0.5, -0.25, 1, -1, 0]);
    expect(Array.from(scaleAdaptive(new Float32Array(5)))).toEqual([0, 0, 0, 0, 0]);
  });
});
