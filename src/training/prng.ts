/** Seeded pseudo-random numbers for the synthetic cohort and training (deterministic per seed). */

import { mulberry32 } from '../core/random';

export { mulberry32 };

/** A 32-bit seed mixed from several integers (so subject i's seed does not depend on cohort size). */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

export interface Rng {
  uniform(lo?: number, hi?: number): number;
  normal(mean?: number, sd?: number): number;
}

export function makeRng(seed: number): Rng {
  const u = mulberry32(seed);
  let spare: number | null = null;
  return {
    uniform: (lo = 0, hi = 1) => lo + (hi - lo) * u(),
    normal: (mean = 0, sd = 1) => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return mean + sd * s;
      }
      let a = 0;
      while (a <= 1e-12) a = u();
      const b = u();
      const r = Math.sqrt(-2 * Math.log(a));
      spare = r * Math.sin(2 * Math.PI * b);
      return mean + sd * r * Math.cos(2 * Math.PI * b);
    },
  };
}
