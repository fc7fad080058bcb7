/**
 * Stratified k-fold cross-validation splits (the paper: 10 folds), deterministic per seed.
 * Each stratum (e.g. diagnosis x field strength) is shuffled and dealt round-robin onto the folds,
 * the deal continuing where the previous stratum stopped, so every fold holds each stratum's share
 * within one subject and the fold sizes differ by at most one.
 */
import { InputError } from '../core/errors';
import { makeRng, mixSeed } from './prng';

/** Which model of a cross-validation run: a fold (trained on the other folds) or the whole-cohort model. */
export type FoldName = 'whole' | number;

export const DEFAULT_FOLDS = 10;

/** fold[i] = the fold subject i is held out in (0..k-1). */
export function stratifiedFolds(strata: readonly string[], k: number, seed: number): Int32Array {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`stratifiedFolds needs k >= 2, not ${k}`);
  const byStratum = new Map<string, number[]>();
  strata.forEach((s, i) => {
    const list = byStratum.get(s);
    if (list) list.push(i);
    else byStratum.set(s, [i]);
  });
  const fold = new Int32Array(strata.length);
  let next = 0;
  // sorted keys: the split does not depend on which stratum happens to come first in the list
  [...byStratum.keys()].sort().forEach((key, n) => {
    const members = byStratum.get(key)!;
    const rng = makeRng(mixSeed(seed, n, members.length));
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [members[i], members[j]] = [members[j]!, members[i]!];
    }
    for (const m of members) fold[m] = next++ % k;
  });
  return fold;
}

export interface Split {
  /** Subjects the network learns from. */
  train: number[];
  /** Inner validation: early stopping and the temperature fit. */
  validation: number[];
  /** Held out from everything above; empty for the whole-cohort model (it has its own test cohort). */
  test: number[];
}

/**
 * Fold f: test = fold f, validation = fold f + 1 (mod k), train = the other k - 2 folds.
 * whole: validation = fold 0, train = all other folds, no test fold.
 */
export function foldSplit(folds: Int32Array, k: number, which: FoldName): Split {
  const testFold = which === 'whole' ? -1 : which;
  const valFold = which === 'whole' ? 0 : (which + 1) % k;
  const split: Split = { train: [], validation: [], test: [] };
  folds.forEach((f, i) => (f === testFold ? split.test : f === valFold ? split.validation : split.train).push(i));
  return split;
}

/** --fold: "whole" or a fold number 0..k-1. */
export function parseFold(text: string, k = DEFAULT_FOLDS): FoldName {
  if (text === 'whole') return 'whole';
  const n = Number(text);
  if (!/^\d+$/.test(text) || n >= k) throw new InputError(`--fold must be "whole" or a fold number 0..${k - 1}, not "${text}".`);
  return n;
}

/** The model folder name of a fold: demo-whole, demo-fold-0 .. demo-fold-9. */
export function foldModelName(which: FoldName): string {
  return which === 'whole' ? 'demo-whole' : `demo-fold-${which}`;
}
