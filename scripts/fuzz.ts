/**
 * The longer fuzz run: `npx tsx scripts/fuzz.ts [--runs-factor 20] [--seed N]`. Runs every
 * target of test/fuzz/targets.ts with `runs x factor` mutated inputs and prints counts and the
 * slowest input per reader. Exits 1 on the first input that ends in anything but a valid result
 * or an InputError (fast-check prints the shrunk counterexample and its seed).
 */
import { FUZZ_TARGETS } from '../test/fuzz/targets';
import { runFuzz } from '../test/fuzz/runFuzz';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const factor = arg('--runs-factor', 20);
const seed = arg('--seed', Date.now() % 2 ** 31);
console.log(`seed ${seed}, ${factor}x the npm-test case counts`);
let failed = false;
for (const target of FUZZ_TARGETS) {
  try {
    const s = await runFuzz(target, seed, target.runs * factor);
    console.log(
      `${s.target}: ${s.runs} inputs, ${s.refused} refused (InputError), ${s.valid} read, 0 other exceptions; ` +
        `mean ${(s.totalMs / s.runs).toFixed(2)} ms, max ${s.maxMs.toFixed(0)} ms per input (slowest: ${s.slowest.slice(0, 200)})`,
    );
  } catch (e) {
    failed = true;
    console.log(`${target.name}: FAILED\n${e instanceof Error ? e.message : String(e)}`);
  }
}
process.exit(failed ? 1 : 0);
