/**
 * Keras 2.2.x HDF5 model file -> tfjs layers-model artifacts, in memory (no Python, no fs).
 *
 * Reads full saves (`model.save()`: topology in the root attribute model_config, weights under
 * /model_weights) and weights-only saves (`model.save_weights()`: layer_names at the root, the
 * topology supplied by the caller or the paper's). Weights are paired with the topology's layers
 * as Keras 2.2.4's loader does it (positionally, among the layers that have weights), their shapes
 * are checked against the architecture and their float32 values copied unchanged. The Adam state
 * (/optimizer_weights) is ignored. See shared/docs/keras-h5.md for the layout.
 */
import type * as tf from '@tensorflow/tfjs';
import { InputError } from '../../errors';
import { H5File, type H5AttrValue } from './hdf5';
import { checkSupportedLayers, parseSequentialTopology, weightNeeds, type SequentialTopology } from './keras-topology';
import { PAPER_TOPOLOGY } from './paper-topology';

export type ConvertOptions = {
  /** Shown in messages and in the summary. */
  fileName?: string;
  /**
   * Keras model JSON for a weights-only file (any form parseSequentialTopology accepts);
   * without it the paper's architecture is used. Ignored for full saves, which carry their own.
   */
  topology?: object;
};

export type LayerSummary = { name: string; className: string; params: number };

export type ModelSource = {
  fileName: string | null;
  /** 'full': model.save(); 'weights-only': model.save_weights(). */
  save: 'full' | 'weights-only';
  /** Where the topology came from. */
  topology: 'file' | 'supplied' | 'paper';
};

export type ConvertedModel = {
  artifacts: tf.io.ModelArtifacts;
  summary: {
    layers: LayerSummary[];
    totalParams: number;
    kerasVersion: string | null;
    backend: string;
    source: ModelSource;
  };
};

const CONVERTED_BY = 'relevance-viewer';

export function convertKerasH5(bytes: ArrayBuffer, options: ConvertOptions = {}): ConvertedModel {
  const fileName = options.fileName ?? null;
  const h5 = H5File.open(bytes, options.fileName);
  const rootAttrs = h5.attributes('');
  const isFullSave = rootAttrs.has('model_config');
  const weightsRoot = isFullSave ? 'model_weights' : '';
  if (isFullSave && !h5.isGroup(weightsRoot)) {
    throw new InputError('the model file has a topology but no model_weights group; it was saved without weights');
  }
  const weightsAttrs = isFullSave ? h5.attributes(weightsRoot) : rootAttrs;
  const layerNames = readNameList(weightsAttrs, 'layer_names');
  if (!layerNames) {
    throw new InputError(
      'this HDF5 file holds no Keras model (neither model_config nor layer_names at its root); pass a file saved with Keras model.save() or save_weights()',
    );
  }

  const backend = stringAttr(rootAttrs, 'backend') ?? stringAttr(weightsAttrs, 'backend');
  if (backend !== undefined && backend !== 'tensorflow') {
    throw new InputError(`the model was saved with the ${backend} backend, whose weight layout differs; only TensorFlow-backend Keras models are supported`);
  }
  const kerasVersion = stringAttr(rootAttrs, 'keras_version') ?? stringAttr(weightsAttrs, 'keras_version') ?? null;

  let topologySource: ModelSource['topology'];
  let topology: SequentialTopology;
  if (isFullSave) {
    topologySource = 'file';
    topology = parseSequentialTopology(parseJsonAttr(rootAttrs, 'model_config'), "the file's model_config");
  } else {
    topologySource = options.topology ? 'supplied' : 'paper';
    topology = parseSequentialTopology(options.topology ?? PAPER_TOPOLOGY, options.topology ? 'the supplied topology' : "the paper's topology");
    adoptFileLayerNames(topology, layerNames);
  }
  checkSupportedLayers(topology);
  const needs = weightNeeds(topology);

  // Keras 2.2.4 load_weights: pair the layers that have weights, in order, with the file's
  // layers whose weight_names list is not empty.
  const fileLayers = layerNames
    .map((name) => {
      const group = weightsRoot ? `${weightsRoot}/${name}` : name;
      if (!h5.isGroup(group)) throw new InputError(`the file lists layer ${name} but has no group for it; the file is incomplete`);
      return { name, group, weightNames: readNameList(h5.attributes(group), 'weight_names') ?? [] };
    })
    .filter((l) => l.weightNames.length > 0);
  const modelLayers = topology.layers.map((layer, i) => ({ layer, needs: needs[i]! })).filter((l) => l.needs.length > 0);
  if (fileLayers.length !== modelLayers.length) {
    throw new InputError(
      `the file holds weights for ${fileLayers.length} layers but the model has ${modelLayers.length} layers with weights; weights are missing or the file belongs to another architecture`,
    );
  }

  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const arrays: Float32Array[] = [];
  const params = new Map<string, number>();
  modelLayers.forEach(({ layer, needs: layerNeeds }, i) => {
    const fileLayer = fileLayers[i]!;
    const name = layer.config.name;
    if (fileLayer.weightNames.length !== layerNeeds.length) {
      throw new InputError(
        `layer ${name} (${layer.class_name}) needs ${layerNeeds.length} weights (${layerNeeds.map((n) => n.weight).join(', ')}) but the file's layer ${fileLayer.name} holds ${fileLayer.weightNames.length}; the file does not match the architecture`,
      );
    }
    let count = 0;
    layerNeeds.forEach((need, j) => {
      const h5Name = fileLayer.weightNames[j]!;
      const path = `${fileLayer.group}/${h5Name}`;
      if (!h5.has(path)) {
        throw new InputError(`weight ${h5Name} of layer ${fileLayer.name} is listed but missing from the file; the file is incomplete`);
      }
      const { data, shape, storedType } = h5.readFloat32(path);
      if (!/^[<>=|]?f4$/.test(storedType)) {
        throw new InputError(`weight ${h5Name} is stored as ${storedType}; only float32 models are supported`);
      }
      if (!sameShape(shape, need.shape)) {
        throw new InputError(
          `weight ${h5Name} has shape [${shape.join(',')}] but layer ${name} (${layer.class_name}) needs ${need.weight} of shape [${need.shape.join(',')}]; the file does not match the architecture`,
        );
      }
      weightSpecs.push({ name: `${name}/${tfjsWeightSuffix(h5Name)}`, shape, dtype: 'float32' });
      arrays.push(data);
      count += data.length;
    });
    params.set(name, count);
  });

  const layers = topology.layers.map((l) => ({
    name: l.config.name,
    className: l.class_name,
    params: params.get(l.config.name) ?? 0,
  }));
  const modelTopology = {
    keras_version: kerasVersion ?? undefined,
    backend: backend ?? 'tensorflow',
    model_config: { class_name: 'Sequential', config: { name: topology.name, layers: topology.layers } },
  };
  return {
    artifacts: {
      modelTopology,
      format: 'layers-model',
      generatedBy: kerasVersion ? `keras v${kerasVersion}` : 'keras',
      convertedBy: CONVERTED_BY,
      weightSpecs,
      weightData: concatFloat32(arrays),
    },
    summary: {
      layers,
      totalParams: layers.reduce((a, l) => a + l.params, 0),
      kerasVersion,
      backend: backend ?? 'tensorflow',
      source: { fileName, save: isFullSave ? 'full' : 'weights-only', topology: topologySource },
    },
  };
}

