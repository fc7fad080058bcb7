/** Files of an output tree, for comparing two batch runs byte for byte. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function listTree(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listTree(root, path));
    else out.push(path);
  }
  return out.sort();
}

/** Paths under `a` and `b` (both filtered by `keep`) whose bytes differ, plus those only in one. */
export function treeDifferences(a: string, b: string, keep: (path: string) => boolean): string[] {
  const fa = listTree(a).filter(keep),
    fb = listTree(b).filter(keep);
  const diff = [
    ...fa.filter((f) => !fb.includes(f)).map((f) => `only in first: ${f}`),
    ...fb.filter((f) => !fa.includes(f)).map((f) => `only in second: ${f}`),
  ];
  for (const f of fa.filter((x) => fb.includes(x))) if (!readFileSync(join(a, f)).equals(readFileSync(join(b, f)))) diff.push(`differs: ${f}`);
  return diff;
}

/** A TSV as numbers where they parse (for comparing tables number for number). */
export function tsvValues(path: string): (string | number)[][] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split('\t').map((c) => (c !== '' && Number.isFinite(Number(c)) ? Number(c) : c)));
}
