/**
 * `preprocess` and `analyze --preprocess` end to end, spawned as a user runs them, on Colin27's whole
 * head (public/template/colin27_t1.nii.gz, i.e. ch2 on the grid) and a simulated raw T1 with 5 mm
 * slices. The written maps are read back and checked against the volumes in qc.json.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNifti } from '../src/core/nifti';
import { isOnGrid } from '../src/core/volume/grid';
import { simulateRawT1 } from '../src/training/rawT1Sim';
import { cli, ROOT } from './helpers/cli';
import { simAssets } from './helpers/rawT1';

const CH2 = join(ROOT, 'public', 'template', 'colin27_t1.nii.gz');

describe('cli preprocess', () => {
  let out: string;
  let run: ReturnType<typeof cli>;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'rv-preprocess-'));
    run = cli('preprocess', CH2, '--out', out);
  }, 600_000);

  it("writes mwp1.nii.gz (float32 on the grid), wm.nii.gz and qc.json whose GM volume is the map's", () => {
    expect(run.code, run.stderr).toBe(0);
    const gm = readNifti(readFileSync(join(out, 'mwp1.nii.gz')));
    expect(gm.header.datatype).toBe('float32');
    expect(isOnGrid(gm.volume)).toBe(true);
    expect(existsSync(join(out, 'wm.nii.gz'))).toBe(true);
    const qc = JSON.parse(readFileSync(join(out, 'qc.json'), 'utf8'));
    for (const k of ['gm_ml', 'wm_ml', 'csf_ml', 'tiv_ml']) expect(qc[k]).toBeGreaterThan(0);
    expect(qc.tiv_ml).toBeCloseTo(qc.gm_ml + qc.wm_ml + qc.csf_ml, 0);
    expect(qc.verdict).toBe('pass');
    expect(qc.label).toMatch(/Approximate CAT12-like/);
    for (const step of ['geometry', 'affine', 'segment', 'nonlinear', 'modulate', 'qc']) expect(qc.seconds[step]).toBeGreaterThanOrEqual(0);
    // The modulated map preserves the GM volume up to the clamped Jacobian and the grid's edges.
    let sum = 0;
    for (const v of gm.volume.data) sum += v;
    expect((sum * 3.375) / 1000 / qc.gm_ml).toBeGreaterThan(0.95);
    expect((sum * 3.375) / 1000 / qc.gm_ml).toBeLessThan(1.05);
  });

  it('refuses 5 mm slices with one line on stderr and exit code 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rv-preprocess-thick-'));
    const path = join(dir, 'thick.nii.gz');
    writeFileSync(path, simulateRawT1(simAssets, { seed: 9, voxelSize: [1.2, 1.2, 5] }).bytes);
    const r = cli('preprocess', path, '--out', join(dir, 'out'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: The scan has 5 mm slices/);
  }, 300_000);
});

describe('cli analyze --preprocess', () => {
  it('auto: a raw T1 is preprocessed first, its QC figures are in result.json; never: the input gate refuses it in one sentence', () => {
    const out = mkdtempSync(join(tmpdir(), 'rv-analyze-raw-'));
    const auto = cli('analyze', CH2, '--out', join(out, 'auto'), '--method', 'gradient');
    expect(auto.code, auto.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'auto', 'result.json'), 'utf8'));
    expect(result.preprocess.verdict).toBe('pass');
    expect(result.preprocess.figures.registration_r).toBeGreaterThan(0.9);
    expect(result.preprocess.tiv_ml).toBeGreaterThan(1000);
    const input = readNifti(readFileSync(join(out, 'auto', 'input.nii.gz'))).volume.data;
    expect(input.reduce((m, x) => Math.max(m, x), 0)).toBeLessThan(3); // a GM map, not T1 intensities

    const never = cli('analyze', CH2, '--out', join(out, 'never'), '--method', 'gradient', '--preprocess', 'never');
    expect(never.code).toBe(2);
    expect(never.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: This is a whole-head T1 scan, not a gray-matter map; .*\(mwp1\)\.$/)]);
    expect(existsSync(join(out, 'never', 'result.json'))).toBe(false);

    const bad = cli('analyze', CH2, '--out', join(out, 'bad'), '--preprocess', 'sometimes');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--preprocess must be auto, always or never/);
  }, 900_000);
});
