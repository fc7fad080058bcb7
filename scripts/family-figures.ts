/**
 * The figures of a cross-validation family that `evaluate` does not give (issue #14's card):
 *  - dose response on a CN case: p(AD) and the hippocampus relevance with 0, 15, 30, 45 %
 *    hippocampal GM loss, and p(AD) with 45 % occipital loss;
 *  - fold agreement: the mean pairwise correlation of the fold models' relevance maps on AD cases
 *    (inside the brain: voxels with GM > 0).
 * Every analysis runs through the one pipeline (runPipeline) with the case's covariates.
 *
 *   npx tsx scripts/family-figures.ts --whole <dir> [--fold <dir> ...] --case public/demo/demo-01-CN.nii.gz
 *        --case-covariates 65,F,1320,3 [--cohort <synth dir>] [--ad-cases 6] [--json out.json]
 *
 * Losses as synth.ts makes atrophy: a region mask (AAL labels), blurred (sigma 2 voxels), its core
 * kept at full strength, GM multiplied by (1 - loss x mask).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runPipeline, type ModelBundle } from '../src/core/pipeline';
import type { PlanarExecutor } from '../src/core/planar/index';
import { readNifti } from '../src/core/nifti';
import { writeNifti } from '../src/core/nifti/write';
import { CAT12_GRID } from '../src/core/volume/grid';
import { resampleToGrid } from '../src/core/volume/resample';
import { sexCode } from '../src/core/analysis/covariatesInput';
import type { Covariates } from '../src/core/analysis/residualize';
import { loadAtlasFromRepo } from '../src/cli/files';
import { resolveModel } from '../src/cli/loadModelNode';
import { startEngineNode } from '../src/cli/wasmEngineNode';
import { covariatesOf } from '../src/training/cohortData';
import { readCohortCsv } from '../src/training/node/cohortFiles';
import { pearson } from '../src/training/metrics';
import { smooth3d } from '../src/training/smooth';
import type { MethodId } from '../src/core/lrp/registry';

const { values: o } = parseArgs({
  options: {
    whole: { type: 'string' },
    fold: { type: 'string', multiple: true, default: [] },
    case: { type: 'string', default: 'public/demo/demo-01-CN.nii.gz' },
    'case-covariates': { type: 'string', default: '65,F,1320,3' },
    cohort: { type: 'string' },
    'ad-cases': { type: 'string', default: '6' },
    json: { type: 'string' },
    method: { type: 'string', default: 'paper' },
  },
});
if (!o.whole) throw new Error('--whole <model dir> is required');

const atlas = await loadAtlasFromRepo();
const engine = await startEngineNode('wasm-simd');
const onGrid = (bytes: Uint8Array) => resampleToGrid(readNifti(bytes).volume, CAT12_GRID, 'trilinear').data;

function regionField(labels: readonly number[]): Float32Array {
  const set = new Set(labels);
  const m = Float32Array.from(atlas.labels, (l) => (set.has(l) ? 1 : 0));
  const s = smooth3d(m, CAT12_GRID.dims, 2);
  for (let i = 0; i < s.length; i++) s[i] = Math.min(1, 1.6 * s[i]!);
  return s;
}
const HIPPOCAMPUS = regionField([37, 38]);
const OCCIPITAL = regionField([49, 50, 51, 52, 53, 54]);

/** Each model loaded once (bundle + executor), kept for every case it analyses. */
const loaded = new Map<string, Promise<{ bundle: ModelBundle; executor: PlanarExecutor | undefined }>>();
function modelFor(dir: string) {
  if (!loaded.has(dir))
    loaded.set(
      dir,
      resolveModel(dir).then(async ({ bundle }) => ({ bundle, executor: await engine.executorFor(bundle.model) })),
    );
  return loaded.get(dir)!;
}

async function analyse(modelDir: string, gm: Float32Array, covariates: Covariates) {
  const { bundle, executor } = await modelFor(modelDir);
  const scan = writeNifti({ dims: CAT12_GRID.dims, affine: CAT12_GRID.affine, data: gm }, { datatype: 'float32' });
  const out = await runPipeline(scan, { bundle, method: o.method as MethodId, atlas, executor, covariates });
  return { pAD: out.probability, hippocampus: out.regions!.lobes.find((l) => l.key === 'hippocampus')!.positiveSum, relevance: out.relevance };
}

const [age, sex, tiv, field] = o['case-covariates']!.split(',');
const caseCovariates: Covariates = { age: Number(age), sex: sexCode(sex as 'F' | 'M'), tiv: Number(tiv), field: Number(field) };
const caseGm = onGrid(readFileSync(o.case!));
const withLoss = (mask: Float32Array, loss: number) => Float32Array.from(caseGm, (v, i) => v * (1 - loss * mask[i]!));

const dose: Array<{ loss: number; pAD: number; hippocampusRelevance: number }> = [];
for (const loss of [0, 0.15, 0.3, 0.45]) {
  const r = await analyse(o.whole, withLoss(HIPPOCAMPUS, loss), caseCovariates);
  dose.push({ loss, pAD: r.pAD, hippocampusRelevance: r.hippocampus });
  console.log(`hippocampal loss ${(loss * 100).toFixed(0)} %: p(AD) ${r.pAD.toFixed(3)}, hippocampus relevance ${r.hippocampus.toFixed(3)}`);
}
const occipital = await analyse(o.whole, withLoss(OCCIPITAL, 0.45), caseCovariates);
console.log(`occipital loss 45 %: p(AD) ${occipital.pAD.toFixed(3)} (change ${(occipital.pAD - dose[0]!.pAD).toFixed(3)})`);

let agreement: { cases: number; folds: number; meanPairwiseR: number; minPairwiseR: number } | null = null;
if (o.fold!.length >= 2 && o.cohort) {
  const ad = readCohortCsv(o.cohort)
    .filter((e) => e.group === 'AD')
    .slice(0, Number(o['ad-cases']));
  const rs: number[] = [];
  for (const e of ad) {
    const gm = onGrid(readFileSync(join(o.cohort, e.file)));
    const maps: Float32Array[] = [];
    for (const f of o.fold!) maps.push((await analyse(f, gm, covariatesOf(e))).relevance);
    // inside the brain only: the zeros outside it, equal in every map, would inflate r
    const brain = Array.from(gm).flatMap((v, i) => (v > 0 ? [i] : []));
    const inBrain = (m: Float32Array) => brain.map((i) => m[i]!);
    for (let a = 0; a < maps.length; a++) for (let b = a + 1; b < maps.length; b++) rs.push(pearson(inBrain(maps[a]!), inBrain(maps[b]!)));
    console.log(`${e.id}: fold maps' mean pairwise r so far ${(rs.reduce((x, y) => x + y, 0) / rs.length).toFixed(3)}`);
  }
  agreement = { cases: ad.length, folds: o.fold!.length, meanPairwiseR: rs.reduce((x, y) => x + y, 0) / rs.length, minPairwiseR: Math.min(...rs) };
  console.log(
    `fold agreement on ${ad.length} AD cases, ${o.fold!.length} folds: mean pairwise r ${agreement.meanPairwiseR.toFixed(3)} (min ${agreement.minPairwiseR.toFixed(3)})`,
  );
}
if (o.json)
  writeFileSync(
    o.json,
    JSON.stringify({ case: o.case, caseCovariates, dose, occipital45: { pAD: occipital.pAD, change: occipital.pAD - dose[0]!.pAD }, agreement }, null, 1),
  );
