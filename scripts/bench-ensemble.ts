/**
 * `npx tsx scripts/bench-ensemble.ts [--folds 10]`: how long a fold ensemble takes through the one
 * pipeline, wasm-simd on one thread, on a demo case, with full-size stand-in folds (the demo model
 * perturbed per fold: the same architecture and size as trained folds, made here, never saved).
 * Prints one single-model analysis, the ensemble as the worker runs it (each fold's engine built
 * when its fold starts and released when it ends), and the ensemble with all engines built
 * beforehand, so the cost of not keeping ten engines alive is visible.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { plainBundle } from '../src/core/model/bundle';
import { SYNTHETIC_DEMO_DISPLAY } from '../src/core/model/catalog';
import { loadModel } from '../src/core/model/loadModel';
import type { Model } from '../src/core/model/types';
import type { ModelExecutor } from '../src/core/lrp/executor';
import { runPipeline } from '../src/core/pipeline';
import { REPO_ROOT } from '../src/cli/repoRoot';
import { startWasmEngineNode } from '../src/cli/wasmEngineNode';
import { demoStandInFolds } from '../test/helpers/foldStandIns';

const { values } = parseArgs({ options: { folds: { type: 'string', default: '10' } } });
const n = Number(values.folds);
if (!Number.isInteger(n) || n < 2) throw new Error('--folds must be an integer of at least 2');

await tf.setBackend('cpu');
const scan = new Uint8Array(readFileSync(join(REPO_ROOT, 'public', 'demo', 'demo-03-AD.nii.gz')));
const models = await Promise.all((await demoStandInFolds(n, 0.1)).map((a, k) => loadModel(a, `stand-in fold ${k}`)));
const bundles = models.map((m) => plainBundle(m, m.name, { display: SYNTHETIC_DEMO_DISPLAY }));
const [first, ...others] = bundles as [(typeof bundles)[0], ...typeof bundles];
const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);

// Warm-up (kernels compiled, scan read once).
const warm = await startWasmEngineNode(first.model);
await runPipeline(scan, { bundle: first, method: 'paper', executor: warm });
let t0 = performance.now();
await runPipeline(scan, { bundle: first, method: 'paper', executor: warm });
process.stdout.write(`one model: ${seconds(t0)} s\n`);
warm.dispose();

// As the worker runs it: one engine at a time.
const live = new Map<Model, ModelExecutor>();
t0 = performance.now();
await runPipeline(scan, {
  bundle: first,
  method: 'paper',
  combine: { kind: 'ensemble', others },
  executorFor: async (m) => {
    const e = await startWasmEngineNode(m);
    live.set(m, e);
    return e;
  },
  doneWith: (m) => {
    live.get(m)?.dispose();
    live.delete(m);
  },
});
process.stdout.write(`fold ensemble of ${n}, engines built and released per fold: ${seconds(t0)} s\n`);

// All engines built beforehand (what keeping them would buy).
const kept = new Map(await Promise.all(models.map(async (m) => [m, await startWasmEngineNode(m)] as const)));
t0 = performance.now();
await runPipeline(scan, { bundle: first, method: 'paper', combine: { kind: 'ensemble', others }, executorFor: async (m) => kept.get(m) });
process.stdout.write(`fold ensemble of ${n}, engines kept: ${seconds(t0)} s\n`);
for (const e of kept.values()) e.dispose();
for (const m of models) m.dispose();
