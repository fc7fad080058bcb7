/**
 * The model of a batch task, loaded once: the resolved bundle (model, covariate model, calibration,
 * provenance) and its SHA-256, so each result names the exact weights.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ModelProvenanceLike } from '../../core/cohort/derivatives';
import { SEEDED_MODEL_LABEL } from '../../core/model/seeded';
import { DEMO_MODEL_DIR, resolveModel, type ResolvedModel } from '../loadModelNode';

export interface BatchModel extends ResolvedModel {
  sha256: string;
  provenance: ModelProvenanceLike;
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
  return { ...resolved, sha256: modelSha256(spec), provenance: resolved.bundle.provenance ?? 'imported' };
}
