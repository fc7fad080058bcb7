/**
 * The deployed models: models/index.json, written from the folders of models/ at build time (and
 * served live by the dev server), so the page lists exactly what is deployed. Plain data and pure
 * functions: the build (Node), the page and the worker share them.
 *
 * A folder named `<family>-whole` or `<family>-fold-<k>` is a member of the cross-validation family
 * `<family>` (the paper trained one model on all data and one per fold); any other folder with a
 * model.json is a model of its own. A family with two or more folds also offers its fold ensemble:
 * the mean of the folds, with the fold-spread map (the SD of the relevance across the folds).
 */
import { InputError } from '../errors';
import { BUNDLED_MODELS, SYNTHETIC_DEMO_DISPLAY, type BundledModel, type ModelProvenance } from './catalog';

/** Where the index lies, relative to the site root. */
export const MODEL_INDEX_PATH = 'models/index.json';

export type FamilyRole = 'whole' | 'fold';

/** One model of models/index.json. `path`: its model.json, relative to models/. */
export interface ModelIndexEntry {
  id: string;
  path: string;
  family?: string;
  role?: FamilyRole;
  /** The fold number of a 'fold' member (as in its folder name, from 0). */
  fold?: number;
  provenance?: ModelProvenance;
}

export interface ModelIndex {
  models: ModelIndexEntry[];
}

/** A deployed model as the page and the worker use it. */
export interface DeployedModel extends BundledModel {
  url: string;
  family?: string;
  role?: FamilyRole;
  fold?: number;
}

export interface ModelFamily {
  id: string;
  whole?: DeployedModel;
  /** Ordered by fold number. */
  folds: DeployedModel[];
}

const FAMILY_FOLDER = /^([a-z0-9][a-z0-9_]*(?:-[a-z0-9_]+)*?)-(whole|fold-(\d+))$/i;
const ID = /^[A-Za-z0-9][\w.-]*$/;

/** The index of the model folders found (each holds a model.json). */
export function modelIndexFromFolders(folders: readonly string[]): ModelIndex {
  const models = [...folders]
    .filter((f) => ID.test(f))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((folder): ModelIndexEntry => {
      const m = FAMILY_FOLDER.exec(folder);
      const entry: ModelIndexEntry = { id: folder, path: `${folder}/model.json` };
      if (m) {
        entry.family = m[1]!;
        entry.role = m[2] === 'whole' ? 'whole' : 'fold';
        if (m[3] !== undefined) entry.fold = Number(m[3]);
      }
      return entry;
    });
  return { models };
}

/**
 * The deployed models named by models/index.json, minus those BUNDLED_MODELS lists already (the demo
 * CNN, by id or by its model.json: it is the demo family's whole-dataset model). Throws InputError on
 * an index that is not one.
 */
export function parseModelIndex(json: unknown): DeployedModel[] {
  const list = json && typeof json === 'object' ? (json as { models?: unknown }).models : undefined;
  if (!Array.isArray(list)) throw new InputError('models/index.json must be { "models": [ { "id", "path" }, ... ] }.');
  const out: DeployedModel[] = [];
  for (const raw of list as unknown[]) {
    const e = (raw ?? {}) as Partial<ModelIndexEntry>;
    if (typeof e.id !== 'string' || !ID.test(e.id) || typeof e.path !== 'string' || !e.path.endsWith('.json') || e.path.includes('..')) {
      throw new InputError(`models/index.json: ${JSON.stringify(raw)} needs an "id" and the "path" of its model.json inside models/.`);
    }
    if (BUNDLED_MODELS.some((b) => b.id === e.id || b.url === `models/${e.path}`) || out.some((m) => m.id === e.id)) continue;
    const role = e.role === 'whole' || e.role === 'fold' ? e.role : undefined;
    const fold = role === 'fold' && Number.isInteger(e.fold) ? e.fold : undefined;
    const family = role && typeof e.family === 'string' && ID.test(e.family) ? e.family : undefined;
    out.push({
      id: e.id,
      url: `models/${e.path}`,
      label: labelOf(e.id, family, role, fold),
      // What the training pipeline makes today (synthetic data); the index may say otherwise.
      provenance: e.provenance === 'untrained' || e.provenance === 'imported' ? e.provenance : 'synthetic-demo',
      display: SYNTHETIC_DEMO_DISPLAY,
      ...(family ? { family, role } : {}),
      ...(fold !== undefined ? { fold } : {}),
    });
  }
  return out;
}

function labelOf(id: string, family: string | undefined, role: FamilyRole | undefined, fold: number | undefined): string {
  if (!family) return id;
  if (role === 'whole') return `${family} · whole dataset`;
  return fold !== undefined ? `${family} · cross-validation fold ${fold}` : `${family} · ${id}`;
}

/** The families among the deployed models, in order of first appearance; folds by number. */
export function familiesOf(models: readonly DeployedModel[]): ModelFamily[] {
  const families = new Map<string, ModelFamily>();
  for (const m of models) {
    if (!m.family) continue;
    const f = families.get(m.family) ?? { id: m.family, folds: [] };
    families.set(m.family, f);
    if (m.role === 'whole') f.whole ??= m;
    else f.folds.push(m);
  }
  for (const f of families.values()) f.folds.sort((a, b) => (a.fold ?? 0) - (b.fold ?? 0) || a.id.localeCompare(b.id));
  return [...families.values()];
}

const ENSEMBLE_PREFIX = 'ensemble:';

/** The model id of a family's fold ensemble. */
export function ensembleId(family: string): string {
  return `${ENSEMBLE_PREFIX}${family}`;
}

export function isEnsembleId(id: string): boolean {
  return id.startsWith(ENSEMBLE_PREFIX);
}

/** The family of an ensemble id that has an ensemble (two or more folds), else null. */
export function ensembleFamily(models: readonly DeployedModel[], id: string): ModelFamily | null {
  if (!isEnsembleId(id)) return null;
  const family = familiesOf(models).find((f) => f.id === id.slice(ENSEMBLE_PREFIX.length));
  return family && family.folds.length >= 2 ? family : null;
}
