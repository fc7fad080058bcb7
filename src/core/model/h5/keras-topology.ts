/**
 * The Keras Sequential topology the converter understands: parsing the JSON forms Keras and tfjs
 * write, and the weight shapes each supported layer needs (propagating the tensor shape from the
 * model input), so that a file whose weights do not fit the architecture is refused before use.
 */
import { InputError } from '../../errors';

export type KerasLayer = { class_name: string; config: Record<string, unknown> & { name: string } };
export type SequentialTopology = { name: string; layers: KerasLayer[] };

/** The layer classes the project's runtime can run (the paper's architecture). */
export const SUPPORTED_LAYER_CLASSES = ['InputLayer', 'Conv3D', 'MaxPooling3D', 'BatchNormalization', 'Flatten', 'Dropout', 'Dense', 'Activation'] as const;

/** One weight a layer needs, in the order Keras saves them. */
export type WeightNeed = { weight: string; shape: number[] };
/** A dimension is null where the batch size (or an unknown input size) leaves it open. */
export type TensorShape = (number | null)[];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Accepts Keras 2.2.3+ `{"class_name":"Sequential","config":{"name","layers"}}`, Keras <= 2.2.2
 * `{"class_name":"Sequential","config":[...]}`, and the same wrapped as a tfjs modelTopology
 * (`{model_config: ...}`) or a whole model.json (`{modelTopology: ...}`).
 */
export function parseSequentialTopology(json: unknown, where: string): SequentialTopology {
  let t: unknown = json;
  if (isObject(t) && 'modelTopology' in t) t = t.modelTopology;
  if (isObject(t) && 'model_config' in t) t = t.model_config;
  if (!isObject(t) || typeof t.class_name !== 'string') {
    throw new InputError(`${where} is not a Keras model topology (no class_name); supply the Keras model JSON`);
  }
  if (t.class_name !== 'Sequential') {
    throw new InputError(`${where} describes a Keras ${t.class_name} model, but only Sequential models (like the paper's) are supported`);
  }
  const config = t.config;
  const name = isObject(config) && typeof config.name === 'string' ? config.name : 'sequential_1';
  const layers = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(layers) || layers.length === 0) {
    throw new InputError(`${where} lists no layers; supply the Keras model JSON of the trained model`);
  }
  for (const layer of layers) {
    if (!isObject(layer) || typeof layer.class_name !== 'string' || !isObject(layer.config) || typeof layer.config.name !== 'string') {
      throw new InputError(`${where} has a layer without class_name or config.name; it is not a Keras model JSON`);
    }
  }
  return { name, layers: structuredClone(layers) as KerasLayer[] };
}

/** Throws InputError for the first layer whose class the runtime cannot run. */
export function checkSupportedLayers(topology: SequentialTopology): void {
  const allowed: readonly string[] = SUPPORTED_LAYER_CLASSES;
  for (const layer of topology.layers) {
    if (!allowed.includes(layer.class_name)) {
      throw new InputError(`layer ${layer.config.name} is a ${layer.class_name}, which this app cannot run (supported: ${allowed.join(', ')})`);
    }
  }
}

/** The weights each layer needs, computed by propagating the input shape through the layers. */
export function weightNeeds(topology: SequentialTopology): WeightNeed[][] {
  const first = topology.layers[0]!;
  const input = first.config.batch_input_shape;
  if (!Array.isArray(input) || input.some((d) => d !== null && !Number.isInteger(d))) {
    throw new InputError(
      `the first layer (${first.config.name}) has no batch_input_shape, so the weight shapes cannot be checked; supply a complete Keras model JSON`,
    );
  }
  let shape: TensorShape = input as TensorShape;
  return topology.layers.map((layer) => {
    const [needs, out] = layerWeights(layer, shape);
    shape = out;
    return needs;
  });
}

