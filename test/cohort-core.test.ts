/**
 * The pure parts of cohort runs: subject discovery in a BIDS file list, manifests, shards, the
 * group statistics (checked against brute-force and closed-form references), maps, PNG, report
 * and sbatch scripts.
 */
import { describe, expect, it } from 'vitest';
import { discoverBidsSubjects } from '../src/core/cohort/discovery';
import { differenceMap, groupSummary, MeanMap, orderGroups } from '../src/core/cohort/group';
import { parseManifest } from '../src/core/cohort/manifest';
import { base64, encodePngRgb } from '../src/core/cohort/png';
import { reportHtml } from '../src/core/cohort/report';
import { parseShard, shardFromSlurm, shardOf } from '../src/core/cohort/shard';
import { sizeArray, slurmScripts, shellQuote } from '../src/core/cohort/slurm';
import { auc, aucOfGroups, aucWithInterval, pearson, pearsonWithInterval, quantileSorted, rocCurve } from '../src/core/cohort/stats';
import { parseTable, toTsv } from '../src/core/cohort/tables';
import { isStatmapFile, statmapOnGrid } from '../src/core/cohort/statmap';
import { gridVoxelMm3 } from '../src/core/cohort/volumes';
import { subjectFiles } from '../src/core/cohort/derivatives';
import { writeNifti } from '../src/core/nifti';
import { CAT12_GRID } from '../src/core/volume/grid';
import { InputError } from '../src/core/errors';
import { mulberry32 } from '../src/core/random';
import { decodePng } from './browser/png';
import { mismatches } from './helpers/arrays';
import { maxAbs } from '../src/core/cohort/slices';

const participants = parseTable(
  ['participant_id\tage\tsex\tgroup\ttiv', 'sub-01\t70\tF\tCN\t1500', 'sub-02\tn/a\tmale\tAD\tn/a', 'sub-03\t81\tM\tMCI\t1400', 'sub-04\t66\tf\tAD\t1300'].join(
    '\n',
  ),
  '\t',
  'participants.tsv',
);

describe('BIDS discovery', () => {
  const files = [
    'participants.tsv',
    'sub-01/anat/sub-01_T1w.nii.gz',
    'derivatives/cat12/sub-01/anat/mwp1sub-01_T1w.nii.gz', // preferred over the raw T1
    'sub-02/ses-bl/anat/sub-02_ses-bl_run-2_T1w.nii',
    'sub-02/ses-bl/anat/sub-02_ses-bl_run-1_T1w.nii', // the first in name order
    'sub-02/ses-m12/anat/sub-02_ses-m12_T1w.nii.gz',
    'derivatives/cat12/mri/mwp1sub-02_ses-m12_T1w.nii', // CAT12's own layout, entities from the name
    'sourcedata/sub-03/dicom/IM0001',
    'sourcedata/sub-03/dicom/IM0002',
    'sub-05/anat/sub-06_T1w.nii.gz', // name does not match the folder: not an input of anyone
    'sub-05/anat/sub-05_T2w.nii.gz',
    'derivatives/fmriprep/sub-05/anat/mwp1sub-05_T1w.nii', // not a CAT12 derivative
  ];

  it('finds one input per subject and session, CAT12 map before raw T1 before DICOM, with covariates', () => {
    const s = discoverBidsSubjects(files, participants);
    expect(s.map((x) => [x.key, x.input?.kind ?? null, x.input?.path ?? null])).toEqual([
      ['sub-01', 'gm-map', 'derivatives/cat12/sub-01/anat/mwp1sub-01_T1w.nii.gz'],
      ['sub-02_ses-bl', 'raw-t1', 'sub-02/ses-bl/anat/sub-02_ses-bl_run-1_T1w.nii'],
      ['sub-02_ses-m12', 'gm-map', 'derivatives/cat12/mri/mwp1sub-02_ses-m12_T1w.nii'],
      ['sub-03', 'dicom', 'sourcedata/sub-03'],
      ['sub-04', null, null],
    ]);
    expect(s[0]).toMatchObject({ id: '01', group: 'CN', covariates: { age: 70, sex: 1, tiv: 1500 } });
    expect(s[1]).toMatchObject({ id: '02', session: 'bl', group: 'AD', covariates: { sex: 0 } });
    expect(s[1]!.covariates.age).toBeUndefined();
    expect(s[4]!.problem).toMatch(/no input found for sub-04/);
  });

  it('keeps only the participant labels asked for (with or without "sub-")', () => {
    expect(discoverBidsSubjects(files, participants, { participantLabels: ['sub-03', '01'] }).map((x) => x.key)).toEqual(['sub-01', 'sub-03']);
  });
});

