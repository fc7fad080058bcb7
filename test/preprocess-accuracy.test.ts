/**
 * The raw-T1 stage against known answers (docs/raw-t1-stage.md): held-out simulated raw T1s made by
 * src/training/rawT1Sim.ts from Colin27 with random pose, warp, bias, Rician noise, anisotropic
 * non-RAS oblique int16 voxels (one scan also at 1 mm, finer than the grid) and medial-temporal
 * atrophy of known severity, each read back through the NIfTI reader; and Colin27's whole head (ch2) against the GM map derived from its
 * brain-extracted version (ch2bet). The figures are printed for the notes.
 * No timing here: speed is measured by `npm run bench`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNifti, writeNifti } from '../src/core/nifti';
import { preprocessT1, type PreprocessResult } from '../src/core/preprocess';
import { correlation } from '../src/core/preprocess/affineRegistration';
import { runPipeline } from '../src/core/pipeline';
import { CAT12_GRID } from '../src/core/volume/grid';
import { resolveModel } from '../src/cli/loadModelNode';
import { startEngineNode } from '../src/cli/wasmEngineNode';
import { hippocampusMl, simulateRawT1, type SimulatedScan } from '../src/training/rawT1Sim';
import { ch2, simAssets, templates } from './helpers/rawT1';

/**
 * Seeds not used while developing the stage (seed 1 was); severities 0, 25 % and 50 % medial-temporal
 * GM loss on one pose for p(AD) (total loss, severity 1, is beyond what the stage resolves: see the docs).
 */
const SERIES_SEED = 20261201;
const SEVERITIES = [0, 0.25, 0.5];
const OTHER = { seed: 777, severity: 0.3 };
/** The same scan with 1 mm voxels, finer than the grid (the stage matches its maps' resolution). */
const FINE = { ...OTHER, voxelSize: [1, 1, 1] as [number, number, number] };

interface Case {
  sim: SimulatedScan;
  out: PreprocessResult;
  severity: number;
  seed: number;
  label: string;
}
let baseline: PreprocessResult;
const cases: Case[] = [];
const VOXEL_ML = 1.5 ** 3 / 1000;
const sum = (m: Float32Array) => {
  let s = 0;
  for (const x of m) s += x;
  return s * VOXEL_ML;
};
const answerCh2 = {
  gm: sum(simAssets.gm),
  hip: hippocampusMl(simAssets.gm, simAssets.labels),
  tiv: simAssets.brain.reduce((s, x) => s + (x > 0 ? VOXEL_ML : 0), 0),
};

beforeAll(async () => {
  baseline = await preprocessT1(ch2.volume, { templates, header: ch2.header });
  const plan: { seed: number; severity: number; voxelSize?: [number, number, number] }[] = [
    ...SEVERITIES.map((severity) => ({ seed: SERIES_SEED, severity })),
    OTHER,
    FINE,
  ];
  for (const c of plan) {
    const sim = simulateRawT1(simAssets, c);
    const image = readNifti(sim.bytes);
    const label = `seed ${c.seed} severity ${c.severity}${c.voxelSize ? ` (${c.voxelSize.join(' x ')} mm)` : ''}`;
    cases.push({ sim, out: await preprocessT1(image.volume, { templates, header: image.header }), ...c, label });
  }
}, 900_000);

