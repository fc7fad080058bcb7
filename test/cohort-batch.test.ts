/**
 * `batch` end to end, spawned as a user runs it, on a small BIDS dataset of synthetic subjects
 * (CAT12-like GM maps from the synth generator): the participant level's BIDS derivatives checked
 * against independent computations on the written files, recorded failures, the group level's
 * statistics and maps recomputed here, a killed task resumed without redoing finished subjects,
 * --dry-run on a 10 000-subject manifest, and the sbatch scripts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNifti } from '../src/core/nifti';
import { CAT12_GRID } from '../src/core/volume/grid';
import type { SubjectMeta } from '../src/training/synth';
import { makeBidsCohort } from './helpers/bidsCohort';
import { cli, ROOT } from './helpers/cli';
import { mismatches } from './helpers/arrays';
import { listTree, treeDifferences, tsvValues } from './helpers/tree';

const ANALYSED = ['01', '02', '03', '04', '05', '06'];
/** Every subject with a result: the GM maps and the raw T1 (sub-07, group AD). */
const WITH_RESULT = [...ANALYSED, '07'];
const groupOf = (metas: SubjectMeta[], id: string) => (id === '07' ? 'AD' : metas[ANALYSED.indexOf(id)]!.group);
const sidecarOf = (out: string, id: string) => join(out, `sub-${id}`, 'anat', `sub-${id}_space-IXI549Space_desc-relevance_statmap.json`);
const relevanceOf = (out: string, id: string) => join(out, `sub-${id}`, 'anat', `sub-${id}_space-IXI549Space_desc-relevance_statmap.nii.gz`);
const readMap = (path: string) => readNifti(readFileSync(path)).volume.data;
const participantFiles = (p: string) => p.startsWith('sub-') || p === 'dataset_description.json';

