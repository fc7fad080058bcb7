/**
 * The model of a batch task, loaded once: the tfjs model, its SHA-256 (so each result names the
 * exact weights), what its output is worth, and its covariate model when model.json asks for
 * residualized inputs.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CovariateModel } from '../../core/analysis/residualize';
import type { ModelProvenanceLike } from '../../core/cohort/derivatives';
import { covariateModelSpec, loadCovariateModel } from '../../core/model/covariateModel';
import { SEEDED_MODEL_LABEL } from '../../core/model/seeded';
import { CAT12_GRID } from '../../core/volume/grid';
import { DEMO_MODEL_DIR, resolveModel, type ResolvedModel } from '../loadModelNode';

export interface BatchModel extends ResolvedModel {
  sha256: string;
  provenance: ModelProvenanceLike;
  covariateModel?: CovariateModel;
}

function modelJsonPath(spec: string | undefined): string | null {
  const path = spec ?? DEMO_MODEL_DIR;
  if (path === 'seeded' || /\.(h5|hdf5)$/i.test(path)) return null;
  const json = path.endsWith('.json') ? path : join(path, 'model.json');
  return existsSync(json) ? json : null;
}

/**
 * SHA-256 of what defines the weights: model.json followed by its weight shards in manifest order
 * (a tfjs folder), the file (.h5), or the seeded model's label.
 */
export function modelSha256(spec: string | undefined): string {
  const hash = createHash('sha256');
  const json = modelJsonPath(spec);
  if (json) {
    const text = readFileSync(json);
    hash.update(text);
    const manifest = (JSON.parse(text.toString('utf8')) as { weightsManifest?: { paths: string[] }[] }).weightsManifest ?? [];
    for (const group of manifest) for (const p of group.paths) hash.update(readFileSync(join(dirname(json), p)));
  } else if (spec && spec !== 'seeded' && existsSync(spec) && statSync(spec).isFile()) {
    hash.update(readFileSync(spec));
  } else {
    hash.update(SEEDED_MODEL_LABEL);
  }
  return hash.digest('hex');
}

export async function loadBatchModel(spec: string | undefined): Promise<BatchModel> {
  const resolved = await resolveModel(spec);
  const json = modelJsonPath(spec);
  const provenance: ModelProvenanceLike = resolved.label === SEEDED_MODEL_LABEL ? 'untrained' : json && resolve(json) === join(DEMO_MODEL_DIR, 'model.json') ? 'synthetic-demo' : 'imported';
  let covariateModel: CovariateModel | undefined;
  if (json) {
    const metadata = (JSON.parse(readFileSync(json, 'utf8')) as { userDefinedMetadata?: unknown }).userDefinedMetadata;
    const cov = covariateModelSpec(metadata);
    if (cov) covariateModel = await loadCovariateModel(cov, async (p) => new Uint8Array(readFileSync(join(dirname(json), p))), CAT12_GRID.dims);
  }
  return { ...resolved, sha256: modelSha256(spec), provenance, ...(covariateModel ? { covariateModel } : {}) };
}