describe('manifest', () => {
  it('reads path, id, group and covariates; guesses the input kind from the path', () => {
    const s = parseManifest(
      [
        'path,id,group,age,sex,tiv,field',
        'scans/a/mwp1a.nii.gz,A1,CN,70,F,1500,3',
        '"scans/b, with comma/b_T1w.nii",B2,AD,n/a,M,,1.5',
        'dicoms/c3,C3,MCI,72,,,',
        'cat12/mri/mwp1sub-D4_T1w.nii,D4,AD,,,,',
      ].join('\n'),
      'm.csv',
    );
    expect(s.map((x) => [x.key, x.input!.kind, x.input!.path])).toEqual([
      ['sub-A1', 'gm-map', 'scans/a/mwp1a.nii.gz'],
      ['sub-B2', 'raw-t1', 'scans/b, with comma/b_T1w.nii'],
      ['sub-C3', 'dicom', 'dicoms/c3'],
      ['sub-D4', 'gm-map', 'cat12/mri/mwp1sub-D4_T1w.nii'], // CAT12's prefix wins over the source's _T1w
    ]);
    expect(s[0]!.covariates).toEqual({ age: 70, sex: 1, tiv: 1500, field: 3 });
    expect(s[1]!.covariates).toEqual({ sex: 0, field: 1.5 });
  });

  it('says what is wrong with a bad manifest in one sentence', () => {
    expect(() => parseManifest('file,id\nx.nii,1', 'm.csv')).toThrow(/no "path" column/);
    expect(() => parseManifest('path,id\nx.nii,1\ny.nii,1', 'm.csv')).toThrow(/sub-1 is listed twice/);
    expect(() => parseManifest('path,id\nx.nii,a_b', 'm.csv')).toThrow(/letters and digits/);
    expect(() => parseManifest('path,id\nx.nii,1,extra', 'm.csv')).toThrow(InputError);
  });
});

