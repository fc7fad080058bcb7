/**
 * `evaluate` on a small synthetic cohort: it runs the one pipeline, so its hippocampus relevance and
 * the hippocampal volume of the model input are the numbers `analyze` writes for the same scan; and a
 * bad --limit or an empty cohort is refused with one line and exit code 2 (not an empty run that exits 0).
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeCovariateBinary } from '../src/core/model/covariateModel';
import { readNifti } from '../src/core/nifti';
import { coarseDims } from '../src/core/volume/coarseGrid';
import { CAT12_GRID } from '../src/core/volume/grid';
import { CSV_HEADER } from '../src/training/node/cohortFiles';
import { cli, ROOT } from './helpers/cli';
import { DEMO_MODEL_DIR } from '../src/cli/loadModelNode';

describe('cli evaluate', () => {
  it('refuses a --limit that is not a positive whole number', () => {
    for (const limit of ['abc', '0', '-3', '2.5']) {
      const r = cli('evaluate', tmpdir(), `--limit=${limit}`);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/--limit must be a positive whole number/);
    }
  }, 120_000);

  it('refuses an unknown --method, naming the choices', () => {
    const r = cli('evaluate', tmpdir(), '--method', 'nope');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--method: Unknown method "nope"; choose one of paper, /);
  }, 60_000);

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
    // the subject's own covariates, as evaluate takes them from cohort.csv (the demo model residualizes)
    expect(cli('analyze', join(dir, file), '--covariates', join(dir, 'cohort.csv'), '--out', out).code).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(rows[0].rel.hippocampusRelevance).toBe(result.hippocampus_relevance);
    expect(rows[0].pAD).toBe(result.probability);
    // its covariate-adjusted hippocampal volume is the hippocampal sum of what the model saw:
    // analyze's input.nii.gz over AAL 37 + 38, read from the files, in cm3
    const input = readNifti(readFileSync(join(out, 'input.nii.gz'))).volume.data;
    const aal = readNifti(readFileSync(join(ROOT, 'public', 'atlas', 'aal.nii.gz'))).volume.data;
    let hip = 0;
    for (let i = 0; i < aal.length; i++) if (aal[i] === 37 || aal[i] === 38) hip += input[i]!;
    expect(rows[0].hippocampalInputGm).toBeCloseTo(hip * 3.375e-3, 4);
    expect(rows[0].hippocampalInputGm).not.toBeCloseTo(rows[0].hippocampalGm, 1); // residuals, not the volume
  }, 300_000);

  it('residualizes each subject with its own covariates from cohort.csv, as analyze does with --age/--sex/--tiv/--field', () => {
    // the demo weights with a covariate model in which age and TIV matter (kept on every 2nd voxel)
    const model = mkdtempSync(join(tmpdir(), 'rv-resmodel-'));
    cpSync(DEMO_MODEL_DIR, model, { recursive: true });
    const meta = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8'));
    meta.userDefinedMetadata = { ...meta.userDefinedMetadata, residualize: true, covariateModel: 'cov.bin', covariateModelStep: 2 };
    writeFileSync(join(model, 'model.json'), JSON.stringify(meta));
    const [cx, cy, cz] = coarseDims(CAT12_GRID.dims, 2);
    const n = cx * cy * cz;
    const maps = {
      b0: new Float32Array(n).fill(0.05),
      b1: new Float32Array(n).fill(-0.004),
      b2: new Float32Array(n),
      b3: new Float32Array(n).fill(1e-4),
      b4: new Float32Array(n),
    };
    writeFileSync(join(model, 'cov.bin'), encodeCovariateBinary(maps, 'float16'));

    const dir = mkdtempSync(join(tmpdir(), 'rv-cohort-'));
    expect(cli('synth', '--n', '2', '--seed', '11', '--out', dir).code).toBe(0);
    const json = join(dir, 'eval.json');
    const ev = cli('evaluate', dir, '--model', model, '--limit', '1', '--json', json);
    expect(ev.code).toBe(0);
    const { rows } = JSON.parse(readFileSync(json, 'utf8'));
    const [head, first] = readFileSync(join(dir, 'cohort.csv'), 'utf8').trim().split('\n');
    const row = Object.fromEntries(head!.split(',').map((k, i) => [k, first!.split(',')[i]!]));
    const analyze = (...extra: string[]) => {
      const out = mkdtempSync(join(tmpdir(), 'rv-an-'));
      expect(cli('analyze', join(dir, row.file!), '--model', model, '--out', out, ...extra).code).toBe(0);
      return JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    };
    const own = analyze('--age', row.age!, '--sex', row.sex!, '--tiv', row.tiv!, '--field', row.field!);
    expect(rows[0].pAD).toBe(own.probability);
    expect(rows[0].rel.hippocampusRelevance).toBe(own.hippocampus_relevance);
    // and the covariates do matter here: the defaults (73 years, 1400 ml, ...) give another result
    expect(analyze().probability).not.toBe(own.probability);
  }, 400_000);
});
