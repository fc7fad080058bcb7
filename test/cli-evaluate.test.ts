/**
 * `evaluate` on a small synthetic cohort: it runs the one pipeline, so its hippocampus relevance is
 * the same number `analyze` writes for the same scan; and a bad --limit or an empty cohort is
 * refused with one line and exit code 2 (not an empty run that exits 0).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CSV_HEADER } from '../src/training/node/cohortFiles';
import { cli } from './helpers/cli';

describe('cli evaluate', () => {
  it('refuses a --limit that is not a positive whole number', () => {
    for (const limit of ['abc', '0', '-3', '2.5']) {
      const r = cli('evaluate', tmpdir(), `--limit=${limit}`);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/--limit must be a positive whole number/);
    }
  }, 120_000);

  it('refuses a cohort without subjects', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rv-empty-'));
    writeFileSync(join(dir, 'cohort.csv'), CSV_HEADER + '\n');
    const r = cli('evaluate', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/lists no subjects/);
  }, 60_000);

  it("counts hippocampus relevance exactly as analyze does (the pipeline's region scores)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'rv-cohort-'));
    expect(cli('synth', '--n', '2', '--seed', '7', '--out', dir).code).toBe(0);
    const json = join(dir, 'eval.json');
    const ev = cli('evaluate', dir, '--limit', '1', '--json', json);
    expect(ev.stderr).not.toMatch(/^error/m);
    expect(ev.code).toBe(0);
    const { summary, rows } = JSON.parse(readFileSync(json, 'utf8'));
    expect(summary.n).toBe(1);
    const file = readFileSync(join(dir, 'cohort.csv'), 'utf8').trim().split('\n')[1]!.split(',')[9]!;
    const out = join(dir, 'analyze');
    expect(cli('analyze', join(dir, file), '--out', out).code).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(rows[0].rel.hippocampusRelevance).toBe(result.hippocampus_relevance);
    expect(rows[0].pAD).toBe(result.probability);
  }, 300_000);
});
