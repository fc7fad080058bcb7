/**
 * evaluate <cohort dir> [--model <dir>] [--method <id>] [--backend wasm-simd|cpu|wasm] [--limit N] [--json <file>]
 * The model card's metrics on a synthetic cohort (written by `synth`): AUC AD vs CN and MCI vs CN
 * of the AD probability (as the app shows it: the model's calibration applied), the median
 * probability per group and the calibration error (ECE, 10 bins, AD vs CN), the correlation of the
 * hippocampus relevance (--method, default the paper's) with hippocampal GM volume (as measured, and
 * covariate-adjusted: the hippocampal sum of the model's residualized input), and the share of positive relevance
 * inside the ground-truth atrophy region against that region's share of the brain. Each subject is
 * residualized with its own covariates from cohort.csv, as the page does with the ones a user enters.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../core/errors';
import { readNifti } from '../../core/nifti';
import { runPipeline } from '../../core/pipeline';
import { unknownMethodMessage, type MethodId } from '../../core/lrp/registry';
import { CAT12_GRID } from '../../core/volume/grid';
import { resampleToGrid } from '../../core/volume/resample';
import { readCohortCsv } from '../../training/node/cohortFiles';
import { covariatesOf } from '../../training/cohortData';
import { auc, expectedCalibrationError, pearson } from '../../training/metrics';
import { atrophyOverlap, hippocampalInputVolume, type AtrophyOverlap } from '../../training/relevanceMetrics';
import { loadAtlasFromRepo } from '../files';
import { resolveModel } from '../loadModelNode';
import { startEngineNode } from '../wasmEngineNode';
import { parseOptions } from '../files';

export interface SubjectRelevance extends AtrophyOverlap {
  /** The paper's hippocampus score: positive raw relevance in AAL 37 + 38 (the pipeline's region scores). */
  hippocampusRelevance: number;
}

export interface EvaluationRow {
  id: string;
  group: string;
  pAD: number;
  hippocampalGm: number;
  /** Hippocampal GM of the model's input (hippocampalInputVolume): covariate-adjusted for a residualizing model. */
  hippocampalInputGm: number;
  rel: SubjectRelevance;
}

export function summarize(rows: EvaluationRow[]): Record<string, number> {
  const pick = (g: string) => rows.filter((r) => r.group === g);
  const aucOf = (a: EvaluationRow[], b: EvaluationRow[]) =>
    auc(
      [...a, ...b].map((r) => r.pAD),
      [...a.map(() => 0), ...b.map(() => 1)],
    );
  const cn = pick('CN'),
    mci = pick('MCI'),
    ad = pick('AD');
  const patients = rows.filter((r) => !Number.isNaN(r.rel.positiveShareInAtrophy));
  const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
  const mg = (g: EvaluationRow[]) => mean(g.map((r) => r.rel.hippocampusRelevance));
  const median = (g: EvaluationRow[]) => {
    const v = g.map((r) => r.pAD).sort((a, b) => a - b);
    return v.length === 0 ? NaN : v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
  };
  const inShare = mean(patients.map((r) => r.rel.positiveShareInAtrophy));
  const regionShare = mean(patients.map((r) => r.rel.atrophyShareOfBrain));
  const hippocampusRelevance = rows.map((r) => r.rel.hippocampusRelevance),
    volume = rows.map((r) => r.hippocampalGm),
    inputVolume = rows.map((r) => r.hippocampalInputGm);
  return {
    n: rows.length,
    nCN: cn.length,
    nMCI: mci.length,
    nAD: ad.length,
    aucADvsCN: aucOf(cn, ad),
    aucMCIvsCN: aucOf(cn, mci),
    medianPADCN: median(cn),
    medianPADMCI: median(mci),
    medianPADAD: median(ad),
    eceADvsCN: expectedCalibrationError(
      [...cn, ...ad].map((r) => r.pAD),
      [...cn.map(() => 0), ...ad.map(() => 1)],
    ),
    rHippocampusRelevanceVsVolume: pearson(hippocampusRelevance, volume),
    rHippocampusRelevanceVsInputVolume: pearson(hippocampusRelevance, inputVolume),
    /** The best |r| with the volume that a relevance tracking the input's hippocampal GM exactly could reach. */
    rHippocampalVolumeVsInputVolume: pearson(volume, inputVolume),
    meanHippocampusRelevanceCN: mg(cn),
    meanHippocampusRelevanceMCI: mg(mci),
    meanHippocampusRelevanceAD: mg(ad),
    meanWholeBrainPositiveRelevance: mean(rows.map((r) => r.rel.totalPositive)),
    positiveShareInAtrophyRegion: inShare,
    atrophyRegionShareOfBrain: regionShare,
    /** How many times its share of the brain the atrophy region holds of the positive relevance (1 = chance). */
    atrophyRelevanceEnrichment: inShare / regionShare,
  };
}

