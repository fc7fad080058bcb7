/** File-system helpers of the batch command: atomic writes and the walk of a BIDS dataset. */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Writes to "<path>.tmp-<pid>" and renames it into place, so a task killed midway never leaves a
 * truncated file under a final name (rename is atomic within a file system).
 */
export function writeAtomic(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Removes what a killed task left as temporary files in `dir` (names with ".tmp-"). */
export function removeStaleTemporaries(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) if (name.includes('.tmp-')) rmSync(join(dir, name), { force: true });
}

/**
 * Paths of all files under a BIDS root, relative with "/" separators. Skips hidden folders, code/,
 * and derivatives other than CAT12's (our own outputs may live under derivatives/).
 */
export function listBidsFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(rel ? join(root, rel) : root, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!rel && entry.name === 'code') continue;
        if (rel === 'derivatives' && !entry.name.startsWith('cat12')) continue;
        walk(path);
      } else {
        out.push(path);
      }
    }
  };
  walk('');
  return out;
}
