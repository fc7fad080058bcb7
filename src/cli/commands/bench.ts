/**
 * bench --backend cpu|wasm [--model <dir>] [--runs N] [--json]
 * Median wall-clock of: load (artifacts -> model), forward (model tensor -> logits), paper
 * (forward + the paper's LRP, end to end from the model tensor). Without --model it uses the
 * untrained seeded model and the smooth brain-like input.
 */
import { InputError } from '../../core/errors';
import { explain, predict } from '../../core/lrp/methods';
import { loadModel } from '../../core/model/loadModel';
import { makeSeededModelArtifacts, makeSmoothBrainInput, SEEDED_MODEL_LABEL } from '../../core/model/seeded';
import type { Model } from '../../core/model/types';
import { loadModelFromDir, setBackendNode } from '../loadModelNode';

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function run(args: string[]): Promise<number> {
  let backend = 'cpu', modelDir: string | undefined, runs = 3, json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--backend') backend = args[++i] ?? '';
    else if (a === '--model') modelDir = args[++i];
    else if (a === '--runs') runs = Number(args[++i]);
    else if (a === '--json') json = true;
    else throw new InputError(`Unknown option "${a}"; usage: bench --backend cpu|wasm [--model <dir>] [--runs N] [--json].`);
  }
  if (backend !== 'cpu' && backend !== 'wasm') throw new InputError(`--backend must be cpu or wasm, not "${backend}".`);
  if (!Number.isInteger(runs) || runs < 1) throw new InputError('--runs must be a positive integer.');
  const active = await setBackendNode(backend);
  const times = { load: [] as number[], forward: [] as number[], paper: [] as number[] };
  let model: Model | undefined;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const m = modelDir ? await loadModelFromDir(modelDir) : await loadModel(makeSeededModelArtifacts(1), SEEDED_MODEL_LABEL);
    times.load.push(performance.now() - t0);
    if (model) m.dispose(); else model = m;
  }
  const [D, H, W] = model!.inputShape;
  const input = makeSmoothBrainInput([D, H, W]);
  await predict(model!, input); // warm-up (kernel compilation, allocation)
  for (let r = 0; r < runs; r++) {
    let t = performance.now();
    await predict(model!, input);
    times.forward.push(performance.now() - t);
    t = performance.now();
    await explain(model!, input, { method: 'paper' });
    times.paper.push(performance.now() - t);
  }
  model!.dispose();
  const result = {
    backend: active, runs,
    median_ms: { load: Math.round(median(times.load)), forward: Math.round(median(times.forward)), paper: Math.round(median(times.paper)) },
  };
  if (json) process.stdout.write(JSON.stringify(result) + '\n');
  else process.stdout.write(`backend ${result.backend}, ${runs} runs, model ${modelDir ?? SEEDED_MODEL_LABEL}: load ${result.median_ms.load} ms, forward ${result.median_ms.forward} ms, forward+paper LRP ${result.median_ms.paper} ms (medians)\n`);
  return 0;
}
