/**
 * bench [--backend wasm-simd|cpu|wasm] [--threads N] [--model <dir>] [--scan <file.nii.gz>] [--runs N] [--json]
 * Median wall-clock (after one warm-up) of:
 *   load        artifacts -> model, plus for wasm-simd: kernels, weight upload, buffers (prefaulted)
 *   preprocess  NIfTI read + CAT12 grid + model tensor of a demo scan (public/demo/)
 *   forward     model tensor -> logits
 *   paper       forward + the paper's LRP, end to end from the model tensor
 * and for wasm-simd the kernel arena's peak (all planned buffers and weights). Without --model it
 * uses the untrained seeded model.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../core/errors';
import { explain, predict } from '../../core/lrp/methods';
import { loadModel } from '../../core/model/loadModel';
import { makeSeededModelArtifacts, SEEDED_MODEL_LABEL } from '../../core/model/seeded';
import type { Model } from '../../core/model/types';
import { readNifti } from '../../core/nifti';
import type { PlanarExecutor } from '../../core/planar/index';
import { CAT12_GRID } from '../../core/volume/grid';
import { gridToModelTensor } from '../../core/volume/modelTensor';
import { resampleToGrid } from '../../core/volume/resample';
import { loadModelFromDir, REPO_ROOT } from '../loadModelNode';
import { startEngineNode } from '../wasmEngineNode';

export interface BenchResult {
  backend: string;
  runs: number;
  threads: number;
  median_ms: { load: number; preprocess: number; forward: number; paper: number };
  /** wasm-simd only: peak of the kernel arena (weights and every buffer), MiB. */
  arena_peak_mib?: number;
}

const USAGE = 'bench [--backend wasm-simd|cpu|wasm] [--threads N] [--model <dir>] [--scan <file.nii.gz>] [--runs N] [--json]';

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function time<T>(into: number[], fn: () => Promise<T> | T): Promise<T> {
  const t = performance.now();
  const r = await fn();
  into.push(performance.now() - t);
  return r;
}

export async function bench(opts: { backend: string; threads: number; modelDir?: string; scan: string; runs: number }): Promise<BenchResult> {
  const engine = await startEngineNode(opts.backend, opts.threads);
  const times = { load: [] as number[], preprocess: [] as number[], forward: [] as number[], paper: [] as number[] };
  let kept: { model: Model; executor?: PlanarExecutor } | undefined;
  for (let r = 0; r <= opts.runs; r++) {
    const t: number[] = [];
    const loaded = await time(t, async () => {
      const model = opts.modelDir ? await loadModelFromDir(opts.modelDir) : await loadModel(makeSeededModelArtifacts(1), SEEDED_MODEL_LABEL);
      return { model, executor: await engine.executorFor(model) };
    });
    if (r > 0) times.load.push(t[0]!); // run 0 is the warm-up (compilation)
    if (kept) {
      loaded.executor?.dispose();
      loaded.model.dispose();
    } else kept = loaded;
  }
  const { model, executor } = kept!;
  let scanBytes: Uint8Array;
  try {
    scanBytes = new Uint8Array(await readFile(opts.scan));
  } catch {
    throw new InputError(`Cannot read the scan ${opts.scan}; give a NIfTI file with --scan.`);
  }
  const preprocess = () => gridToModelTensor(resampleToGrid(readNifti(scanBytes).volume, CAT12_GRID, 'trilinear').data);
  let input = preprocess();
  await predict(model, input, { executor }); // warm-up
  await explain(model, input, { method: 'paper', executor });
  for (let r = 0; r < opts.runs; r++) {
    input = await time(times.preprocess, preprocess);
    await time(times.forward, () => predict(model, input, { executor }));
    await time(times.paper, () => explain(model, input, { method: 'paper', executor }));
  }
  const result: BenchResult = {
    backend: executor?.id ?? engine.tfjsBackend,
    runs: opts.runs,
    threads: opts.threads,
    median_ms: {
      load: Math.round(median(times.load)),
      preprocess: Math.round(median(times.preprocess)),
      forward: Math.round(median(times.forward)),
      paper: Math.round(median(times.paper)),
    },
  };
  if (executor) result.arena_peak_mib = Math.round((executor.arenaPeakBytes / 2 ** 20) * 10) / 10;
  executor?.dispose();
  model.dispose();
  return result;
}

export async function run(args: string[]): Promise<number> {
  let backend = 'wasm-simd', threads = 1, modelDir: string | undefined, runs = 3, json = false;
  let scan = join(REPO_ROOT, 'public', 'demo', 'demo-03-AD.nii.gz');
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--backend') backend = args[++i] ?? '';
    else if (a === '--threads') threads = Number(args[++i]);
    else if (a === '--model') modelDir = args[++i];
    else if (a === '--scan') scan = args[++i] ?? '';
    else if (a === '--runs') runs = Number(args[++i]);
    else if (a === '--json') json = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(`usage: relevance-viewer ${USAGE}\n`);
      return 0;
    } else throw new InputError(`Unknown option "${a}"; usage: ${USAGE}.`);
  }
  if (!Number.isInteger(runs) || runs < 1) throw new InputError('--runs must be a positive integer.');
  const r = await bench({ backend, threads, modelDir, scan, runs });
  if (json) process.stdout.write(JSON.stringify(r) + '\n');
  else {
    const m = r.median_ms;
    const arena = r.arena_peak_mib !== undefined ? `, arena peak ${r.arena_peak_mib} MiB` : '';
    process.stdout.write(`backend ${r.backend}, ${runs} runs, model ${modelDir ?? SEEDED_MODEL_LABEL}: load ${m.load} ms, preprocess ${m.preprocess} ms, forward ${m.forward} ms, forward+paper LRP ${m.paper} ms (medians)${arena}\n`);
  }
  return 0;
}
