import { describe, expect, it } from 'vitest';
import { sliceSums } from '../../src/core/analysis/guides';
import type { Dims3 } from '../../src/core/volume/types';
import { rng } from './fixtures';

describe('sliceSums', () => {
  const dims: Dims3 = [9, 13, 7];
  const [nx, ny, nz] = dims;
  const r = rng(3);
  const display = Float32Array.from({ length: nx * ny * nz }, () => r() * 2 - 1);
  const kept = Uint8Array.from({ length: display.length }, () => (r() < 0.4 ? 1 : 0));

  for (const axis of [0, 1, 2] as const) {
    it(`sums kept positive and negative relevance per slice along axis ${axis} like a direct loop`, () => {
      const { positive, negative } = sliceSums(display, kept, dims, axis);
      expect(positive.length).toBe(dims[axis]);
      for (let s = 0; s < dims[axis]; s++) {
        let p = 0,
          q = 0;
        for (let k = 0; k < nz; k++)
          for (let j = 0; j < ny; j++)
            for (let i = 0; i < nx; i++) {
              if ([i, j, k][axis] !== s) continue;
              const v = i + nx * (j + ny * k);
              if (!kept[v]) continue;
              if (display[v] > 0) p += display[v];
              else q += display[v];
            }
        expect(positive[s]).toBeCloseTo(p, 5);
        expect(negative[s]).toBeCloseTo(q, 5);
      }
    });
  }
});