describe('raw-T1 stage on simulated scans with a known answer', () => {
  it('the simulated scans are raw T1s as a scanner writes them (int16 with scaling, anisotropic, not RAS)', () => {
    const image = readNifti(cases[0]!.sim.bytes);
    expect(image.header.datatype).toBe('int16');
    expect(image.header.scaled).toBe(true);
    const [a, b, c] = image.header.voxelSize;
    expect(new Set([a, b, c].map((x) => x.toFixed(2))).size).toBe(3);
  });

  it('correlates voxel-wise with the answer (r >= 0.90)', () => {
    for (const c of cases) {
      const r = correlation(c.out.gm, c.sim.answer.gm);
      console.log(`${c.label}: r = ${r.toFixed(4)}, verdict ${c.out.qc.verdict}`);
      expect(r).toBeGreaterThanOrEqual(0.9);
      expect(c.out.qc.verdict).not.toBe('fail');
    }
  });

  it('total GM, hippocampal GM and TIV relative to ch2 match the answer within 5 %, 10 % and 5 %', () => {
    for (const c of cases) {
      const rel = {
        gm: c.out.volumes.gm_ml / baseline.volumes.gm_ml,
        gmAnswer: c.sim.answer.gmMl / answerCh2.gm,
        hip: hippocampusMl(c.out.gm, simAssets.labels) / hippocampusMl(baseline.gm, simAssets.labels),
        hipAnswer: c.sim.answer.hippocampusMl / answerCh2.hip,
        tiv: c.out.volumes.tiv_ml / baseline.volumes.tiv_ml,
        tivAnswer: c.sim.answer.tivMl / answerCh2.tiv,
      };
      console.log(
        `${c.label}: GM ${rel.gm.toFixed(3)} (answer ${rel.gmAnswer.toFixed(3)}), hippocampus ${rel.hip.toFixed(3)} (${rel.hipAnswer.toFixed(3)}), TIV ${rel.tiv.toFixed(3)} (${rel.tivAnswer.toFixed(3)})`,
      );
      expect(Math.abs(rel.gm / rel.gmAnswer - 1)).toBeLessThanOrEqual(0.05);
      expect(Math.abs(rel.hip / rel.hipAnswer - 1)).toBeLessThanOrEqual(0.1);
      expect(Math.abs(rel.tiv / rel.tivAnswer - 1)).toBeLessThanOrEqual(0.05);
    }
  });

  it('hippocampal GM falls with the simulated atrophy', () => {
    const series = cases.filter((c) => c.seed === SERIES_SEED);
    const hip = series.map((c) => hippocampusMl(c.out.gm, simAssets.labels));
    for (let i = 1; i < hip.length; i++) expect(hip[i]!).toBeLessThan(hip[i - 1]!);
  });

  it("the demo model's p(AD) rises monotonically with the simulated atrophy", async () => {
    const engine = await startEngineNode('wasm-simd', 1);
    const { model } = await resolveModel();
    const executor = await engine.executorFor(model);
    try {
      const p: number[] = [];
      for (const c of cases.filter((x) => x.seed === SERIES_SEED)) {
        const bytes = writeNifti({ dims: CAT12_GRID.dims, affine: CAT12_GRID.affine, data: c.out.gm }, { datatype: 'float32' });
        p.push((await runPipeline(bytes, { model, method: 'gradient', executor })).probability);
      }
      console.log(`p(AD) at severities ${SEVERITIES.join(', ')}: ${p.map((x) => x.toFixed(3)).join(', ')}`);
      for (let i = 1; i < p.length; i++) expect(p[i]!).toBeGreaterThan(p[i - 1]!);
    } finally {
      executor?.dispose();
      model.dispose();
    }
  }, 120_000);
});

describe('raw-T1 stage on Colin27', () => {
  it('the unmodified ch2 comes through with r >= 0.95 against the GM map derived from ch2bet', () => {
    const r = correlation(baseline.gm, simAssets.gm);
    console.log(
      `ch2 vs ch2bet GM map: r = ${r.toFixed(4)}; GM ${baseline.volumes.gm_ml.toFixed(0)} ml, WM ${baseline.volumes.wm_ml.toFixed(0)} ml, CSF ${baseline.volumes.csf_ml.toFixed(0)} ml, TIV ${baseline.volumes.tiv_ml.toFixed(0)} ml, verdict ${baseline.qc.verdict}`,
    );
    expect(r).toBeGreaterThanOrEqual(0.95);
    expect(baseline.qc.verdict).toBe('pass');
  });

  // Debian's original 1 mm ch2.nii.gz (mricron-data, which .ci/run installs): the same head at a
  // finer voxel size must come through as well as the grid copy above; before its maps got the blur
  // of a 1.5 mm scan (resolution.ts) it read r = 0.946.
  const ORIGINAL_CH2 = '/usr/share/mricron/templates/ch2.nii.gz';
  const missing = !existsSync(ORIGINAL_CH2);
  if (missing) console.log(`skipping the original 1 mm ch2: ${ORIGINAL_CH2} is not installed (apt-get install mricron-data; .ci/run does)`);
  it.skipIf(missing)(
    "the original 1 mm ch2.nii.gz comes through with r >= 0.95, a pass and the grid copy's TIV",
    async () => {
      const image = readNifti(readFileSync(ORIGINAL_CH2));
      expect(image.header.voxelSize.map((x) => Number(x.toFixed(2)))).toEqual([1, 1, 1]);
      const out = await preprocessT1(image.volume, { templates, header: image.header });
      const r = correlation(out.gm, simAssets.gm);
      console.log(
        `original 1 mm ch2 vs ch2bet GM map: r = ${r.toFixed(4)}; GM ${out.volumes.gm_ml.toFixed(0)} ml, WM ${out.volumes.wm_ml.toFixed(0)} ml, CSF ${out.volumes.csf_ml.toFixed(0)} ml, TIV ${out.volumes.tiv_ml.toFixed(0)} ml, verdict ${out.qc.verdict}`,
      );
      expect(r).toBeGreaterThanOrEqual(0.95);
      expect(out.qc.verdict).toBe('pass');
      expect(Math.abs(out.volumes.tiv_ml / baseline.volumes.tiv_ml - 1)).toBeLessThan(0.02);
      expect(Math.abs(out.volumes.gm_ml / baseline.volumes.gm_ml - 1)).toBeLessThan(0.02);
    },
    300_000,
  );

  it('says what it is: an approximate CAT12-like map, in English and German keys', () => {
    expect(baseline.label.text).toMatch(/approximate CAT12-like/i);
    expect(baseline.label.key).toBe('preprocess.approxLabel');
  });
});