describe('shards', () => {
  it('every subject is in exactly one shard; sizes differ by at most one', () => {
    const items = Array.from({ length: 23 }, (_, i) => i);
    const shards = Array.from({ length: 6 }, (_, i) => shardOf(items, { index: i, count: 6 }));
    expect(shards.flat().sort((a, b) => a - b)).toEqual(items);
    const sizes = shards.map((s) => s.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('reads --shard and the SLURM array variables (arrays may start at 1)', () => {
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8 });
    expect(() => parseShard('8/8')).toThrow(InputError);
    expect(shardFromSlurm({})).toBeNull();
    expect(shardFromSlurm({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '6', SLURM_ARRAY_TASK_MIN: '0' })).toEqual({ index: 3, count: 6 });
    expect(shardFromSlurm({ SLURM_ARRAY_TASK_ID: '6', SLURM_ARRAY_TASK_COUNT: '6', SLURM_ARRAY_TASK_MIN: '1' })).toEqual({ index: 5, count: 6 });
    expect(() => shardFromSlurm({ SLURM_ARRAY_TASK_ID: '6', SLURM_ARRAY_TASK_COUNT: '6' })).toThrow(/outside an array of 6/);
  });
});

describe('group statistics', () => {
  const random = mulberry32(5);
  const draw = (n: number, shift: number) => Array.from({ length: n }, () => Math.round((random() + shift) * 20) / 20); // with ties

  it('the rank AUC equals the pairwise Mann-Whitney count, ties included', () => {
    for (let t = 0; t < 5; t++) {
      const neg = draw(37, 0),
        pos = draw(23, 0.3);
      expect(aucOfGroups(neg, pos)).toBeCloseTo(auc([...neg, ...pos], [...neg.map(() => 0), ...pos.map(() => 1)]), 12);
    }
    expect(aucOfGroups([1, 2], [3, 4])).toBe(1);
    expect(aucOfGroups([1, 1], [1, 1])).toBe(0.5);
    expect(aucOfGroups([], [1])).toBeNaN();
  });

  it('the ROC curve runs from (0,0) to (1,1) and its trapezoid area is the AUC', () => {
    const neg = draw(30, 0),
      pos = draw(40, 0.2);
    const roc = rocCurve(neg, pos);
    expect(roc[0]).toEqual({ fpr: 0, tpr: 0 });
    expect(roc.at(-1)).toEqual({ fpr: 1, tpr: 1 });
    let area = 0;
    for (let i = 1; i < roc.length; i++) area += ((roc[i]!.fpr - roc[i - 1]!.fpr) * (roc[i]!.tpr + roc[i - 1]!.tpr)) / 2;
    expect(area).toBeCloseTo(aucOfGroups(neg, pos), 12);
  });

  it('the bootstrap interval is seeded, holds the estimate, and matches the Hanley-McNeil width for large groups', () => {
    const neg = Array.from({ length: 300 }, () => random()),
      pos = Array.from({ length: 300 }, () => random() + 0.35);
    const a = aucWithInterval(neg, pos, { seed: 1 }),
      b = aucWithInterval(neg, pos, { seed: 1 });
    expect(a).toEqual(b);
    expect(aucWithInterval(neg, pos, { seed: 2 })).not.toEqual(a);
    expect(a.lo).toBeLessThan(a.estimate);
    expect(a.hi).toBeGreaterThan(a.estimate);
    // Hanley & McNeil (1982) standard error of the AUC: an independent, closed-form reference.
    const A = a.estimate,
      q1 = A / (2 - A),
      q2 = (2 * A * A) / (1 + A),
      n1 = pos.length,
      n2 = neg.length;
    const se = Math.sqrt((A * (1 - A) + (n1 - 1) * (q1 - A * A) + (n2 - 1) * (q2 - A * A)) / (n1 * n2));
    expect((a.hi - a.lo) / (2 * 1.96 * se)).toBeGreaterThan(0.85);
    expect((a.hi - a.lo) / (2 * 1.96 * se)).toBeLessThan(1.15);
    expect(aucWithInterval([0, 0.1], [0.5, 0.9])).toMatchObject({ estimate: 1, lo: 1, hi: 1 });
  });

  it('quantiles interpolate like numpy (linear)', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 12);
  });

  it('Pearson r and its Fisher-z interval (values from the closed form: r = 0.5, n = 28 -> [0.15603, 0.73582] as computed by Python math)', () => {
    // 28 points with r exactly 0.5: x, and y = 0.5 x + sqrt(0.75) e with e orthogonal to x and of the same norm.
    const x = Array.from({ length: 28 }, (_, i) => i - 13.5);
    const e0 = x.map((v) => v * v - x.reduce((s, w) => s + w * w, 0) / 28); // orthogonal to x (x is symmetric)
    const scale = Math.sqrt(x.reduce((s, v) => s + v * v, 0) / e0.reduce((s, v) => s + v * v, 0));
    const y = x.map((v, i) => 0.5 * v + Math.sqrt(0.75) * e0[i]! * scale);
    expect(pearson(x, y)).toBeCloseTo(0.5, 12);
    const ci = pearsonWithInterval(x, y);
    expect(ci.lo).toBeCloseTo(0.15603, 4);
    expect(ci.hi).toBeCloseTo(0.73582, 4);
    expect(pearsonWithInterval([1, 2, 3], [3, 2, 1]).lo).toBeNaN(); // n < 4: no interval
  });

  it('summarizes groups in disease order and pairs each with the later stage as positive', () => {
    expect(orderGroups(['AD', 'X', 'CN', 'MCI'])).toEqual(['CN', 'MCI', 'AD', 'X']);
    const rows = [
      { key: 'a', group: 'CN', probability: 0.1, hippocampusRelevance: 1, hippocampalVolume: 8 },
      { key: 'b', group: 'AD', probability: 0.9, hippocampusRelevance: 5, hippocampalVolume: 5 },
      { key: 'c', group: 'CN', probability: 0.3, hippocampusRelevance: 2, hippocampalVolume: 7.5 },
      { key: 'd', group: 'AD', probability: 0.2, hippocampusRelevance: 4, hippocampalVolume: 6 },
    ];
    const s = groupSummary(rows);
    expect(s.pairs.map((p) => [p.negative, p.positive, p.auc.estimate])).toEqual([['CN', 'AD', 0.75]]);
    expect(s.groups.map((g) => [g.group, g.n, g.meanProbability])).toEqual([
      ['CN', 2, 0.2],
      ['AD', 2, 0.55],
    ]);
    expect(s.correlation.estimate).toBeCloseTo(pearson([1, 5, 2, 4], [8, 5, 7.5, 6]), 12);
  });

  it('mean and difference maps, NaN counted as 0', () => {
    const m = new MeanMap(3);
    m.add([1, 2, NaN]);
    m.add(new Float32Array([3, 4, 6]));
    expect(Array.from(m.mean())).toEqual([2, 3, 3]);
    expect(Array.from(differenceMap(new Float32Array([2, 3]), new Float32Array([0.5, 4])))).toEqual([1.5, -1]);
    expect(() => m.add([1])).toThrow(RangeError);
  });

  it('the grid voxel is 1.5 mm cubed', () => {
    expect(gridVoxelMm3()).toBeCloseTo(3.375, 12);
  });
});

