/**
 * Runs one fuzz target under fast-check: every mutated input must end in a valid result or an
 * InputError. Counts refusals and valid results and times each input (a figure for
 * scripts/fuzz.ts; the test asserts no time).
 */
import fc from 'fast-check';
import { InputError } from '../../src/core/errors';
import { mutatedInput } from './mutate';
import type { FuzzTarget } from './targets';

export interface FuzzStats {
  target: string;
  runs: number;
  valid: number;
  refused: number;
  maxMs: number;
  slowest: string;
  totalMs: number;
}

export async function runFuzz(target: FuzzTarget, seed: number, numRuns: number): Promise<FuzzStats> {
  const stats: FuzzStats = { target: target.name, runs: 0, valid: 0, refused: 0, maxMs: 0, slowest: '', totalMs: 0 };
  const fixtures = target.fixtures();
  if (fixtures.length === 0) throw new Error(`${target.name}: no fixtures found`);
  // jsfive logs a line for every unknown type it meets; mutated files meet many.
  const quiet = { warn: console.warn, log: console.log };
  console.warn = console.log = () => undefined;
  try {
    await check(target, fixtures, stats, seed, numRuns);
  } finally {
    Object.assign(console, quiet);
  }
  return stats;
}

async function check(target: FuzzTarget, fixtures: ReturnType<FuzzTarget['fixtures']>, stats: FuzzStats, seed: number, numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(mutatedInput(fixtures), async (input) => {
      const t0 = performance.now();
      let refused = false;
      try {
        await target.run(input.bytes);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        refused = true;
      } finally {
        const ms = performance.now() - t0;
        stats.totalMs += ms;
        if (ms > stats.maxMs) {
          stats.maxMs = ms;
          stats.slowest = String((input as unknown as Record<symbol, () => string>)[fc.toStringMethod]?.() ?? input.fixture);
        }
      }
      stats.runs++;
      if (refused) stats.refused++;
      else stats.valid++;
    }),
    { seed, numRuns, endOnFailure: true },
  );
}
