/**
 * Node-only: load a tfjs layers-model directory (model.json + shards) from disk into the core
 * runtime, and start the wasm backend with its binaries from node_modules.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../core/errors';
import { setBackend, type BackendName } from '../core/model/backend';
import { loadModel } from '../core/model/loadModel';
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
  return setBackend(name, { wasmPath });
}
