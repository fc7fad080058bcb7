/**
 * The worker's side of residualization: reads a model's model.json metadata, and loads (once per
 * model) the covariate model it names, relative to model.json. Imported HDF5 models and the seeded
 * model carry no such metadata: they take raw gray-matter maps.
 */
import { loadCovariateModel, covariateModelSpec, type CovariateModelSpec } from '../core/model/covariateModel';
import type { CovariateModel } from '../core/analysis/residualize';
import { CAT12_GRID } from '../core/volume/grid';
import { InputError } from '../core/errors';

const specs = new Map<string, Promise<CovariateModelSpec | null>>();
const maps = new Map<string, Promise<CovariateModel | null>>();

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new InputError(`The covariate model ${url} could not be loaded (HTTP ${res.status}); put it next to model.json.`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The spec in model.json at `url` (null: raw maps, or model.json not reachable — the seeded fallback runs then). */
export function covariateSpecAt(url: string | null): Promise<CovariateModelSpec | null> {
  if (!url) return Promise.resolve(null);
  let entry = specs.get(url);
  if (!entry) {
    entry = (async () => {
      let json: { userDefinedMetadata?: unknown };
      try {
        const res = await fetch(url);
        if (!res.ok) return null;
        json = (await res.json()) as { userDefinedMetadata?: unknown };
      } catch {
        return null;
      }
      return covariateModelSpec(json.userDefinedMetadata);
    })();
    entry.catch(() => specs.delete(url));
    specs.set(url, entry);
  }
  return entry;
}

/** The covariate model of the model at `url`, or null when it takes raw maps. */
export function covariateModelAt(url: string | null): Promise<CovariateModel | null> {
  if (!url) return Promise.resolve(null);
  let entry = maps.get(url);
  if (!entry) {
    entry = (async () => {
      const spec = await covariateSpecAt(url);
      if (!spec) return null;
      return loadCovariateModel(spec, (path) => fetchBytes(new URL(path, url).href), CAT12_GRID.dims);
    })();
    entry.catch(() => maps.delete(url));
    maps.set(url, entry);
  }
  return entry;
}
