/**
 * Keras JSON topology -> a list of layer descriptions (no weights yet). Accepts the Sequential
 * forms Keras writes (2.2.3+: {class_name:'Sequential', config:{layers}}; 2.2.2 and older: a bare
 * list in config) and the tfjs converter's wrapper {model_config: ...}. Everything the runtime
 * cannot run exactly is refused with an InputError naming the layer, never silently approximated.
 */
import { InputError } from '../errors';
import type { Activation } from './types';

export type LayerSpec =
  | { kind: 'conv3d'; name: string; filters: number; useBias: boolean; activation: Activation }
  | { kind: 'maxPool3d'; name: string }
  | { kind: 'batchNorm'; name: string; epsilon: number; center: boolean; scale: boolean }
  | { kind: 'flatten'; name: string }
  | { kind: 'dropout'; name: string }
  | { kind: 'dense'; name: string; units: number; useBias: boolean; activation: Activation }
  | { kind: 'activation'; name: string; activation: Activation };

export interface TopologySpec {
  /** [D, H, W, C] */
  inputShape: [number, number, number, number];
  layers: LayerSpec[];
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Find the list of Keras layer entries in any of the accepted wrappers. */
function layerEntries(topology: unknown): Json[] {
  let t = topology;
  if (isObject(t) && isObject(t.model_config)) t = t.model_config;
  if (Array.isArray(t)) return t as Json[];
  if (!isObject(t)) throw new InputError('The model file has no Keras topology; export it with model.save() or the tfjs converter.');
  if (t.class_name !== 'Sequential') {
    throw new InputError(`The model is a Keras "${String(t.class_name)}", but only Sequential models are supported; rebuild it as a Sequential.`);
  }
  const config = t.config;
  if (Array.isArray(config)) return config as Json[];
  if (isObject(config) && Array.isArray(config.layers)) return config.layers as Json[];
  throw new InputError('The Sequential model in the file lists no layers; the file is damaged or not a Keras model.');
}

function triple(v: unknown, name: string, field: string, expected: number): void {
  const arr = Array.isArray(v) ? v : [v];
  const ok = (arr.length === 3 || arr.length === 1) && arr.every((x) => x === expected);
  if (!ok)
    throw new InputError(
      `Layer "${name}": ${field} ${JSON.stringify(v)} is not supported (only ${expected} in every axis); retrain with the paper's settings.`,
    );
}

function activationOf(v: unknown, name: string): Activation {
  const a = v === undefined || v === null ? 'linear' : v;
  if (a === 'relu' || a === 'softmax' || a === 'linear') return a;
  throw new InputError(`Layer "${name}": activation "${String(a)}" is not supported (relu, softmax and linear are).`);
}

function channelsLast(config: Json, name: string): void {
  const f = config.data_format;
  if (f !== undefined && f !== null && f !== 'channels_last') {
    throw new InputError(`Layer "${name}": data_format "${String(f)}" is not supported; only channels_last models can be run.`);
  }
}

function inputShapeOf(config: Json): [number, number, number, number] | null {
  const s = (config.batch_input_shape ?? config.batchInputShape) as unknown;
  if (!Array.isArray(s)) return null;
  const dims = s.slice(1);
  if (dims.length !== 4 || !dims.every((d) => Number.isInteger(d) && (d as number) > 0)) {
    throw new InputError(`The model's input shape ${JSON.stringify(s)} is not a 3D volume with channels [batch, D, H, W, C].`);
  }
  return dims as [number, number, number, number];
}

export function parseTopology(topology: unknown): TopologySpec {
  const entries = layerEntries(topology);
  let inputShape: [number, number, number, number] | null = null;
  const layers: LayerSpec[] = [];
  entries.forEach((entry, index) => {
    const cls = String(entry.class_name);
    const config = (isObject(entry.config) ? entry.config : {}) as Json;
    const name = typeof config.name === 'string' ? config.name : `${cls}_${index}`;
    const shape = inputShapeOf(config);
    if (shape && !inputShape) inputShape = shape;
    switch (cls) {
      case 'InputLayer':
        return;
      case 'Conv3D': {
        triple(config.kernel_size, name, 'kernel_size', 3);
        triple(config.strides ?? 1, name, 'strides', 1);
        triple(config.dilation_rate ?? 1, name, 'dilation_rate', 1);
        if (config.padding !== 'same') throw new InputError(`Layer "${name}": padding "${String(config.padding)}" is not supported (only "same").`);
        channelsLast(config, name);
        const filters = Number(config.filters);
        if (!Number.isInteger(filters) || filters <= 0) throw new InputError(`Layer "${name}": filters ${String(config.filters)} is not a positive integer.`);
        layers.push({ kind: 'conv3d', name, filters, useBias: config.use_bias !== false, activation: activationOf(config.activation, name) });
        return;
      }
      case 'MaxPooling3D': {
        triple(config.pool_size, name, 'pool_size', 2);
        triple(config.strides ?? config.pool_size, name, 'strides', 2);
        if ((config.padding ?? 'valid') !== 'valid')
          throw new InputError(`Layer "${name}": padding "${String(config.padding)}" is not supported (only "valid").`);
        channelsLast(config, name);
        layers.push({ kind: 'maxPool3d', name });
        return;
      }
      case 'BatchNormalization': {
        const axis = Array.isArray(config.axis) ? config.axis : [config.axis ?? -1];
        if (axis.length !== 1 || !(axis[0] === -1 || axis[0] === 4)) {
          throw new InputError(`Layer "${name}": normalisation axis ${JSON.stringify(config.axis)} is not supported (only the last, channels_last axis).`);
        }
        layers.push({ kind: 'batchNorm', name, epsilon: Number(config.epsilon ?? 1e-3), center: config.center !== false, scale: config.scale !== false });
        return;
      }
      case 'Flatten':
        channelsLast(config, name);
        layers.push({ kind: 'flatten', name });
        return;
      case 'Dropout':
      case 'SpatialDropout3D':
        layers.push({ kind: 'dropout', name });
        return;
      case 'Dense': {
        const units = Number(config.units);
        if (!Number.isInteger(units) || units <= 0) throw new InputError(`Layer "${name}": units ${String(config.units)} is not a positive integer.`);
        layers.push({ kind: 'dense', name, units, useBias: config.use_bias !== false, activation: activationOf(config.activation, name) });
        return;
      }
      case 'Activation':
        layers.push({ kind: 'activation', name, activation: activationOf(config.activation, name) });
        return;
      default:
        throw new InputError(
          `Layer "${name}" of type ${cls} is not supported; the runtime runs Conv3D, MaxPooling3D, BatchNormalization, Flatten, Dropout, Dense and Activation.`,
        );
    }
  });
  if (!inputShape) throw new InputError('The model does not state its input shape (batch_input_shape on the first layer); re-export it from Keras.');
  // Softmax is allowed only as the very last operation (it is where relevance starts from the logits).
  layers.forEach((l, i) => {
    if ((l.kind === 'dense' || l.kind === 'activation' || l.kind === 'conv3d') && l.activation === 'softmax' && i !== layers.length - 1) {
      throw new InputError(`Layer "${l.name}": softmax is only supported on the last layer.`);
    }
  });
  return { inputShape, layers };
}
