/**
 * Topology + decoded weights -> our Model. Infers every layer's output shape so that a weight
 * of the wrong shape is refused with the layer's name instead of failing deep inside an op.
 */
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import type { TopologySpec } from './topology';
import type { Layer, Model } from './types';

/** Weight lookup by layer name and short weight name (kernel, bias, gamma, ...). */
function indexWeights(weights: tf.NamedTensorMap): Map<string, Map<string, tf.Tensor>> {
  const byLayer = new Map<string, Map<string, tf.Tensor>>();
  for (const [fullName, t] of Object.entries(weights)) {
    const clean = fullName.replace(/:\d+$/, '');
    const slash = clean.indexOf('/');
    const layer = slash < 0 ? clean : clean.slice(0, slash);
    const short = clean.slice(clean.lastIndexOf('/') + 1);
    if (!byLayer.has(layer)) byLayer.set(layer, new Map());
    byLayer.get(layer)!.set(short, t);
  }
  return byLayer;
}

export function buildModel(spec: TopologySpec, weights: tf.NamedTensorMap, name: string): Model {
  const byLayer = indexWeights(weights);
  const used = new Set<tf.Tensor>();
  const take = (layer: string, short: string, shape: number[], optional = false): tf.Tensor | null => {
    const t = byLayer.get(layer)?.get(short);
    if (!t) {
      if (optional) return null;
      throw new InputError(`Layer "${layer}": weight "${short}" is missing from the weights; the weight files do not match the topology.`);
    }
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new InputError(`Layer "${layer}": weight "${short}" has shape [${t.shape.join(',')}] but the topology needs [${shape.join(',')}].`);
    }
    if (t.dtype !== 'float32') throw new InputError(`Layer "${layer}": weight "${short}" is ${t.dtype}, not float32.`);
    used.add(t);
    return t;
  };
  const layers: Layer[] = [];
  const owned: tf.Tensor[] = [];
  const own = <T extends tf.Tensor>(t: T): T => {
    owned.push(t);
    return t;
  };
  let shape: number[] = [...spec.inputShape];
  try {
    for (const s of spec.layers) {
      switch (s.kind) {
        case 'conv3d': {
          if (shape.length !== 4) throw new InputError(`Layer "${s.name}": Conv3D needs a 3D volume with channels but receives shape [${shape.join(',')}].`);
          const cin = shape[3]!;
          const kernel = take(s.name, 'kernel', [3, 3, 3, cin, s.filters]) as tf.Tensor5D;
          const bias = s.useBias ? (take(s.name, 'bias', [s.filters]) as tf.Tensor1D) : own(tf.zeros([s.filters]) as tf.Tensor1D);
          layers.push({ kind: 'conv3d', name: s.name, kernel, bias, activation: s.activation });
          shape = [shape[0]!, shape[1]!, shape[2]!, s.filters];
          break;
        }
        case 'maxPool3d':
          if (shape.length !== 4) throw new InputError(`Layer "${s.name}": MaxPooling3D needs a 3D volume but receives shape [${shape.join(',')}].`);
          shape = [Math.floor(shape[0]! / 2), Math.floor(shape[1]! / 2), Math.floor(shape[2]! / 2), shape[3]!];
          if (shape.slice(0, 3).some((d) => d < 1)) throw new InputError(`Layer "${s.name}": the volume is too small to pool.`);
          layers.push({ kind: 'maxPool3d', name: s.name, size: 2 });
          break;
        case 'batchNorm': {
          const c = shape[shape.length - 1]!;
          const gamma = (s.scale ? take(s.name, 'gamma', [c]) : own(tf.ones([c]))) as tf.Tensor1D;
          const beta = (s.center ? take(s.name, 'beta', [c]) : own(tf.zeros([c]))) as tf.Tensor1D;
          const movingMean = take(s.name, 'moving_mean', [c]) as tf.Tensor1D;
          const movingVariance = take(s.name, 'moving_variance', [c]) as tf.Tensor1D;
          const scale = own(tf.tidy(() => tf.div(gamma, tf.sqrt(tf.add(movingVariance, s.epsilon)))) as tf.Tensor1D);
          const offset = own(tf.tidy(() => tf.sub(beta, tf.mul(movingMean, scale))) as tf.Tensor1D);
          layers.push({ kind: 'batchNorm', name: s.name, gamma, beta, movingMean, movingVariance, epsilon: s.epsilon, scale, offset });
          break;
        }
        case 'flatten':
          shape = [shape.reduce((a, b) => a * b, 1)];
          layers.push({ kind: 'flatten', name: s.name });
          break;
        case 'dropout':
          layers.push({ kind: 'dropout', name: s.name });
          break;
        case 'dense': {
          if (shape.length !== 1)
            throw new InputError(`Layer "${s.name}": Dense needs a flat input but receives shape [${shape.join(',')}]; add a Flatten layer.`);
          const kernel = take(s.name, 'kernel', [shape[0]!, s.units]) as tf.Tensor2D;
          const bias = s.useBias ? (take(s.name, 'bias', [s.units]) as tf.Tensor1D) : own(tf.zeros([s.units]) as tf.Tensor1D);
          layers.push({ kind: 'dense', name: s.name, kernel, bias, activation: s.activation });
          shape = [s.units];
          break;
        }
        case 'activation':
          layers.push({ kind: 'activation', name: s.name, activation: s.activation });
          break;
      }
    }
    if (shape.length !== 1) throw new InputError(`The model ends with shape [${shape.join(',')}] instead of a vector of class scores.`);
    if (shape[0]! < 2) throw new InputError('The model has a single output; a classifier with at least 2 outputs is needed.');
  } catch (e) {
    for (const t of owned) t.dispose();
    for (const t of Object.values(weights)) t.dispose();
    throw e;
  }
  // Weights the topology does not use (e.g. optimizer slots) are released now.
  for (const t of Object.values(weights)) if (!used.has(t)) t.dispose();
  const outputs = shape[0]!;
  return {
    name,
    inputShape: spec.inputShape,
    layers,
    outputs,
    dispose() {
      for (const t of used) t.dispose();
      for (const t of owned) t.dispose();
    },
  };
}
