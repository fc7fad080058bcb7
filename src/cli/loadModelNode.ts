/**
 * Node-only: load a tfjs layers-model directory (model.json + shards) from disk into the core
 * runtime, and start the wasm backend with its binaries from node_modules.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../core/errors';
import { REPO_ROOT } from '../training/node/assets';
import { setBackend, type BackendName } from '../core/model/backend';
import { convertKerasH5 } from '../core/model/h5/convert';
import { loadModel } from '../core/model/loadModel';
import { makeSeededModelArtifacts, SEEDED_MODEL_LABEL } from '../core/model/seeded';
import type { Model } from '../core/model/types';

export async function loadModelFromDir(dirOrJson: string): Promise<Model> {
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
    for (const group of manifest) for (const p of group.paths) {
      try {
        const b = await readFile(join(base, p));
        buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
      } catch {
        throw new InputError(`The weight shard ${p} listed in ${jsonPath} is missing; copy all .bin files next to model.json.`);
      }
    }
    return [specs, tf.io.concatenateArrayBuffers(buffers)];
  });
  return loadModel(artifacts, base.split(/[\\/]/).pop() ?? 'model');
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
export const DEMO_MODEL_DIR = join(REPO_ROOT, 'models', 'demo');

export interface ResolvedModel {
  model: Model;
  /** What to call it in results: a path, or the seeded model's label. */
  label: string;
  notices: string[];
}

/**
 * A model from what a user typed: "seeded", a tfjs model directory or model.json, or a Keras .h5/.hdf5
 * file (converted in memory). Without a spec: the bundled demo model, else the seeded one (said so).
 */
export async function resolveModel(spec?: string): Promise<ResolvedModel> {
  if (spec === 'seeded' || (!spec && !existsSync(join(DEMO_MODEL_DIR, 'model.json')))) {
    const notices = spec ? [] : ['No trained demo model is bundled; using the untrained seeded model (its output means nothing).'];
    return { model: await loadModel(makeSeededModelArtifacts(1), SEEDED_MODEL_LABEL), label: SEEDED_MODEL_LABEL, notices };
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
    return { model: await loadModel(converted.artifacts, basename(path)), label: path, notices: [] };
  }
  return { model: await loadModelFromDir(path), label: spec ?? 'models/demo', notices: [] };
}
