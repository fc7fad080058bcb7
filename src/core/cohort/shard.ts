/**
 * Which subjects a task runs (pure). Task i of n takes every n-th subject starting at i (in the
 * sorted subject order every task computes the same way), so shards differ in size by at most one
 * and no list has to be passed between tasks.
 */
import { InputError } from '../errors';

export interface Shard {
  index: number;
  count: number;
}

export const WHOLE: Shard = Object.freeze({ index: 0, count: 1 });

/** "--shard i/n" (0 <= i < n). */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN,
    count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) throw new InputError(`--shard takes i/n with 0 <= i < n (e.g. 0/8), not "${text}".`);
  return { index, count };
}

/**
 * The shard of a SLURM array task: SLURM_ARRAY_TASK_ID relative to SLURM_ARRAY_TASK_MIN (arrays may
 * start at 1) out of SLURM_ARRAY_TASK_COUNT. null outside an array job.
 */
export function shardFromSlurm(env: Record<string, string | undefined>): Shard | null {
  const id = env.SLURM_ARRAY_TASK_ID,
    count = env.SLURM_ARRAY_TASK_COUNT;
  if (id === undefined || count === undefined) return null;
  const index = Number(id) - Number(env.SLURM_ARRAY_TASK_MIN ?? 0),
    n = Number(count);
  if (!Number.isInteger(index) || !Number.isInteger(n) || index < 0 || index >= n) {
    throw new InputError(
      `SLURM_ARRAY_TASK_ID=${id} (min ${env.SLURM_ARRAY_TASK_MIN ?? 0}) is outside an array of ${count} tasks; submit with --array=0-${Number(count) - 1}.`,
    );
  }
  return { index, count: n };
}

export function shardOf<T>(items: readonly T[], shard: Shard): T[] {
  return items.filter((_, k) => k % shard.count === shard.index);
}
