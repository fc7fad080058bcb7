import { describe, expect, it } from 'vitest';
import { InputError } from '../src/core/errors';
import { covariateModelSpec, loadCovariateModel, encodeCovariateBinary } from '../src/core/model/covariateModel';
import { coarseDims, downsampleLinear, upsampleLinear } from '../src/core/volume/coarseGrid';
import { CAT12_GRID } from '../src/core/volume/grid';
import { makeRng } from '../src/training/prng';

const fill = (dims: readonly [number, number, number], f: (i: number, j: number, k: number) => number) => {
  const out = new Float32Array(dims[0] * dims[1] * dims[2]);
  let o = 0;
  for (let k = 0; k < dims[2]; k++) for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++) out[o++] = f(i, j, k);
  return out;
};

describe('volumes kept on every 2nd voxel', () => {
  it('the CAT12 grid keeps 61 x 73 x 61 voxels; odd sizes end on a kept voxel, even ones repeat the last', () => {
    expect(coarseDims(CAT12_GRID.dims, 2)).toEqual([61, 73, 61]);
    expect(coarseDims([4, 5, 1], 2)).toEqual([2, 3, 1]);
    expect(coarseDims([7, 7, 7], 3)).toEqual([3, 3, 3]);
    expect(() => coarseDims([4, 4, 4], 0)).toThrow(RangeError);
  });

  it('interpolation puts kept voxels back exactly and reproduces a linear function everywhere on odd-sized axes', () => {
    const dims = [9, 7, 5] as const;
    const lin = (i: number, j: number, k: number) => 0.5 + 0.1 * i - 0.2 * j + 0.05 * k;
    const cd = coarseDims(dims, 2);
    const up = upsampleLinear(
      fill(cd, (i, j, k) => lin(2 * i, 2 * j, 2 * k)),
      dims,
      2,
    );
    const want = fill(dims, lin);
    for (let v = 0; v < want.length; v++) expect(up[v]).toBeCloseTo(want[v]!, 6);
  });

  it('keeping a smooth volume on every 2nd voxel loses little; voxel noise on it is mostly removed', () => {
    const dims = [24, 20, 16] as const;
    const smooth = fill(dims, (i, j, k) => Math.sin(i / 5) * Math.cos(j / 6) + 0.02 * k);
    const rng = makeRng(3);
    const noisy = Float32Array.from(smooth, (v) => v + rng.normal(0, 0.1));
    const back = upsampleLinear(downsampleLinear(noisy, dims, 2), dims, 2);
    const rms = (a: Float32Array) => Math.sqrt(a.reduce((s, v, i) => s + (v - smooth[i]!) ** 2, 0) / a.length);
    expect(rms(noisy)).toBeGreaterThan(0.09);
    expect(rms(back)).toBeLessThan(0.5 * rms(noisy));
  });

  it('masked-out voxels (outside a crop) do not pull the kept values towards them', () => {
    const dims = [10, 6, 6] as const;
    const mask = Uint8Array.from(fill(dims, (i) => (i < 6 ? 1 : 0)));
    const inside = fill(dims, (i) => (i < 6 ? 1 : 0));
    const kept = downsampleLinear(inside, dims, 2, mask);
    const unmasked = downsampleLinear(inside, dims, 2);
    const cd = coarseDims(dims, 2);
    // coarse x = 3 sits on fine x = 6 (outside) and interpolates into fine 5 (inside), 6 and 7 (outside)
    for (let o = 0; o < kept.length; o++) {
      const x = o % cd[0];
      if (x <= 3) expect(kept[o]).toBeCloseTo(1, 6);
      if (x === 3) expect(unmasked[o]).toBeCloseTo(0.25, 6); // 0.5 * 1 / (0.5 + 1 + 0.5)
    }
  });

  it('a model.json asks for it with covariateModelStep; a bad step or a file of the wrong size is refused in one sentence', async () => {
    const spec = covariateModelSpec({ residualize: true, covariateModel: 'c.bin', covariateModelStep: 2 });
    expect(spec).toEqual({ kind: 'binary', path: 'c.bin', step: 2 });
    expect(() => covariateModelSpec({ residualize: true, covariateModel: 'c.bin', covariateModelStep: 1.5 })).toThrow(
      /covariateModelStep must be a whole number/,
    );
    expect(() => covariateModelSpec({ residualize: true, covariateModel: { b0: 'a', b1: 'b', b2: 'c', b3: 'd', b4: 'e' }, covariateModelStep: 2 })).toThrow(
      InputError,
    );
    const dims = [9, 7, 5] as const;
    const cd = coarseDims(dims, 2);
    const n = cd[0] * cd[1] * cd[2];
    const maps = {
      b0: new Float32Array(n).fill(1),
      b1: new Float32Array(n),
      b2: new Float32Array(n),
      b3: new Float32Array(n),
      b4: new Float32Array(n).fill(-2),
    };
    const loaded = await loadCovariateModel(spec!, async () => encodeCovariateBinary(maps, 'float32'), dims);
    expect(loaded.b0.length).toBe(9 * 7 * 5);
    expect(Array.from(new Set(loaded.b4))).toEqual([-2]);
    // a file on the full grid where the coarse one is expected
    const full = { b0: new Float32Array(315), b1: new Float32Array(315), b2: new Float32Array(315), b3: new Float32Array(315), b4: new Float32Array(315) };
    await expect(loadCovariateModel(spec!, async () => encodeCovariateBinary(full, 'float32'), dims)).rejects.toThrow(InputError);
  });
});
