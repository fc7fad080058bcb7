/**
 * `npm run bench:train [-- --batch 4 --runs 3 --engines tfjs,wasm,wasm-2]`: milliseconds per
 * training step (forward in training mode, gradients of every weight, Adam, BN moving averages)
 * of the full-size paper network, per engine: tfjs cpu (graph.ts, fused conv block), wasm-simd on
 * 1 thread (train.ts's default) and on 2 threads (forward and transposed convs split over a
 * kernel worker; the weight gradients stay on one). Random inputs in [0, 1); the first step of
 * each engine is a warm-up and not counted. Prints the load average before and after.
 */
import { execSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { loadWasmKernels } from '../src/core/kernels/wasm/index';
import { startKernelThreads } from '../src/core/kernels/wasm/threads';
import { spawnNodeKernelWorker } from '../src/cli/kernel-worker-node';
import { nodeKernelBinary } from '../src/cli/wasmEngineNode';
import { MODEL_TENSOR_LENGTH } from '../src/core/volume/modelTensor';
import { createTrainEngine } from '../src/training/node/engines';
import { makeRng } from '../src/training/prng';
import type { TrainEngine } from '../src/training/trainEngine';
import { WasmTrainer } from '../src/training/wasmEngine/trainer';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const batch = Number(arg('batch', '4'));
const runs = Number(arg('runs', '3'));
const engines = arg('engines', 'tfjs,wasm,wasm-2').split(',');
const uptime = (): string => execSync('uptime').toString().trim();

async function makeEngine(name: string): Promise<{ engine: TrainEngine; stop?: () => void }> {
  const o = { seed: 1, lr: 1e-3, maxBatch: batch };
  if (name === 'tfjs' || name === 'wasm') return { engine: await createTrainEngine(name, o) };
  const threads = Number(name.replace('wasm-', ''));
  const k = await loadWasmKernels(nodeKernelBinary, { variant: 'simd-threads' });
  const pool = await startKernelThreads(k, spawnNodeKernelWorker, threads - 1);
  return { engine: await WasmTrainer.create(k, { ...o, runner: pool, threads }), stop: () => pool.terminate() };
}

await tf.setBackend('cpu');
tf.env().set('PROD', true);
const rng = makeRng(1);
const x = Float32Array.from({ length: batch * MODEL_TENSOR_LENGTH }, () => rng.uniform(0, 1));
const labels = Array.from({ length: batch }, (_, i) => i % 2);
process.stdout.write(`training step, full-size network, batch ${batch}, ${runs} timed steps after a warm-up (node ${process.version})\nbefore: ${uptime()}\n`);
const rows: Array<{ id: string; median: number; min: number }> = [];
for (const name of engines) {
  const { engine, stop } = await makeEngine(name);
  const ms: number[] = [];
  let loss = 0;
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now();
    loss = await engine.step(x, labels, [1, 1], i);
    if (i > 0) ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  rows.push({ id: engine.id, median: ms[ms.length >> 1]!, min: ms[0]! });
  const arena = engine instanceof WasmTrainer ? `, arena ${(engine.arenaPeakBytes / 2 ** 20).toFixed(0)} MiB` : '';
  process.stdout.write(
    `  ${engine.id.padEnd(22)} median ${ms[ms.length >> 1]!.toFixed(0).padStart(6)} ms/step  min ${ms[0]!.toFixed(0).padStart(6)} ms  (last loss ${loss.toFixed(4)}${arena})\n`,
  );
  engine.dispose();
  stop?.();
}
const base = rows.find((r) => r.id.startsWith('tfjs'));
if (base) for (const r of rows) if (r !== base) process.stdout.write(`  ${r.id}: ${(base.median / r.median).toFixed(1)}x faster than ${base.id}\n`);
process.stdout.write(`after:  ${uptime()}\n`);