describe('tables, PNG, report and sbatch scripts', () => {
  it('TSV: n/a for missing, numbers to 9 digits, round trip through the parser', () => {
    const text = toTsv(
      ['a', 'b', 'c'],
      [
        ['x', 0.5, undefined],
        ['y', 1 / 3, NaN],
        ['z', 12, 1e-7],
      ],
    );
    expect(text).toBe('a\tb\tc\nx\t0.5\tn/a\ny\t0.333333333\tn/a\nz\t12\t1e-7\n');
    expect(parseTable(text, '\t', 't').rows[1]).toEqual({ a: 'y', b: '0.333333333', c: 'n/a' });
  });

  it('PNG decodes (with an independent decoder on node:zlib) to the same pixels', () => {
    const w = 5,
      h = 3,
      rgb = new Uint8Array(w * h * 3).map((_, i) => (i * 37) & 255);
    const img = decodePng(Buffer.from(encodePngRgb(rgb, w, h)));
    expect([img.width, img.height]).toEqual([w, h]);
    for (let p = 0; p < w * h; p++) expect([...img.data.subarray(4 * p, 4 * p + 3)]).toEqual([...rgb.subarray(3 * p, 3 * p + 3)]);
    expect(base64(new Uint8Array([1, 2, 3, 4]))).toBe(Buffer.from([1, 2, 3, 4]).toString('base64'));
  });

  it('the report is one page that loads nothing from elsewhere and shows the numbers and failures', () => {
    const rows = [
      { key: 'sub-01', group: 'CN', probability: 0.1, hippocampusRelevance: 1, hippocampalVolume: 8, inputKind: 'gm-map', verdict: 'analyze' },
      { key: 'sub-02', group: 'AD', probability: 0.9, hippocampusRelevance: 5, hippocampalVolume: 5, inputKind: 'gm-map', verdict: 'analyze' },
    ];
    const html = reportHtml({
      title: 'T <1>',
      version: 'v',
      model: { id: 'm', sha256: 'abc', disclaimer: 'Demo model.' },
      method: 'paper',
      engine: 'wasm-simd',
      summary: groupSummary(rows),
      rows,
      failures: [{ key: 'sub-03', reason: 'raw-T1 preprocessing is not available in this build' }],
      missing: ['sub-04'],
      maps: [{ label: 'AD - CN', file: 'contrast.nii.gz', slices: [{ plane: 'axial', png: encodePngRgb(new Uint8Array(3), 1, 1) }] }],
    });
    expect(html).not.toMatch(/<script|<link|@import|url\(|src="(?!data:)/i);
    expect(html).toContain('T &lt;1&gt;');
    expect(html).toContain('AD vs CN');
    expect(html).toContain('raw-T1 preprocessing is not available in this build');
    expect(html).toContain('sub-04');
    expect(html).toContain('href="contrast.nii.gz"');
    expect(html).toContain('not a diagnosis');
  });

  it('sbatch scripts: an array with a concurrency limit, sized from the figures, and a group job after it', () => {
    const sizing = sizeArray(60, 6, 2, { secondsPerSubject: 3, startupSeconds: 10, peakRssMb: 450 });
    expect(sizing).toEqual({ tasks: 6, concurrency: 2, memoryMb: 700, timeMinutes: 10, groupTimeMinutes: 30 });
    expect(sizeArray(10_000, 100, 50, { secondsPerSubject: 3, startupSeconds: 10, peakRssMb: 450 }).groupTimeMinutes).toBe(Math.ceil(((10 + 15_000) * 3) / 60));
    expect(sizeArray(3, 100, 50, { secondsPerSubject: 300, startupSeconds: 0, peakRssMb: 100 })).toMatchObject({ tasks: 3, concurrency: 3, timeMinutes: 15 });
    const s = slurmScripts({
      sizing,
      cli: ['/x/tsx', '/x/main.ts'],
      participantArgs: ['/b', "/o it's", 'participant'],
      groupArgs: ['/b', '/o', 'group'],
      logDir: '/o/logs',
    });
    expect(s.participant).toContain('#SBATCH --array=0-5%2');
    expect(s.participant).toContain('#SBATCH --mem=700M');
    expect(s.participant).toContain('#SBATCH --time=00:10:00');
    expect(s.participant).toContain(`exec /x/tsx /x/main.ts batch /b '/o it'\\''s' participant`);
    expect(s.submit).toContain('--dependency=afterok:"$array"');
    expect(shellQuote('a b')).toBe("'a b'");
  });
});

describe('derivative names and maps opened on the page', () => {
  it('names outputs after the subject and session, in IXI549Space, relevance as _statmap', () => {
    expect(subjectFiles({ id: '01', session: 'bl', key: 'sub-01_ses-bl' })).toEqual({
      dir: 'sub-01/ses-bl/anat',
      relevance: 'sub-01/ses-bl/anat/sub-01_ses-bl_space-IXI549Space_desc-relevance_statmap.nii.gz',
      sidecar: 'sub-01/ses-bl/anat/sub-01_ses-bl_space-IXI549Space_desc-relevance_statmap.json',
      input: 'sub-01/ses-bl/anat/sub-01_ses-bl_space-IXI549Space_label-GM_desc-modelinput_probseg.nii.gz',
      regions: 'sub-01/ses-bl/anat/sub-01_ses-bl_space-IXI549Space_atlas-AAL_desc-relevance_regions.tsv',
    });
    expect(isStatmapFile('group-AD_space-IXI549Space_desc-meanrelevance_statmap.nii.gz')).toBe(true);
    expect(isStatmapFile('sub-01_T1w.nii.gz')).toBe(false);
  });

  it('a map on the grid is taken as is (NaN as 0) and scaled to [-1, 1] for display', () => {
    const n = CAT12_GRID.dims[0] * CAT12_GRID.dims[1] * CAT12_GRID.dims[2];
    const data = new Float32Array(n);
    for (let v = 0; v < n; v += 97) data[v] = ((v % 7) - 3) * 0.01;
    data[5] = NaN;
    const { map, display } = statmapOnGrid(writeNifti({ dims: CAT12_GRID.dims, affine: CAT12_GRID.affine, data }, { datatype: 'float32', gzip: true }));
    expect(map[5]).toBe(0);
    data[5] = 0;
    expect(mismatches(map, data)).toBe(0);
    expect(maxAbs(display)).toBeLessThanOrEqual(1);
    expect(display.some((x) => x !== 0)).toBe(true);
  });
});
