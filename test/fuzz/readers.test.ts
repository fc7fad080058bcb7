/**
 * Property-based mutation fuzzing of the file readers (fixed seed, so a run is reproducible):
 * real fixtures with random byte edits must give a valid volume/model or an InputError, never
 * another exception. A longer run with per-input times: `npx tsx scripts/fuzz.ts`.
 */
import { describe, expect, it } from 'vitest';
import { FUZZ_TARGETS } from './targets';
import { runFuzz } from './runFuzz';

const SEED = 20261201;

describe('mutation fuzzing of the readers', () => {
  for (const target of FUZZ_TARGETS) {
    it(`${target.name}: ${target.runs} mutated inputs, each a valid result or an InputError`, async () => {
      const stats = await runFuzz(target, SEED, target.runs);
      console.log(`[fuzz] ${target.name}: ${stats.runs} inputs, ${stats.refused} refused, ${stats.valid} read; slowest ${stats.maxMs.toFixed(0)} ms`);
      expect(stats.runs).toBe(target.runs);
      // The mutations must reach past the first check: some inputs are still readable.
      expect(stats.refused).toBeGreaterThan(0);
    }, 300_000);
  }
});
