/**
 * evaluate <cohort dir> [--model <dir>] [--backend wasm-simd|cpu|wasm] [--limit N] [--json <file>]
 * The model card's metrics on a synthetic cohort (written by `synth`): AUC AD vs CN and MCI vs CN
 * of the AD probability, the correlation of the paper-method hippocampus relevance with
 * hippocampal GM volume, and the share of positive relevance inside the ground-truth atrophy region.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../core/errors';
import { explain } from '../../core/lrp';
import { readNifti } from '../../core/nifti';
import { gridToModelTensor } from '../../core/volume/modelTensor';
import { loadAal, REPO_ROOT } from '../../training/node/assets';
import { readCohortCsv } from '../../training/node/cohortFiles';
import { auc, pearson } from '../../training/metrics';
import { subjectRelevance, type SubjectRelevance } from '../../training/relevanceMetrics';
import { loadModelFromDir } from '../loadModelNode';
import { startEngineNode } from '../wasmEngineNode';
import { parseOptions } from '../files';

export interface EvaluationRow { id: string; group: string; pAD: number; hippocampalGm: number; rel: SubjectRelevance }

export function summarize(rows: EvaluationRow[]): Record<string, number> {
  const pick = (g: string) => rows.filter((r) => r.group === g);
  const aucOf = (a: EvaluationRow[], b: EvaluationRow[]) => auc([...a, ...b].map((r) => r.pAD), [...a.map(() => 0), ...b.map(() => 1)]);
  const cn = pick('CN'), mci = pick('MCI'), ad = pick('AD');
  const patients = rows.filter((r) => !Number.isNaN(r.rel.positiveShareInAtrophy));
  const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
  const mg = (g: EvaluationRow[]) => mean(g.map((r) => r.rel.hippocampusRelevance));
  return {
    n: rows.length, nCN: cn.length, nMCI: mci.length, nAD: ad.length,
    aucADvsCN: aucOf(cn, ad), aucMCIvsCN: aucOf(cn, mci),
    rHippocampusRelevanceVsVolume: pearson(rows.map((r) => r.rel.hippocampusRelevance), rows.map((r) => r.hippocampalGm)),
    meanHippocampusRelevanceCN: mg(cn), meanHippocampusRelevanceMCI: mg(mci), meanHippocampusRelevanceAD: mg(ad),
    meanWholeBrainPositiveRelevance: mean(rows.map((r) => r.rel.totalPositive)),
    positiveShareInAtrophyRegion: mean(patients.map((r) => r.rel.positiveShareInAtrophy)),
    atrophyRegionShareOfBrain: mean(patients.map((r) => r.rel.atrophyShareOfBrain)),
  };
}

export async function run(args: string[]): Promise<number> {
  const { values: o, positionals } = parseOptions('evaluate', args, {
    model: { type: 'string' },
    backend: { type: 'string', default: 'wasm-simd' },
    limit: { type: 'string' },
    json: { type: 'string' },
  });
  const dir = positionals.length === 1 ? positionals[0] : undefined;
  if (typeof dir !== 'string') throw new InputError('Give the cohort folder: evaluate <cohort dir> [--model <dir>].');
  const modelDir = typeof o.model === 'string' ? o.model : join(REPO_ROOT, 'models', 'demo');
  const engine = await startEngineNode(o.backend!);
  const model = await loadModelFromDir(modelDir);
  const executor = await engine.executorFor(model);
  const aal = gridToModelTensor(loadAal().data);
  let entries = readCohortCsv(dir);
  if (typeof o.limit === 'string') entries = entries.slice(0, Number(o.limit));
  const rows: EvaluationRow[] = [];
  const t0 = Date.now();
  for (const e of entries) {
    const gm = gridToModelTensor(readNifti(readFileSync(join(dir, e.file))).volume);
    const atrophy = gridToModelTensor(readNifti(readFileSync(join(dir, e.atrophyFile))).volume);
    const ex = await explain(model, gm, { method: 'paper', executor });
    const rel = subjectRelevance(ex.relevance, aal, gm, atrophy);
    rows.push({ id: e.id, group: e.group, pAD: ex.probabilities[1]!, hippocampalGm: e.hippocampalGm, rel });
    process.stderr.write(`${e.id} ${e.group} p(AD)=${ex.probabilities[1]!.toFixed(3)} hipRel=${rel.hippocampusRelevance.toFixed(3)} hipGM=${e.hippocampalGm.toFixed(2)} (${rows.length}/${entries.length}, ${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
  executor?.dispose();
  model.dispose();
  const summary = summarize(rows);
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  if (typeof o.json === 'string') writeFileSync(o.json, JSON.stringify({ summary, rows }, null, 1));
  return 0;
}
