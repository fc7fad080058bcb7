/**
 * `info` end to end: spawns the CLI as a user would. The expected facts come from nibabel
 * (test/fixtures/nifti/expected.json), not from our own output.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { cli } from './helpers/cli';

const FIXTURES = join(__dirname, 'fixtures', 'nifti');

const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as {
  cases: { file: string; orientation: string; shape: number[]; datatype: string; littleEndian: boolean }[];
};

describe('cli info', () => {
  it('describes a good scan (big-endian, scaled, oblique)', () => {
    const c = expected.cases.find((x) => x.file === 'int16_be_scaled.nii')!;
    const r = cli('info', join(FIXTURES, c.file));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toContain(`dims: ${c.shape.join(' x ')}`);
    expect(lines).toContain(`orientation: ${c.orientation}`);
    expect(lines).toContain(`datatype: ${c.datatype}`);
    expect(lines).toContain('byte order: big-endian');
    expect(lines).toContain('voxel size: 1.1 x 0.9 x 1.3 mm'); // the fixture's oblique affine: diag(1.1, 0.9, 1.3) rotated
    expect(lines).toContain('scaling: value = stored * 0.25 - 12.5');
    expect(lines.some((l) => l.startsWith('affine: sform'))).toBe(true);
    expect(lines.filter((l) => /^ {2}\[ .* \]$/.test(l))).toHaveLength(3);
    expect(lines.some((l) => l.startsWith('kind: partial-coverage, refuse'))).toBe(true); // a tiny test volume covers almost none of the MNI brain
  });

  it('refuses a bad file with exit 2 and one line on stderr, no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rv-info-'));
    const bad = join(dir, 'scan.nii');
    writeFileSync(bad, 'this is not an image\n');
    const r = cli('info', bad);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: The file is not a NIfTI image/);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);

    const missing = cli('info', join(dir, 'missing.nii'));
    expect(missing.code).toBe(2);
    expect(missing.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
