/**
 * `analyze` and `resample` end to end, spawned as a user runs them, on the bundled demo model and
 * demo cases (wasm-simd engine). The outputs are checked against independent computations: the
 * grid placement against our reader + the doc's crop, the region CSV against sums over the
 * written relevance map and the atlas.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNifti } from '../src/core/nifti';
import { CAT12_GRID } from '../src/core/volume/grid';
import { BUNDLED_MODELS } from '../src/core/model/catalog';
import { cli, ROOT } from './helpers/cli';
import { DEFAULT_COVARIATES } from '../src/core/analysis/residualize';
import { DEMO_MODEL_DIR } from '../src/cli/loadModelNode';

const DEMO = join(ROOT, 'public', 'demo');
const AD = join(DEMO, 'demo-03-AD.nii.gz');
const CN = join(DEMO, 'demo-01-CN.nii.gz');
const demoTemperature = (
  JSON.parse(readFileSync(join(DEMO_MODEL_DIR, 'model.json'), 'utf8')) as { userDefinedMetadata: { calibration: { temperature: number } } }
).userDefinedMetadata.calibration.temperature;

describe('cli analyze', () => {
  let out: string;
  let run: ReturnType<typeof cli>;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'rv-analyze-'));
    run = cli('analyze', AD, CN, '--out', out);
  });

  it('analyses several scans with one model load, a folder per scan', () => {
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(2);
    for (const stem of ['demo-03-AD', 'demo-01-CN']) {
      const result = JSON.parse(readFileSync(join(out, stem, 'result.json'), 'utf8'));
      expect(result.method).toBe('paper');
      expect(result.backend).toMatch(/wasm-simd/);
      expect(result.logits).toHaveLength(2);
      // probability = softmax(logits)[1]
      const [l0, l1] = result.logits as [number, number];
      expect(result.probability).toBeCloseTo(1 / (1 + Math.exp(l0 - l1)), 6);
      for (const stage of ['reading', 'grid', 'forward', 'relevance', 'post']) expect(result.timings_ms[stage]).toBeGreaterThanOrEqual(0);
      expect(result.input_gate).toMatchObject({ class: 'gm-on-grid', verdict: 'analyze', warnings: [] });
      // The bundled demo model gets the page's display post-processing (its catalog entry), not x500.
      expect(result.display).toEqual({ scaling: 'fixed', sigma: 0.8, factor: BUNDLED_MODELS.find((m) => m.id === 'demo')!.display!.factor });
      // it residualizes: without covariates given, the original app's defaults (said in a notice); its own temperature
      expect(result.covariates).toEqual(DEFAULT_COVARIATES);
      expect(result.calibration).toEqual({ temperature: demoTemperature });
    }
  });

  it('writes relevance and input on the CAT12 grid; the input is the scan itself (on the grid, for a model that does not residualize)', () => {
    const dir = join(out, 'seeded');
    expect(cli('analyze', AD, '--model', 'seeded', '--out', dir).code).toBe(0);
    const relevance = readNifti(readFileSync(join(dir, 'relevance.nii.gz'))).volume;
    const input = readNifti(readFileSync(join(dir, 'input.nii.gz'))).volume;
    const scan = readNifti(readFileSync(AD)).volume;
    for (const v of [relevance, input]) {
      expect([...v.dims]).toEqual([...CAT12_GRID.dims]);
      expect([...v.affine]).toEqual([...CAT12_GRID.affine]);
    }
    // Inside the model's crop (i 10..109, j 13..132, k 5..104) the input equals the scan; outside it is 0,
    // and so is the relevance.
    const [nx, ny] = CAT12_GRID.dims;
    let inside = 0,
      inputMismatches = 0,
      nonZeroOutside = 0;
    for (let k = 0; k < 121; k++)
      for (let j = 0; j < 145; j++)
        for (let i = 0; i < 121; i++) {
          const v = i + nx * (j + ny * k);
          const inCrop = i >= 10 && i < 110 && j >= 13 && j < 133 && k >= 5 && k < 105;
          if (inCrop) {
            inside++;
            if (input.data[v] !== scan.data[v]) inputMismatches++;
          } else if (input.data[v] !== 0 || relevance.data[v] !== 0) {
            nonZeroOutside++;
          }
        }
    expect(inputMismatches).toBe(0);
    expect(nonZeroOutside).toBe(0);
    expect(inside).toBe(100 * 100 * 120);
    expect(relevance.data.some((x) => x !== 0)).toBe(true);
  });

  it("writes the paper's region scores: positive and negative raw relevance summed in each AAL region", () => {
    const dir = join(out, 'demo-03-AD');
    const relevance = readNifti(readFileSync(join(dir, 'relevance.nii.gz'))).volume.data;
    const labels = readNifti(readFileSync(join(ROOT, 'public', 'atlas', 'aal.nii.gz'))).volume.data;
    const names = JSON.parse(readFileSync(join(ROOT, 'public', 'atlas', 'aal.json'), 'utf8')) as { index: number; name: string }[];
    const rows = readFileSync(join(dir, 'regions.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('region,hemisphere,voxels,positive_sum,negative_sum');
    expect(rows).toHaveLength(117);
    for (const name of ['Hippocampus_L', 'Hippocampus_R', 'Precuneus_R']) {
      const index = names.find((n) => n.name === name)!.index;
      let pos = 0,
        neg = 0,
        voxels = 0;
      for (let v = 0; v < labels.length; v++) {
        if (Math.round(labels[v]!) !== index) continue;
        voxels++;
        const r = relevance[v]!;
        if (r > 0) pos += r;
        else neg += r;
      }
      const [, hemi, n, p, q] = rows.find((r) => r.startsWith(`${name},`))!.split(',');
      expect(hemi).toBe(name.slice(-1));
      expect(Number(n)).toBe(voxels);
      expect(Number(p)).toBeCloseTo(pos, 5);
      expect(Number(q)).toBeCloseTo(neg, 5);
    }
  });

  it('refuses a bad scan with one line on stderr and exit code 2, and keeps the good ones of a batch', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rv-bad-'));
    const bad = join(dir, 'notes.nii.gz');
    writeFileSync(bad, 'not a scan at all');
    const single = cli('analyze', bad, '--out', join(dir, 'one'));
    expect(single.code).toBe(2);
    expect(single.stderr.trim().split('\n')).toHaveLength(1);
    expect(single.stderr).toMatch(/^error: .*NIfTI/);
    const batch = cli('analyze', bad, CN, '--out', join(dir, 'many'));
    expect(batch.code).toBe(2);
    expect(JSON.parse(readFileSync(join(dir, 'many', 'demo-01-CN', 'result.json'), 'utf8')).logits).toHaveLength(2);
  });

  it('with --preprocess never, refuses a whole-head T1 (the input gate) with one sentence and exit 2, writing no result', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rv-t1-'));
    const r = cli('analyze', join(ROOT, 'public', 'template', 'colin27_t1.nii.gz'), '--preprocess', 'never', '--out', dir);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toMatch(/P\(AD\)/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: This is a whole-head T1 scan, not a gray-matter map; .*\(mwp1\)\.$/m);
    expect(existsSync(join(dir, 'result.json'))).toBe(false);
  });

  it('refuses an unknown method naming the choices', () => {
    const r = cli('analyze', CN, '--out', mkdtempSync(join(tmpdir(), 'rv-m-')), '--method', 'magic');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/paper.*gradient-x-input/);
  });
});

describe('cli resample', () => {
  it('copies an on-grid scan bit for bit onto the grid, as float32', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rv-res-')), 'grid.nii.gz');
    const r = cli('resample', CN, '--out', file);
    expect(r.code).toBe(0);
    const got = readNifti(readFileSync(file));
    expect(got.header.datatype).toBe('float32');
    expect([...got.volume.affine]).toEqual([...CAT12_GRID.affine]);
    expect(Buffer.from(got.volume.data.buffer).equals(Buffer.from(readNifti(readFileSync(CN)).volume.data.buffer))).toBe(true);
  });
});