/**
 * A name-list attribute. Keras splits lists over 64512 bytes into name0, name1, ... (then there is
 * no unsuffixed attribute); the parts are read until one is missing. An empty list is stored as an
 * empty float64 array, which reads as [].
 */
function readNameList(attrs: Map<string, H5AttrValue>, name: string): string[] | undefined {
  const parts: H5AttrValue[] = [];
  if (attrs.has(name)) {
    parts.push(attrs.get(name)!);
  } else {
    for (let i = 0; attrs.has(`${name}${i}`); i++) parts.push(attrs.get(`${name}${i}`)!);
    if (parts.length === 0) return undefined;
  }
  const out: string[] = [];
  for (const part of parts) {
    if (typeof part === 'string') out.push(part);
    else if (Array.isArray(part) && part.every((v): v is string => typeof v === 'string')) {
      for (const v of part) out.push(v); // no spread: a damaged file can claim millions of names
    } else if (Array.isArray(part) && part.length === 0) continue;
    else throw new InputError(`the attribute ${name} is not a list of names; the file is not a Keras model file`);
  }
  return out;
}

function stringAttr(attrs: Map<string, H5AttrValue>, name: string): string | undefined {
  const v = attrs.get(name);
  return typeof v === 'string' ? v : undefined;
}

function parseJsonAttr(attrs: Map<string, H5AttrValue>, name: string): unknown {
  const text = stringAttr(attrs, name);
  if (text === undefined) throw new InputError(`the file's ${name} attribute is not a string; the file is not a Keras model file`);
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError(`the file's ${name} attribute is not valid JSON; the file is damaged`);
  }
}

/**
 * A weights-only file carries the layer names of the session that trained it (conv3d_4, dense_7,
 * ...); when it lists as many layers as the supplied topology has (after any InputLayer), the
 * topology takes those names so that the artifacts name weights as the file does.
 */
function adoptFileLayerNames(topology: SequentialTopology, layerNames: string[]): void {
  const layers = topology.layers.filter((l) => l.class_name !== 'InputLayer');
  if (layers.length !== layerNames.length) return;
  layers.forEach((l, i) => {
    l.config.name = layerNames[i]!;
  });
}

/** 'conv3d_1_1/kernel:0' -> 'kernel': the part after the TF scope, without the output index. */
function tfjsWeightSuffix(h5Name: string): string {
  const slash = h5Name.indexOf('/');
  return (slash >= 0 ? h5Name.slice(slash + 1) : h5Name).replace(/:\d+$/, '');
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function concatFloat32(arrays: Float32Array[]): ArrayBuffer {
  const out = new Float32Array(arrays.reduce((a, x) => a + x.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out.buffer;
}