describe('cli batch', () => {
  let tmp: string, bids: string, out: string;
  let metas: SubjectMeta[];
  let participant: ReturnType<typeof cli>, group: ReturnType<typeof cli>;

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'rv-batch-'));
    bids = join(tmp, 'bids');
    out = join(tmp, 'out');
    metas = makeBidsCohort(bids, 6);
    // sub-07: a raw T1 (through the raw-T1 stage); sub-08: listed but without input; sub-09: a corrupt map.
    mkdirSync(join(bids, 'sub-07', 'anat'), { recursive: true });
    copyFileSync(join(ROOT, 'public', 'template', 'colin27_t1.nii.gz'), join(bids, 'sub-07', 'anat', 'sub-07_T1w.nii.gz'));
    mkdirSync(join(bids, 'derivatives', 'cat12', 'sub-09', 'anat'), { recursive: true });
    writeFileSync(join(bids, 'derivatives', 'cat12', 'sub-09', 'anat', 'mwp1sub-09_T1w.nii.gz'), 'this is not a NIfTI file');
    appendFileSync(join(bids, 'participants.tsv'), 'sub-07\t70\tF\tAD\t1400\t3\nsub-08\t71\tM\tCN\t1500\t3\nsub-09\t72\tF\tMCI\t1450\t3\n');
    participant = cli('batch', bids, out, 'participant');
    group = cli('batch', bids, out, 'group');
  }, 600_000);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('runs the participant level with one model load, writing BIDS derivatives', () => {
    expect(participant.code).toBe(0);
    expect(participant.stderr.match(/model loaded once/g)).toHaveLength(1);
    const description = JSON.parse(readFileSync(join(out, 'dataset_description.json'), 'utf8'));
    expect(description).toMatchObject({
      DatasetType: 'derivative',
      GeneratedBy: [{ Name: 'relevance-viewer' }],
      SourceDatasets: [{ URL: '../bids' }],
      DatasetLinks: { raw: '../bids' },
    });
    expect(description.Name).toContain('synthetic test cohort');
    for (const id of ANALYSED) {
      expect(readdirSync(join(out, `sub-${id}`, 'anat')).sort()).toEqual([
        `sub-${id}_space-IXI549Space_atlas-AAL_desc-relevance_regions.tsv`,
        `sub-${id}_space-IXI549Space_desc-relevance_statmap.json`,
        `sub-${id}_space-IXI549Space_desc-relevance_statmap.nii.gz`,
        `sub-${id}_space-IXI549Space_label-GM_desc-modelinput_probseg.nii.gz`,
      ]);
    }
  });

  it("sidecars: sources, model hash, probability from the logits, and the paper's hippocampus score of the written map", () => {
    const labels = readMap(join(ROOT, 'public', 'atlas', 'aal.nii.gz'));
    for (const [k, id] of ANALYSED.entries()) {
      const c = JSON.parse(readFileSync(sidecarOf(out, id), 'utf8'));
      expect(c.Sources).toEqual([`bids:raw:derivatives/cat12/sub-${id}/anat/mwp1sub-${id}_T1w.nii.gz`]);
      expect(c.Model.SHA256).toMatch(/^[0-9a-f]{64}$/);
      expect(c.Model.Note).toMatch(/synthetic data/);
      expect(c).toMatchObject({ Method: 'paper', Engine: 'wasm-simd', InputKind: 'gm-map', Group: metas[k]!.group, QC: { Verdict: 'analyze' } });
      const [l0, l1] = c.Logits as [number, number];
      // the logits are the calibrated ones (z / T, as the relevance is computed on them)
      expect(c.CalibrationTemperature).not.toBe(1);
      expect(c.Probability).toBeCloseTo(1 / (1 + Math.exp(l0 - l1)), 6);
      // Sum of max(R, 0) over AAL 37 + 38 of the map on disk (lrp.md's region score), computed here.
      const r = readMap(relevanceOf(out, id));
      let hip = 0;
      for (let v = 0; v < r.length; v++) if ((labels[v] === 37 || labels[v] === 38) && r[v]! > 0) hip += r[v]!;
      expect(c.HippocampusRelevance).toBeCloseTo(hip, 9);
      // The generator's own hippocampal GM volume (of the map before uint8 storage) within 1 %.
      expect(c.HippocampalVolumeSource).toBe('gm-map');
      expect(Math.abs(c.HippocampalVolume / metas[k]!.hippocampalGm - 1)).toBeLessThan(0.01);
      expect(c.Covariates).toEqual({ age: metas[k]!.age, sex: metas[k]!.sex === 'F' ? 1 : 0, tiv: metas[k]!.tiv, field: metas[k]!.field });
    }
  });

  it("region TSV: each AAL region's positive and negative sums of the written map", () => {
    const labels = readMap(join(ROOT, 'public', 'atlas', 'aal.nii.gz'));
    const r = readMap(relevanceOf(out, '03'));
    const rows = tsvValues(join(out, 'sub-03', 'anat', 'sub-03_space-IXI549Space_atlas-AAL_desc-relevance_regions.tsv'));
    expect(rows[0]).toEqual(['region', 'index', 'hemisphere', 'voxels', 'positive_sum', 'negative_sum']);
    expect(rows).toHaveLength(117);
    for (const row of rows.slice(1).filter((x) => ['Hippocampus_L', 'Precuneus_R', 'Temporal_Mid_L'].includes(x[0] as string))) {
      let voxels = 0,
        pos = 0,
        neg = 0;
      for (let v = 0; v < r.length; v++)
        if (labels[v] === row[1]) {
          voxels++;
          if (r[v]! > 0) pos += r[v]!;
          else neg += r[v]!;
        }
      expect(row[3]).toBe(voxels);
      expect(row[4] as number).toBeCloseTo(pos, 6);
      expect(row[5] as number).toBeCloseTo(neg, 6);
    }
  });

  it('records failing subjects with a one-line reason and goes on', () => {
    const reason = (key: string) => JSON.parse(readFileSync(join(out, 'logs', `${key}_failed.json`), 'utf8')).reason as string;
    expect(reason('sub-08')).toMatch(/no input found for sub-08/);
    expect(reason('sub-09')).toMatch(/gzip|NIfTI|not/i);
    for (const key of ['sub-08', 'sub-09']) expect(participant.stderr).toContain(`failed ${key}:`);
    expect(participant.stderr).toMatch(/2 subjects failed/);
  });

  it('a raw T1 goes through the raw-T1 stage: its sidecar carries the stage QC and says the map is not CAT12', () => {
    const c = JSON.parse(readFileSync(sidecarOf(out, '07'), 'utf8'));
    expect(c.Sources).toEqual(['bids:raw:sub-07/anat/sub-07_T1w.nii.gz']);
    expect(c.QC.ScanKind).toBe('raw-t1');
    expect(c.QC.Note).toMatch(/approximate CAT12-like.*not CAT12/);
    expect(c.QC.RawT1Stage.tiv_ml).toBeGreaterThan(1000);
    expect(c.QC.RawT1Stage.tiv_ml).toBeLessThan(2100);
    // The stage's measured TIV replaces the participants.tsv value (1400) in what the model saw.
    if (c.CovariatesUsed) expect(c.CovariatesUsed.tiv).toBeCloseTo(c.QC.RawT1Stage.tiv_ml, 0);
    expect(Number.isFinite(c.Probability)).toBe(true);
  });

  it('group level: subjects table, AUCs and r recomputed from the sidecars', () => {
    expect(group.code).toBe(0);
    const table = tsvValues(join(out, 'group', 'subjects.tsv'));
    expect(table.slice(1).map((r) => [r[0], r[7]])).toEqual([
      ...ANALYSED.map((id) => [`sub-${id}`, 'ok']),
      ['sub-07', 'ok'],
      ['sub-08', 'failed'],
      ['sub-09', 'failed'],
    ]);
    const cars = WITH_RESULT.map((id) => JSON.parse(readFileSync(sidecarOf(out, id), 'utf8')));
    const p = (g: string) => cars.filter((c) => c.Group === g).map((c) => c.Probability as number);
    const pairwise = (neg: number[], pos: number[]) => {
      let s = 0;
      for (const a of pos) for (const b of neg) s += a > b ? 1 : a === b ? 0.5 : 0;
      return s / (pos.length * neg.length);
    };
    const auc = tsvValues(join(out, 'group', 'auc.tsv'));
    expect(auc.slice(1).map((r) => [r[0], r[1], r[2], r[3]])).toEqual([
      ['CN', 'MCI', 2, 2],
      ['CN', 'AD', 2, 3],
      ['MCI', 'AD', 2, 3],
    ]);
    for (const row of auc.slice(1)) {
      expect(row[4]).toBeCloseTo(pairwise(p(row[0] as string), p(row[1] as string)), 9);
      expect(row[5] as number).toBeLessThanOrEqual(row[4] as number);
      expect(row[6] as number).toBeGreaterThanOrEqual(row[4] as number);
    }
    const x = cars.map((c) => c.HippocampusRelevance as number),
      y = cars.map((c) => c.HippocampalVolume as number);
    const mx = x.reduce((a, b) => a + b) / x.length,
      my = y.reduce((a, b) => a + b) / y.length;
    let sxy = 0,
      sxx = 0,
      syy = 0;
    x.forEach((xi, i) => {
      sxy += (xi - mx) * (y[i]! - my);
      sxx += (xi - mx) ** 2;
      syy += (y[i]! - my) ** 2;
    });
    const stats = JSON.parse(readFileSync(join(out, 'group', 'statistics.json'), 'utf8'));
    expect(stats.correlation.estimate).toBeCloseTo(sxy / Math.sqrt(sxx * syy), 9);
    expect(stats.correlation.n).toBe(7);
    expect(stats.failed).toBe(2);
  });

  it("group maps on the grid: each group's mean relevance and the AD - CN difference", () => {
    const dir = join(out, 'group');
    const mean = (g: string) => {
      const ids = WITH_RESULT.filter((id) => groupOf(metas, id) === g);
      const sum = new Float64Array(CAT12_GRID.dims[0] * CAT12_GRID.dims[1] * CAT12_GRID.dims[2]);
      for (const id of ids)
        readMap(relevanceOf(out, id)).forEach((v, i) => {
          sum[i] += v;
        });
      return Float32Array.from(sum, (s) => s / ids.length);
    };
    const ad = readNifti(readFileSync(join(dir, 'group-AD_space-IXI549Space_desc-meanrelevance_statmap.nii.gz'))).volume;
    expect([...ad.dims]).toEqual([...CAT12_GRID.dims]);
    expect([...ad.affine]).toEqual([...CAT12_GRID.affine]);
    expect(mismatches(ad.data, mean('AD'))).toBe(0);
    const cn = readMap(join(dir, 'group-CN_space-IXI549Space_desc-meanrelevance_statmap.nii.gz'));
    expect(mismatches(cn, mean('CN'))).toBe(0);
    const diff = readMap(join(dir, 'contrast-ADvsCN_space-IXI549Space_desc-relevancedifference_statmap.nii.gz'));
    expect(
      mismatches(
        diff,
        Float32Array.from(ad.data, (v, i) => v - cn[i]!),
      ),
    ).toBe(0);
  });

  it('the HTML report is self-contained and shows ROC, scatter, map slices and the failures', () => {
    const html = readFileSync(join(out, 'group', 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script|<link|src="(?!data:)/i);
    expect(html).toContain('aria-label="ROC curves"');
    expect(html).toContain('aria-label="Hippocampus relevance against hippocampal volume"');
    expect((html.match(/<img /g) ?? []).length).toBe(3 * (3 + 3)); // 3 planes x (3 group means + 3 differences)
    expect(html).toMatch(/no input found for sub-08/);
    expect(html).toContain('Demonstration model trained on synthetic data');
  });

  it('a killed task resumes: finished subjects are not redone, and the result equals the uninterrupted run byte for byte', async () => {
    const resumed = join(tmp, 'resumed');
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'src', 'cli', 'main.ts'), 'batch', bids, resumed, 'participant'], {
      cwd: ROOT,
      detached: true,
      stdio: 'ignore',
    });
    const deadline = Date.now() + 300_000;
    while (!existsSync(sidecarOf(resumed, '01')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const finished = ANALYSED.filter((id) => existsSync(sidecarOf(resumed, id)));
    expect(finished).toContain('01');
    const before = new Map(finished.map((id) => [id, statSync(relevanceOf(resumed, id), { bigint: true })]));

    const rerun = cli('batch', bids, resumed, 'participant');
    expect(rerun.code).toBe(0);
    for (const id of finished) {
      expect(rerun.stderr).toContain(`skip sub-${id}: finished earlier`);
      const after = statSync(relevanceOf(resumed, id), { bigint: true });
      expect([after.ino, after.mtimeNs]).toEqual([before.get(id)!.ino, before.get(id)!.mtimeNs]);
    }
    const redone = ANALYSED.filter((id) => !finished.includes(id));
    expect(redone.length).toBeGreaterThan(0);
    for (const id of redone) expect(rerun.stderr).toContain(`done sub-${id}`);
    expect(listTree(resumed).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(treeDifferences(out, resumed, participantFiles)).toEqual([]);
  }, 600_000);

  it('a CSV manifest works the same way: the same maps, its own paths as Sources', () => {
    const manifest = join(bids, 'two.csv'); // paths relative to the manifest's folder
    writeFileSync(
      manifest,
      'path,id,group,age,sex,tiv,field\n' +
        ['01', '03']
          .map((id) => {
            const m = metas[Number(id) - 1]!;
            return `derivatives/cat12/sub-${id}/anat/mwp1sub-${id}_T1w.nii.gz,${id},${m.group},${m.age},${m.sex},${m.tiv},${m.field}`;
          })
          .join('\n') +
        '\n',
    );
    const fromManifest = join(tmp, 'manifest-out');
    const r = cli('batch', manifest, fromManifest, 'participant');
    expect(r.code, r.stderr).toBe(0);
    for (const id of ['01', '03']) {
      expect(readFileSync(relevanceOf(fromManifest, id)).equals(readFileSync(relevanceOf(out, id)))).toBe(true);
      const a = JSON.parse(readFileSync(sidecarOf(fromManifest, id), 'utf8')),
        b = JSON.parse(readFileSync(sidecarOf(out, id), 'utf8'));
      expect(a.Sources).toEqual([`derivatives/cat12/sub-${id}/anat/mwp1sub-${id}_T1w.nii.gz`]);
      expect({ ...a, Sources: null }).toEqual({ ...b, Sources: null });
    }
  });

  it('--dry-run lists 10 000 subjects of a manifest with their inputs and shards, running nothing', () => {
    const manifest = join(tmp, 'manifest.csv');
    const lines = ['path,id,group,age,sex,tiv,field'];
    for (let i = 0; i < 10_000; i++) lines.push(`scans/s${i}/mwp1s${i}.nii.gz,S${String(i).padStart(5, '0')},${['CN', 'MCI', 'AD'][i % 3]},70,F,1500,3`);
    writeFileSync(manifest, lines.join('\n') + '\n');
    const r = cli('batch', manifest, join(tmp, 'dry'), 'participant', '--dry-run', '--tasks', '8');
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(rows).toHaveLength(10_000);
    expect(rows[9]).toEqual(['sub-S00009', 'gm-map', 'scans/s9/mwp1s9.nii.gz', 'shard 1/8', 'input missing']);
    expect(r.stderr).toMatch(/10000 subjects \(10000 gm-map\) in 8 shards/);
    expect(existsSync(join(tmp, 'dry'))).toBe(false);
  });

  it("--slurm-script writes an array job sized from this run's task logs and a dependent group job", () => {
    const r = cli('batch', bids, out, 'participant', '--slurm-script', '--tasks', '6', '--concurrency', '2');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/6 array tasks, 2 at a time/);
    expect(r.stderr).toMatch(/task log/);
    const array = readFileSync(join(out, 'code', 'participant.sbatch'), 'utf8');
    expect(array).toContain('#SBATCH --array=0-5%2');
    expect(array).toMatch(/#SBATCH --mem=\d+M/);
    expect(array).toContain(`batch ${bids} ${out} participant`);
    expect(readFileSync(join(out, 'code', 'group.sbatch'), 'utf8')).toContain(`batch ${bids} ${out} group`);
    expect(readFileSync(join(out, 'code', 'submit.sh'), 'utf8')).toContain('--dependency=afterok:');
  });

  it('bad input: one line on stderr, exit 2', () => {
    for (const args of [
      [join(tmp, 'nope'), out, 'participant'],
      [bids, out, 'everything'],
      [bids, out, 'participant', '--shard', '3/3'],
      [bids, out, 'participant', '--model', 'seeded'], // the folder holds the demo model's results: not mixed, not skipped
    ]) {
      const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'src', 'cli', 'main.ts'), 'batch', ...args], { encoding: 'utf8', cwd: ROOT });
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^error: /);
    }
    expect(cli('batch', bids, out, 'participant', '--model', 'seeded').stderr).toMatch(
      /holds results of another model or method \(sub-01: models\/demo-whole, paper\)/,
    );
  });
});
