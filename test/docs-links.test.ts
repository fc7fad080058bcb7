/**
 * The project stands alone: every docs/*.md (and models/, wasm/ file) that README.md, docs/ or a
 * source comment names exists in the repository.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'fixtures' || name === 'screenshots' ? [] : files(path, ext);
    return ext.test(name) ? [path] : [];
  });
}

describe('documentation links', () => {
  it('every docs/*.md named in README.md, docs/, src/, test/ and scripts/ exists', () => {
    const sources = [
      join(ROOT, 'README.md'),
      ...files(join(ROOT, 'docs'), /\.md$/),
      ...files(join(ROOT, 'src'), /\.(ts|tsx)$/),
      ...files(join(ROOT, 'test'), /\.ts$/),
      ...files(join(ROOT, 'scripts'), /\.(ts|py|sh)$/),
    ];
    const missing: string[] = [];
    let named = 0;
    for (const file of sources) {
      for (const m of readFileSync(file, 'utf8').matchAll(/(?<![\w./])docs\/[\w-]+\.md/g)) {
        named++;
        if (!existsSync(join(ROOT, m[0]))) missing.push(`${relative(ROOT, file)} -> ${m[0]}`);
      }
    }
    expect(named).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });
});