function layerWeights(layer: KerasLayer, input: TensorShape): [WeightNeed[], TensorShape] {
  const c = layer.config;
  const name = c.name;
  const known = (d: number | null, what: string): number => {
    if (d === null) throw new InputError(`layer ${name} gets an input whose ${what} is unknown; the weight shapes cannot be checked`);
    return d;
  };
  switch (layer.class_name) {
    case 'InputLayer':
    case 'Dropout':
    case 'Activation':
      return [[], input];
    case 'Flatten': {
      const size = input.slice(1).reduce<number>((a, d) => a * known(d, 'size'), 1);
      return [[], [input[0] ?? null, size]];
    }
    case 'Conv3D': {
      requireRank(name, input, 5);
      requireChannelsLast(name, c);
      const filters = intConfig(name, c, 'filters');
      const kernel = triple(name, c, 'kernel_size');
      const strides = triple(name, c, 'strides', [1, 1, 1]);
      const dilation = triple(name, c, 'dilation_rate', [1, 1, 1]);
      const padding = paddingOf(name, c);
      const inChannels = known(input[4]!, 'channel count');
      const spatial = [1, 2, 3].map((a) => {
        const n = input[a]!;
        if (n === null) return null;
        const k = (kernel[a - 1]! - 1) * dilation[a - 1]! + 1;
        return padding === 'same' ? Math.ceil(n / strides[a - 1]!) : Math.floor((n - k) / strides[a - 1]!) + 1;
      });
      const needs: WeightNeed[] = [{ weight: 'kernel', shape: [...kernel, inChannels, filters] }];
      if (c.use_bias !== false) needs.push({ weight: 'bias', shape: [filters] });
      return [needs, [input[0]!, ...spatial, filters]];
    }
    case 'MaxPooling3D': {
      requireRank(name, input, 5);
      requireChannelsLast(name, c);
      const pool = triple(name, c, 'pool_size', [2, 2, 2]);
      const strides = c.strides == null ? pool : triple(name, c, 'strides');
      const padding = paddingOf(name, c);
      const spatial = [1, 2, 3].map((a) => {
        const n = input[a]!;
        if (n === null) return null;
        return padding === 'same' ? Math.ceil(n / strides[a - 1]!) : Math.floor((n - pool[a - 1]!) / strides[a - 1]!) + 1;
      });
      return [[], [input[0]!, ...spatial, input[4]!]];
    }
    case 'BatchNormalization': {
      const axisRaw = Array.isArray(c.axis) && c.axis.length === 1 ? c.axis[0] : (c.axis ?? -1);
      if (axisRaw !== -1 && axisRaw !== input.length - 1) {
        throw new InputError(`layer ${name} normalizes axis ${JSON.stringify(c.axis)}; only the channel (last) axis is supported`);
      }
      const channels = known(input[input.length - 1]!, 'channel count');
      const needs: WeightNeed[] = [];
      if (c.scale !== false) needs.push({ weight: 'gamma', shape: [channels] });
      if (c.center !== false) needs.push({ weight: 'beta', shape: [channels] });
      needs.push({ weight: 'moving_mean', shape: [channels] }, { weight: 'moving_variance', shape: [channels] });
      return [needs, input];
    }
    case 'Dense': {
      const units = intConfig(name, c, 'units');
      const inUnits = known(input[input.length - 1]!, 'feature count');
      const needs: WeightNeed[] = [{ weight: 'kernel', shape: [inUnits, units] }];
      if (c.use_bias !== false) needs.push({ weight: 'bias', shape: [units] });
      return [needs, [...input.slice(0, -1), units]];
    }
    default:
      throw new InputError(`layer ${name} is a ${layer.class_name}, which this app cannot run`);
  }
}

function requireRank(name: string, input: TensorShape, rank: number): void {
  if (input.length !== rank) {
    throw new InputError(`layer ${name} needs a rank-${rank} input but gets shape ${JSON.stringify(input)}`);
  }
}

function requireChannelsLast(name: string, c: Record<string, unknown>): void {
  if (c.data_format != null && c.data_format !== 'channels_last') {
    throw new InputError(`layer ${name} uses data_format ${String(c.data_format)}; only channels_last (TensorFlow's) is supported`);
  }
}

function paddingOf(name: string, c: Record<string, unknown>): 'same' | 'valid' {
  const p = c.padding ?? 'valid';
  if (p !== 'same' && p !== 'valid') throw new InputError(`layer ${name} has an unknown padding ${JSON.stringify(p)}`);
  return p;
}

function intConfig(name: string, c: Record<string, unknown>, key: string): number {
  const v = c[key];
  if (!Number.isInteger(v) || (v as number) <= 0) {
    throw new InputError(`layer ${name} has no valid ${key} in its config`);
  }
  return v as number;
}

function triple(name: string, c: Record<string, unknown>, key: string, fallback?: number[]): number[] {
  const v = c[key] ?? fallback;
  const t = typeof v === 'number' ? [v, v, v] : v;
  if (!Array.isArray(t) || t.length !== 3 || !t.every((x) => Number.isInteger(x) && x > 0)) {
    throw new InputError(`layer ${name} has no valid ${key} (three positive integers) in its config`);
  }
  return t as number[];
}
