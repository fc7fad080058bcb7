/**
 * bench [--backend wasm-simd|cpu|wasm] [--threads N] [--model <dir>] [--scan <file.nii.gz>] [--runs N] [--json]
 * Median wall-clock (after one warm-up) of:
 *   load        artifacts -> model, plus for wasm-simd: kernels, weight upload, buffers (prefaulted)
 *   preprocess  NIfTI read + CAT12 grid + model tensor of a demo scan (public/demo/)
 *   forward     model tensor -> logits (the forward part of the paper run, activations kept)
 *   paper       forward + the paper's LRP, end to end from the model tensor
 * all from runPipeline's own stage timings.
 * and for wasm-simd the kernel arena's peak (all planned buffers and weights). Without --model it
 * uses the untrained seeded model.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../core/errors';
import type { ModelBundle } from '../../core/model/bundle';
import { SEEDED_MODEL_LABEL } from '../../core/model/seeded';
import { runPipeline } from '../../core/pipeline';
import type { PlanarExecutor } from '../../core/planar/index';
import { resolveModel } from '../loadModelNode';
import { REPO_ROOT } from '../repoRoot';
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
  let kept: { bundle: ModelBundle; executor?: PlanarExecutor } | undefined;
  for (let r = 0; r <= opts.runs; r++) {
    const t: number[] = [];
    const loaded = await time(t, async () => {
      const { bundle } = await resolveModel(opts.modelDir ?? 'seeded');
      return { bundle, executor: await engine.executorFor(bundle.model) };
    });
    if (r > 0) times.load.push(t[0]!); // run 0 is the warm-up (compilation)
    if (kept) {
      loaded.executor?.dispose();
      loaded.bundle.model.dispose();
    } else kept = loaded;
  }
  const { bundle, executor } = kept!;
  let scanBytes: Uint8Array;
  try {
    scanBytes = new Uint8Array(await readFile(opts.scan));
  } catch {
    throw new InputError(`Cannot read the scan ${opts.scan}; give a NIfTI file with --scan.`);
  }
  // The one pipeline, as every host runs it; its own stage timings give the figures.
  const analyze = () => runPipeline(scanBytes, { bundle, method: 'paper', executor });
  await analyze(); // warm-up
  for (let r = 0; r < opts.runs; r++) {
    const { timings } = await analyze();
    times.preprocess.push(timings.reading + timings.grid);
    times.forward.push(timings.forward);
    times.paper.push(timings.forward + timings.relevance);
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
  bundle.model.dispose();
  return result;
}

export async function run(args: string[]): Promise<number> {
  let backend = 'wasm-simd',
    threads = 1,
    modelDir: string | undefined,
    runs = 3,
    json = false;
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
    process.stdout.write(
      `backend ${r.backend}, ${runs} runs, model ${modelDir ?? SEEDED_MODEL_LABEL}: load ${m.load} ms, preprocess ${m.preprocess} ms, forward ${m.forward} ms, forward+paper LRP ${m.paper} ms (medians)${arena}\n`,
    );
  }
  return 0;
}
