/**
 * Loading tfjs layers-model artifacts (model.json + weight shards) into our own runtime.
 * tf.io decodes the weights (float32, float16 and uint8 quantization); our topology parser
 * builds the layer list because tfjs-layers cannot run the paper's rank-5 BatchNormalization.
 */
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import { buildModel } from './buildModel';
import { parseTopology } from './topology';
import type { Model } from './types';

export async function loadModel(artifacts: tf.io.ModelArtifacts, name = 'model'): Promise<Model> {
  if (!artifacts.modelTopology) throw new InputError('The model has no topology (model.json lacks modelTopology); export it as a tfjs layers-model.');
  if (artifacts.modelTopology instanceof ArrayBuffer) throw new InputError('The model is a tfjs graph-model; export it as a tfjs layers-model instead.');
  const spec = parseTopology(artifacts.modelTopology);
  if (!artifacts.weightSpecs || !artifacts.weightData) throw new InputError('The model has no weights; put the weight shard files next to model.json.');
  let weights: tf.NamedTensorMap;
  try {
    weights = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  } catch (e) {
    throw new InputError(`The weight files could not be decoded (${e instanceof Error ? e.message : String(e)}); check that all shards are complete.`);
  }
  return buildModel(spec, weights, name);
}

/** The artifacts at a URL of model.json (metadata included); shards are fetched relative to it. */
export async function loadArtifactsFromUrl(url: string): Promise<tf.io.ModelArtifacts> {
  try {
    return await tf.io.http(url).load!();
  } catch (e) {
    throw new InputError(`The model at ${url} could not be loaded (${e instanceof Error ? e.message : String(e)}).`);
  }
}

/** Load from browser File objects: model.json and its .bin shards, in any order. */
export async function loadModelFromFiles(files: File[], name?: string): Promise<Model> {
  const json = files.find((f) => f.name.endsWith('.json'));
  if (!json) throw new InputError('No model.json among the chosen files; select model.json together with its .bin weight files.');
  const shards = files.filter((f) => f !== json);
  let artifacts: tf.io.ModelArtifacts;
  try {
    artifacts = await tf.io.browserFiles([json, ...shards]).load!();
  } catch (e) {
    throw new InputError(`The model files could not be read (${e instanceof Error ? e.message : String(e)}); select model.json and all its .bin files.`);
  }
  return loadModel(artifacts, name ?? json.name.replace(/\.json$/, ''));
}
