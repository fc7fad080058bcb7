/**
 * The CLI on DICOM, spawned as a user runs it: `info` lists the series of a folder or zip,
 * `convert-dicom` writes the chosen series (checked against dcm2niix's reference in world space),
 * `resample` and `analyze` take a DICOM folder where they take a NIfTI file (the export's T1 is analysed
 * through the raw-T1 stage; a 4 mm series is refused), and none of the outputs carries the fixture's
 * patient name or ID. Bad input: exit 2, one line on stderr.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readNifti } from '../src/core/nifti';
import { CAT12_GRID } from '../src/core/volume/grid';
import { cli } from './helpers/cli';
import { compareInWorld, DICOM_FIXTURES, PATIENT_ID, PATIENT_NAME, seriesFiles } from './dicom/fixtures';

const SERIES = join(DICOM_FIXTURES, 'series');

function expectNoPatient(bytes: Uint8Array): void {
  const text = Buffer.from(bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('latin1');
  expect(text).not.toContain(PATIENT_NAME);
  expect(text).not.toContain(PATIENT_ID);
}

describe('cli on DICOM', () => {
  it('info lists the series of an export folder and marks the one it would use', () => {
    const r = cli('info', join(SERIES, 'export-axial'));
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toContain('format: DICOM, 5 series');
    expect(lines.filter((l) => /^ {2}\* \[4\] series 3 "T1 MPRAGE ax": 70 x 76 x 68/.test(l))).toHaveLength(1);
    expect(lines.some((l) => /\[5\] series 5 "t2_tse_tra"/.test(l))).toBe(true);
    expect(lines).toContain('dims: 70 x 76 x 68');
    expect(r.stdout).not.toContain(PATIENT_NAME);
    expect(r.stdout).not.toContain(PATIENT_ID);
  });

  it('info reads a zip, and a chosen series', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rv-dicom-'));
    const zip = join(dir, 'export.zip');
    writeFileSync(zip, zipSync(Object.fromEntries(seriesFiles('export-axial').map((f) => [f.name, f.bytes]))));
    const r = cli('info', zip, '--series', '5');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('using: t2_tse_tra (series 5)');
    expect(r.stdout).toContain('dims: 48 x 48 x 24');
  });

  it('convert-dicom writes the series as dcm2niix places it, without the patient', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rv-dicom-'));
    const out = join(dir, 'sag.nii.gz');
    const r = cli('convert-dicom', join(SERIES, 'sagittal-signed'), '--out', out);
    expect(r.code).toBe(0);
    const bytes = new Uint8Array(readFileSync(out));
    expectNoPatient(bytes);
    const ours = readNifti(bytes).volume;
    const reference = readNifti(readFileSync(join(DICOM_FIXTURES, 'reference', 'sagittal-signed.nii.gz'))).volume;
    const cmp = compareInWorld(ours, reference);
    expect(cmp.matched).toBe(ours.data.length);
    expect(cmp.maxOffsetMm).toBeLessThan(0.5);
    expect(cmp.correlation).toBeGreaterThan(0.999);
  });

  it('resample takes a DICOM folder (a T1, said so)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rv-dicom-'));
    const resampled = join(dir, 'grid.nii.gz');
    const r = cli('resample', join(SERIES, 'jpeg-lossless'), '--out', resampled);
    expect(r.code).toBe(0);
    expect([...readNifti(readFileSync(resampled)).volume.dims]).toEqual([...CAT12_GRID.dims]);
    expect(r.stderr).toMatch(/whole-head T1 scan/); // a T1, not a gray-matter map: said, not hidden
  });

  it('analyze takes an export folder: the T1 goes through the raw-T1 stage to a result; no output names the patient', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'rv-dicom-')), 'analysis');
    const a = cli('analyze', join(SERIES, 'export-axial'), '--out', out, '--model', 'seeded');
    expect(a.stderr).not.toMatch(/internal error/);
    expect(a.code).toBe(0);
    expect(a.stderr).toMatch(/using T1 MPRAGE ax \(series 3\)/);
    expect(a.stderr).toMatch(/approximation of CAT12 \(not CAT12 itself\)/);
    expectNoPatient(new TextEncoder().encode(a.stdout + a.stderr));
    const written = readdirSync(out).sort();
    expect(written).toEqual(['input.nii.gz', 'regions.csv', 'relevance.nii.gz', 'result.json']);
    for (const name of written) expectNoPatient(new Uint8Array(readFileSync(join(out, name))));
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    // The stage's QC is in the result: the fixture's 2.4 x 2.6 x 2.5 mm voxels, the template brain covered.
    expect(['pass', 'doubtful']).toContain(result.preprocess.verdict);
    expect(result.preprocess.figures.voxel_max_mm).toBeCloseTo(2.6, 5);
    expect(result.preprocess.figures.coverage).toBeGreaterThanOrEqual(0.95);
    expect(result.preprocess.label).toMatch(/not CAT12/);
    expect(result.probability).toBeGreaterThanOrEqual(0);
    expect(result.probability).toBeLessThanOrEqual(1);
    expect([...readNifti(readFileSync(join(out, 'relevance.nii.gz'))).volume.dims]).toEqual([...CAT12_GRID.dims]);
  }, 600_000);

  it('analyze refuses a series of 4 mm slices in one sentence (the raw-T1 stage needs 3 mm at most)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'rv-dicom-')), 'analysis');
    const a = cli('analyze', join(SERIES, 'axial-deflated'), '--out', out, '--model', 'seeded');
    expect(a.code).toBe(2);
    expect(a.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^error: The scan has 4 mm slices, too thick/)]);
    expectNoPatient(new TextEncoder().encode(a.stdout + a.stderr));
    expect(existsSync(join(out, 'result.json'))).toBe(false);
  });

  it('bad input: exit 2 and one line on stderr', () => {
    for (const args of [
      ['info', join(DICOM_FIXTURES, 'bad', 'no-images')],
      ['info', join(DICOM_FIXTURES, 'bad', 'truncated.dcm')],
      ['convert-dicom', join(DICOM_FIXTURES, 'bad', 'jpeg-baseline'), '--out', join(tmpdir(), 'x.nii')],
      ['resample', join(DICOM_FIXTURES, 'bad', 'missing-slice'), '--out', join(tmpdir(), 'x.nii')],
    ]) {
      const r = cli(...args);
      expect(r.code).toBe(2);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^error: /);
    }
  });
});
