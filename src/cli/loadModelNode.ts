/**
 * Node-only: load a tfjs layers-model directory (model.json + shards) from disk into the core
 * runtime, and start the wasm backend with its binaries from node_modules.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../core/errors';
import { REPO_ROOT } from './repoRoot';
import { setBackend, type BackendName } from '../core/model/backend';
import { convertKerasH5 } from '../core/model/h5/convert';
import { loadModel } from '../core/model/loadModel';
import { loadModelBundle, plainBundle, type BundleSource, type ModelBundle } from '../core/model/bundle';
import { BUNDLED_MODELS, DEMO_MODEL_FOLDER } from '../core/model/catalog';
import { makeSeededModelArtifacts, SEEDED_MODEL_LABEL } from '../core/model/seeded';
import type { Model } from '../core/model/types';

/** model.json (with its metadata) and its weight shards from a folder, as tfjs artifacts. */
export async function readArtifactsFromDir(dirOrJson: string): Promise<{ artifacts: tf.io.ModelArtifacts; base: string }> {
  const jsonPath = dirOrJson.endsWith('.json') ? dirOrJson : join(dirOrJson, 'model.json');
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(await readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
  } catch (e) {
    throw new InputError(`Cannot read ${jsonPath} (${e instanceof Error ? e.message : String(e)}); give the folder of a tfjs layers-model.`);
  }
  const base = dirname(jsonPath);
  const artifacts = await tf.io.getModelArtifactsForJSON(json, async (manifest) => {
    const specs = manifest.flatMap((g) => g.weights);
    const buffers: ArrayBuffer[] = [];
    for (const group of manifest)
      for (const p of group.paths) {
        try {
          const b = await readFile(join(base, p));
          buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
        } catch {
          throw new InputError(`The weight shard ${p} listed in ${jsonPath} is missing; copy all .bin files next to model.json.`);
        }
      }
    return [specs, tf.io.concatenateArrayBuffers(buffers)];
  });
  return { artifacts, base };
}

function dirName(base: string): string {
  return base.split(/[\\/]/).pop() ?? 'model';
}

export async function loadModelFromDir(dirOrJson: string): Promise<Model> {
  const { artifacts, base } = await readArtifactsFromDir(dirOrJson);
  return loadModel(artifacts, dirName(base));
}

/** A model folder as a bundle: its covariate model and calibration read from next to model.json. */
export async function loadBundleFromDir(dirOrJson: string, source: Omit<BundleSource, 'read'>): Promise<ModelBundle> {
  const { artifacts, base } = await readArtifactsFromDir(dirOrJson);
  const read = async (path: string) => {
    try {
      return new Uint8Array(await readFile(join(base, path)));
    } catch (e) {
      throw new InputError(
        `Cannot read ${join(base, path)}, which model.json names (${(e as NodeJS.ErrnoException).code ?? 'error'}); put it next to model.json.`,
      );
    }
  };
  return loadModelBundle(artifacts, { ...source, read });
}

/** setBackend with the wasm binaries of the installed @tensorflow/tfjs-backend-wasm. */
export async function setBackendNode(name: BackendName): Promise<string> {
  const require = createRequire(import.meta.url);
  const wasmPath = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
  // Production mode silences tfjs's "install tfjs-node" banner, which would otherwise precede every
  // one-line message the CLI prints (tfjs-node downloads native binaries at install: not an option).
  tf.env().set('PROD', true);
  return setBackend(name, { wasmPath });
}

export { REPO_ROOT };
export const DEMO_MODEL_DIR = join(REPO_ROOT, 'models', DEMO_MODEL_FOLDER);

export interface ResolvedModel {
  bundle: ModelBundle;
  model: Model;
  /** What to call it in results: a path, or the seeded model's label. */
  label: string;
  notices: string[];
}

function resolved(bundle: ModelBundle, notices: string[] = []): ResolvedModel {
  return { bundle, model: bundle.model, label: bundle.label, notices };
}

/** The catalog entry of the bundled demo model, which the page shows with the same display options. */
function demoCatalogEntry() {
  return BUNDLED_MODELS.find((m) => m.id === 'demo');
}

/**
 * A model bundle from what a user typed: "seeded", a tfjs model directory or model.json, or a Keras
 * .h5/.hdf5 file (converted in memory). Without a spec: the bundled demo model, else the seeded one
 * (said so). The bundled demo model gets the page's catalog settings, so both hosts agree.
 */
export async function resolveModel(spec?: string): Promise<ResolvedModel> {
  if (spec === 'seeded' || (!spec && !existsSync(join(DEMO_MODEL_DIR, 'model.json')))) {
    const notices = spec ? [] : ['No trained demo model is bundled; using the untrained seeded model (its output means nothing).'];
    const model = await loadModel(makeSeededModelArtifacts(1), SEEDED_MODEL_LABEL);
    return resolved(plainBundle(model, SEEDED_MODEL_LABEL, { provenance: 'untrained' }), notices);
  }
  const path = spec ?? DEMO_MODEL_DIR;
  if (/\.(h5|hdf5)$/i.test(path)) {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (e) {
      throw new InputError(`Cannot open ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'}); check the path.`);
    }
    const converted = convertKerasH5(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, { fileName: basename(path) });
    return resolved(plainBundle(await loadModel(converted.artifacts, basename(path)), path, { provenance: 'imported' }));
  }
  const isDemo = resolve(path.endsWith('.json') ? dirname(path) : path) === resolve(DEMO_MODEL_DIR);
  const demo = isDemo ? demoCatalogEntry() : undefined;
  const bundle = await loadBundleFromDir(path, {
    label: spec ?? `models/${DEMO_MODEL_FOLDER}`,
    display: demo?.display,
    provenance: demo?.provenance ?? 'imported',
  });
  return resolved(bundle);
}