/** --limit: a positive whole number of subjects (the first N of the cohort). */
function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isInteger(n) || n < 1) throw new InputError(`--limit must be a positive whole number of subjects, not "${text}".`);
  return n;
}

export async function run(args: string[]): Promise<number> {
  const { values: o, positionals } = parseOptions('evaluate', args, {
    model: { type: 'string' },
    method: { type: 'string', default: 'paper' },
    backend: { type: 'string', default: 'wasm-simd' },
    limit: { type: 'string' },
    json: { type: 'string' },
  });
  const dir = positionals.length === 1 ? positionals[0] : undefined;
  if (typeof dir !== 'string') throw new InputError('Give the cohort folder: evaluate <cohort dir> [--model <dir>].');
  const limit = parseLimit(o.limit);
  const unknownMethod = unknownMethodMessage(o.method!);
  if (unknownMethod) throw new InputError(`--method: ${unknownMethod}`);
  const method = o.method as MethodId;
  let entries = readCohortCsv(dir);
  if (limit !== undefined) entries = entries.slice(0, limit);
  if (entries.length === 0) throw new InputError(`The cohort in ${dir} lists no subjects; write one with "relevance-viewer synth".`);
  const engine = await startEngineNode(o.backend!);
  const { bundle, notices } = await resolveModel(o.model);
  for (const n of notices) process.stderr.write(`note: ${n}\n`);
  const executor = await engine.executorFor(bundle.model);
  const atlas = await loadAtlasFromRepo();
  const rows: EvaluationRow[] = [];
  const t0 = Date.now();
  try {
    for (const e of entries) {
      // The same pipeline as the page and `analyze`: grid placement, residualization, calibration, region scores.
      const scan = readFileSync(join(dir, e.file));
      const out = await runPipeline(scan, { bundle, method, atlas, executor, covariates: covariatesOf(e) });
      const onGrid = (bytes: Uint8Array) => resampleToGrid(readNifti(bytes).volume, CAT12_GRID, 'trilinear').data;
      const atrophy = onGrid(readFileSync(join(dir, e.atrophyFile)));
      // the brain is where the subject has GM, not where the (residualized, signed) model input is > 0
      const rel: SubjectRelevance = {
        hippocampusRelevance: out.regions!.lobes.find((l) => l.key === 'hippocampus')!.positiveSum,
        ...atrophyOverlap(out.relevance, onGrid(scan), atrophy),
      };
      rows.push({
        id: e.id,
        group: e.group,
        pAD: out.probability,
        hippocampalGm: e.hippocampalGm,
        hippocampalInputGm: hippocampalInputVolume(out.input, atlas),
        rel,
      });
      process.stderr.write(
        `${e.id} ${e.group} p(AD)=${out.probability.toFixed(3)} hipRel=${rel.hippocampusRelevance.toFixed(3)} hipGM=${e.hippocampalGm.toFixed(2)} (${rows.length}/${entries.length}, ${((Date.now() - t0) / 1000).toFixed(0)} s)\n`,
      );
    }
  } finally {
    executor?.dispose();
    bundle.model.dispose();
  }
  const summary = { method, ...summarize(rows) };
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  if (typeof o.json === 'string') writeFileSync(o.json, JSON.stringify({ summary, rows }, null, 1));
  return 0;
}
