/**
 * The paper's cross-validation in one command: the whole-cohort model and the 10 fold models,
 * one after the other, each into models/demo-<name>/ (demo-whole, demo-fold-0 .. demo-fold-9) with
 * its held-out evaluation (heldout-evaluation.json), then the mean and spread over the folds
 * (models/demo-cv-summary.json). Resumable: a model whose evaluation says the training completed
 * is skipped; an interrupted one resumes from its checkpoint folder (<ckpt-root>/<name>). Any other
 * option goes to every train run (train.ts), e.g. --epochs 30 or --n 300.
 *
 *   npm run train:all -- [--models-dir models] [--ckpt-root /tmp/rv-train-cv] [--only whole,0,1] [train options]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors';
import { REPO_ROOT } from './node/assets';
import { DEFAULT_FOLDS, foldModelName, parseFold, type FoldName } from './folds';
import { EVALUATION_FILE, train } from './train';

export const CV_SUMMARY_FILE = 'demo-cv-summary.json';

/** Every model of the run, whole first (the one the app ships), or those --only names. */
export function trainingPlan(only?: string, k = DEFAULT_FOLDS): FoldName[] {
  if (only) return only.split(',').map((s) => parseFold(s.trim(), k));
  return ['whole', ...Array.from({ length: k }, (_, i) => i)];
}

interface FoldEvaluation {
  fold: FoldName;
  trainingComplete: boolean;
  temperature: number;
  adVsCn: { raw: Record<string, number>; calibrated: Record<string, number> };
}

function readEvaluation(dir: string): FoldEvaluation | null {
  const path = join(dir, EVALUATION_FILE);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as FoldEvaluation;
  } catch {
    return null; // a half-written file: train that model again
  }
}

/** Mean and sample standard deviation of each held-out metric over the fold models. */
export function summarizeFolds(evaluations: readonly FoldEvaluation[]): Record<string, { mean: number; sd: number; n: number }> {
  const folds = evaluations.filter((e) => e.fold !== 'whole');
  const series: Record<string, number[]> = {};
  const add = (key: string, v: number) => (series[key] ??= []).push(v);
  for (const e of folds) {
    add('temperature', e.temperature);
    for (const kind of ['raw', 'calibrated'] as const) for (const [m, v] of Object.entries(e.adVsCn[kind])) add(`${m}.${kind}`, v);
  }
  return Object.fromEntries(
    Object.entries(series).map(([key, v]) => {
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
      return [key, { mean, sd, n: v.length }];
    }),
  );
}

function takeOption(args: string[], name: string, fallback: string): [string, string[]] {
  const i = args.indexOf(name);
  if (i < 0) return [fallback, args];
  return [args[i + 1] ?? fallback, args.filter((_, k) => k !== i && k !== i + 1)];
}

/** Runs the plan; 0 when every model is done, 3 when the wall-clock cap stopped one (run again). */
export async function trainAll(args: string[], trainOne: (args: string[]) => Promise<'finished' | 'capped'> = train, log = console.log): Promise<number> {
  const [modelsDir, afterModels] = takeOption(args, '--models-dir', join(REPO_ROOT, 'models'));
  const [ckptRoot, afterCkpt] = takeOption(afterModels, '--ckpt-root', '/tmp/rv-train-cv');
  const [only, trainArgs] = takeOption(afterCkpt, '--only', '');
  // unattended by default: no wall-clock cap unless asked for
  const rest = trainArgs.includes('--max-minutes') ? trainArgs : [...trainArgs, '--max-minutes', String(1e9)];
  for (const which of trainingPlan(only || undefined)) {
    const name = foldModelName(which);
    const out = join(modelsDir, name);
    if (readEvaluation(out)?.trainingComplete) {
      log(`${name}: done (${join(out, EVALUATION_FILE)}), skipped`);
      continue;
    }
    log(`${name}: training`);
    const status = await trainOne([...rest, '--fold', String(which), '--ckpt', join(ckptRoot, name), '--out', out]);
    if (status === 'capped') {
      log(`${name}: stopped by the wall-clock cap; run the same command again to resume`);
      return 3;
    }
  }
  const evaluations = trainingPlan()
    .flatMap((w) => readEvaluation(join(modelsDir, foldModelName(w))) ?? [])
    .filter((e) => e.trainingComplete);
  writeFileSync(join(modelsDir, CV_SUMMARY_FILE), JSON.stringify({ models: evaluations.map((e) => e.fold), folds: summarizeFolds(evaluations) }, null, 1));
  log(`summary in ${join(modelsDir, CV_SUMMARY_FILE)}`);
  return 0;
}

if (process.argv[1] && /trainAll\.ts$/.test(process.argv[1])) {
  trainAll(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e instanceof InputError ? e.message : e);
      process.exit(e instanceof InputError ? 2 : 1);
    },
  );
}
