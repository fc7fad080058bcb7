/**
 * Keras 2.2.4 HDF5 -> tfjs artifacts, against fixtures written by h5py
 * (scripts/fixtures/make_h5_fixtures.sh): attribute decoding, every storage variant, weights
 * bit-exact against h5py's own reading, the numpy reference forward pass, refusals, damaged
 * files, quantization through tf.io.decodeWeights, and the CLI command.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as runConvert } from '../src/cli/commands/convert';
import { InputError } from '../src/core/errors';
import { convertKerasH5 } from '../src/core/model/h5/convert';
import { H5File } from '../src/core/model/h5/hdf5';
import { weightNeeds, parseSequentialTopology } from '../src/core/model/h5/keras-topology';
import { encodeModelFiles } from '../src/core/model/h5/model-files';
import { PAPER_TOPOLOGY, paperTopology } from '../src/core/model/h5/paper-topology';
import { quantizeArtifacts } from '../src/core/model/h5/quantize';
import { float16Bits } from '../src/core/model/float16';
import { formulaInput, referenceForward } from './helpers/keras-reference-forward';

const DIR = join(__dirname, 'fixtures/h5');
const TINY_INPUT = [16, 16, 16, 1];

function fixture(name: string): ArrayBuffer {
  const b = readFileSync(join(DIR, name));
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

type ExpectedWeight = { layer: string; h5_name: string; tfjs_name: string; shape: number[] };
const expected = JSON.parse(readFileSync(join(DIR, 'keras224_tiny.expected.json'), 'utf8')) as {
  expected_logits: number[];
  expected_probs: number[];
  n_params: number;
  weights: ExpectedWeight[];
};
// h5py's reading of every weight of keras224_tiny.h5 (all variants share the seed and weights).
const h5pyDump = (
  JSON.parse(readFileSync(join(DIR, 'keras224_tiny.weights.json'), 'utf8')) as {
    weights: { h5_path: string; shape: number[]; f32le_base64: string }[];
  }
).weights.map((w) => ({ ...w, bytes: new Uint8Array(Buffer.from(w.f32le_base64, 'base64')) }));

/** The weights-only save carries no topology: the paper's, on the tiny fixtures' input. */
const TINY_TOPOLOGY = paperTopology([null, ...TINY_INPUT]);

const FULL_SAVES = [
  'keras224_tiny.h5', // h5py 2 style: fixed-length NUL-padded name lists, vlen scalars, Adam state
  'keras224_tiny_vlen.h5', // h5py 3 style: every string variable-length
  'keras224_tiny_fixed.h5', // every string fixed-length
  'keras224_tiny_chunkedattrs.h5', // layer_names0, layer_names1
  'keras224_tiny_seqlist.h5', // keras <= 2.2.2 bare-list Sequential config
  'keras224_tiny_rescoped.h5', // conv3d_1_1/kernel:0 inside group conv3d_1
  'keras224_tiny_gzip.h5', // chunked + gzip datasets
  'keras224_tiny_libverlatest.h5', // superblock v3, compact/dense links
];

function convertFixture(name: string) {
  return convertKerasH5(fixture(name), { fileName: name, topology: name.includes('_weights') ? TINY_TOPOLOGY : undefined });
}

function expectInputError(fn: () => unknown, pattern: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(InputError);
  expect((error as Error).message).toMatch(pattern);
  expect((error as Error).message).not.toContain('\n');
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('HDF5 adapter', () => {
  it('decodes every attribute kind h5py writes', () => {
    // Values as make_keras224_like_h5.py's write_attr_kinds() stores them.
    const attrs = H5File.open(fixture('attr_kinds.h5')).attributes('g');
    expect(Object.fromEntries(attrs)).toEqual({
      fixed_scalar: '2.2.4',
      fixed_array: ['conv3d_1', 'dense_10'],
      vlen_ascii_scalar: 'tensorflow',
      vlen_utf8_scalar: 'tensorflow \u00e9',
      vlen_utf8_array: ['a', 'bb\u00e9'],
      vlen_ascii_array: ['x', 'yy'],
      empty_list: [],
      int_scalar: 7,
      float_array: [1.5, -2.0],
    });
  });

  it('decodes UTF-8 bytes stored in ASCII-tagged strings as UTF-8 and strips NUL padding', () => {
    const attrs = H5File.open(fixture('attr_utf8_in_ascii.h5')).attributes('g');
    expect(attrs.get('name')).toBe('caf\u00e9_1');
    expect(attrs.get('names')).toEqual(['conv3d_1', 'd\u00e9nse_\u03b1']);
    expect(attrs.get('fixed_utf8')).toEqual(['\u00fcber', 'ab']);
  });

  it('marks a layer without weights by an empty numeric array and lists groups', () => {
    const h5 = H5File.open(fixture('keras224_tiny.h5'));
    expect(h5.attribute('model_weights/flatten_1', 'weight_names')).toEqual([]);
    expect(h5.keys('')).toEqual(expect.arrayContaining(['model_weights', 'optimizer_weights']));
    expect(h5.isGroup('model_weights/conv3d_1/conv3d_1')).toBe(true);
    expect(h5.has('model_weights/conv3d_9')).toBe(false);
    const bias = h5.readFloat32('model_weights/conv3d_1/conv3d_1/bias:0');
    expect(bias.shape).toEqual([5]);
    expect(bias.storedType).toBe('<f4');
  });
});

describe('convertKerasH5: every storage variant', () => {
  const variants = [...FULL_SAVES, 'keras224_tiny_weights.h5'];

  it.each(variants)('%s: weight names, shapes and order follow Keras, values are h5py-bit-exact', (name) => {
    const { artifacts, summary } = convertFixture(name);
    const specs = artifacts.weightSpecs!;
    expect(specs.map((s) => s.name)).toEqual(expected.weights.map((w) => w.tfjs_name));
    expect(specs.map((s) => s.shape)).toEqual(expected.weights.map((w) => w.shape));
    expect(specs.every((s) => s.dtype === 'float32' && s.quantization === undefined)).toBe(true);

    const data = new Uint8Array(artifacts.weightData as ArrayBuffer);
    expect(data.length).toBe(h5pyDump.reduce((a, w) => a + w.bytes.length, 0));
    let offset = 0;
    for (const w of h5pyDump) {
      const got = data.subarray(offset, offset + w.bytes.length);
      expect(Buffer.from(got).equals(Buffer.from(w.bytes)), w.h5_path).toBe(true);
      offset += w.bytes.length;
    }

    expect(summary.totalParams).toBe(expected.n_params);
    expect(summary.layers).toHaveLength(16);
    expect(summary.layers.filter((l) => l.params > 0).map((l) => l.className)).toEqual([
      'Conv3D',
      'BatchNormalization',
      'Conv3D',
      'BatchNormalization',
      'Conv3D',
      'BatchNormalization',
      'Dense',
      'Dense',
      'Dense',
    ]);
    expect(summary.kerasVersion).toBe('2.2.4');
    expect(summary.backend).toBe('tensorflow');
    expect(summary.source).toEqual(
      name.includes('_weights') ? { fileName: name, save: 'weights-only', topology: 'supplied' } : { fileName: name, save: 'full', topology: 'file' },
    );
    expect(artifacts.format).toBe('layers-model');
  });

  it.each(variants)('%s: the converted model reproduces the numpy reference logits within 1e-5', (name) => {
    const { artifacts } = convertFixture(name);
    const { logits, probs } = referenceForward(artifacts, formulaInput(TINY_INPUT), TINY_INPUT);
    logits.forEach((v, i) => expect(Math.abs(v - expected.expected_logits[i]!)).toBeLessThan(1e-5));
    probs.forEach((v, i) => expect(Math.abs(v - expected.expected_probs[i]!)).toBeLessThan(1e-5));
  });

  it('normalizes the old bare-list Sequential config to the Keras 2.2.3+ form', () => {
    const topology = convertFixture('keras224_tiny_seqlist.h5').artifacts.modelTopology as {
      model_config: { class_name: string; config: { layers: unknown[] } };
    };
    expect(topology.model_config.class_name).toBe('Sequential');
    expect(topology.model_config.config.layers).toHaveLength(16);
  });

  it('a weights-only file takes its own layer names into the paper topology', () => {
    const { artifacts } = convertKerasH5(fixture('keras224_tiny_weights.h5'), { topology: TINY_TOPOLOGY });
    const renamed = structuredClone(TINY_TOPOLOGY);
    renamed.config.layers[0]!.config.name = 'first_conv';
    // The file's names win over the supplied topology's.
    const again = convertKerasH5(fixture('keras224_tiny_weights.h5'), { topology: renamed });
    expect(again.artifacts.weightSpecs!.map((s) => s.name)).toEqual(artifacts.weightSpecs!.map((s) => s.name));
  });
});

describe('the paper topology', () => {
  it("is the Keras 2.2.4 JSON that the fixture generator writes, with the paper's input", () => {
    const h5 = H5File.open(fixture('keras224_tiny.h5'));
    const fromFile = JSON.parse(h5.attribute('', 'model_config') as string) as {
      config: { layers: { config: Record<string, unknown> }[] };
    };
    fromFile.config.layers[0]!.config.batch_input_shape = [null, 100, 100, 120, 1];
    expect(PAPER_TOPOLOGY).toEqual(fromFile);
  });

  it('needs the weight shapes of model-grid.md (flatten 12*12*15*5 = 10800)', () => {
    const needs = weightNeeds(parseSequentialTopology(PAPER_TOPOLOGY, 'paper'));
    const dense1 = needs[11]!;
    expect(dense1).toEqual([
      { weight: 'kernel', shape: [10800, 64] },
      { weight: 'bias', shape: [64] },
    ]);
    const total = needs.flat().reduce((a, n) => a + n.shape.reduce((x, y) => x * y, 1), 0);
    // 3 conv (27*1*5+5, 27*5*5+5, 27*5*5+5) + 3 BN (4*5) + dense 10800*64+64, 64*32+32, 32*2+2
    expect(total).toBe(140 + 680 + 680 + 3 * 20 + 691264 + 2080 + 66);
  });
});

describe('refusals', () => {
  it('refuses a non-TensorFlow backend', () => {
    expectInputError(() => convertFixture('refuse_backend_theano.h5'), /theano backend.*only TensorFlow/);
  });

  it('refuses a layer class the runtime cannot run', () => {
    expectInputError(() => convertFixture('refuse_unknown_layer.h5'), /gaussian_noise_1 is a GaussianNoise/);
  });

  it('refuses weights whose shapes do not fit the architecture', () => {
    // the paper's full-size architecture on the tiny weights: dense_1 differs
    expectInputError(
      () => convertKerasH5(fixture('keras224_tiny_weights.h5')),
      /dense_1\/kernel:0 has shape \[40,64\] but layer dense_1 \(Dense\) needs kernel of shape \[10800,64\]/,
    );
    const wider = structuredClone(TINY_TOPOLOGY);
    (wider.config.layers[0]!.config as { filters: number }).filters = 6;
    expectInputError(
      () => convertKerasH5(fixture('keras224_tiny_weights.h5'), { topology: wider }),
      /conv3d_1\/kernel:0 has shape \[3,3,3,1,5\] but .*\[3,3,3,1,6\]/,
    );
  });

  it('refuses missing weights', () => {
    const extra = structuredClone(TINY_TOPOLOGY) as { config: { layers: unknown[] } };
    extra.config.layers.push({ class_name: 'Dense', config: { name: 'dense_4', units: 2, activation: 'linear', use_bias: true } });
    expectInputError(
      () => convertKerasH5(fixture('keras224_tiny_weights.h5'), { topology: extra }),
      /holds weights for 9 layers but the model has 10 layers with weights/,
    );
    const noBias = structuredClone(TINY_TOPOLOGY);
    (noBias.config.layers[3]!.config as { use_bias: boolean }).use_bias = false;
    expectInputError(
      () => convertKerasH5(fixture('keras224_tiny_weights.h5'), { topology: noBias }),
      /conv3d_2 \(Conv3D\) needs 1 weights \(kernel\) but .* holds 2/,
    );
    // A weight listed in weight_names whose dataset is absent: rename the listed name in place
    // (same length; the dataset itself is stored under 'bias:0').
    const bytes = new Uint8Array(fixture('keras224_tiny.h5'));
    const from = new TextEncoder().encode('dense_3/bias:0');
    let patched = 0;
    for (let i = 0; i + from.length <= bytes.length; i++) {
      if (from.every((b, j) => bytes[i + j] === b)) {
        bytes[i + from.length - 1] = '9'.charCodeAt(0);
        patched++;
      }
    }
    expect(patched).toBe(1);
    expectInputError(() => convertKerasH5(bytes.buffer), /weight dense_3\/bias:9 of layer dense_3 is listed but missing/);
  });

  it('refuses functional models and topologies without an input shape', () => {
    expectInputError(
      () => convertKerasH5(fixture('keras224_tiny_weights.h5'), { topology: { class_name: 'Model', config: { layers: [] } } }),
      /Keras Model model, but only Sequential/,
    );
    const noInput = structuredClone(TINY_TOPOLOGY);
    delete (noInput.config.layers[0]!.config as { batch_input_shape?: unknown }).batch_input_shape;
    expectInputError(() => convertKerasH5(fixture('keras224_tiny_weights.h5'), { topology: noInput }), /no batch_input_shape/);
  });

  it('refuses an HDF5 file that holds no Keras model', () => {
    expectInputError(() => convertKerasH5(fixture('attr_kinds.h5')), /holds no Keras model/);
  });
});

describe('damaged and foreign files', () => {
  it('refuses a file that is not HDF5', () => {
    const text = new TextEncoder().encode('{"format": "layers-model"}\n').buffer as ArrayBuffer;
    expectInputError(() => convertKerasH5(text, { fileName: 'model.json' }), /^not a readable HDF5 file \(model\.json\): .*signature/);
    expectInputError(() => convertKerasH5(new ArrayBuffer(0)), /^not a readable HDF5 file/);
  });

  it('refuses truncated files with an InputError, never a crash or different weights', () => {
    const full = fixture('keras224_tiny_vlen.h5');
    const reference = Buffer.from(convertKerasH5(full).artifacts.weightData as ArrayBuffer);
    let refused = 0;
    for (let k = 1; k < 40; k++) {
      const cut = full.slice(0, Math.floor((full.byteLength * k) / 40));
      try {
        const weights = Buffer.from(convertKerasH5(cut).artifacts.weightData as ArrayBuffer);
        expect(weights.equals(reference)).toBe(true);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        expect((e as Error).message).toMatch(/^not a readable HDF5 file: .*truncated or damaged$/);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(30); // weights fill this file to its end
  });

  it('turns errors on corrupted metadata into InputErrors', () => {
    const full = new Uint8Array(fixture('keras224_tiny_vlen.h5'));
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let refused = 0;
    for (let k = 0; k < 40; k++) {
      const bytes = full.slice();
      const at = Math.floor(random() * 8192); // the superblock, root and model_weights headers, heaps
      for (let j = 0; j < 4; j++) bytes[at + j] = Math.floor(random() * 256);
      try {
        convertKerasH5(bytes.buffer);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
  });
});

describe('quantization', () => {
  const float32 = () => convertFixture('keras224_tiny.h5').artifacts;

  function decodeAll(artifacts: tf.io.ModelArtifacts): Float32Array[] {
    const decoded = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
    const out = artifacts.weightSpecs!.map((s) => decoded[s.name]!.dataSync() as Float32Array);
    Object.values(decoded).forEach((t) => t.dispose());
    return out;
  }

  it('float16Bits inverts tfjs float16 decoding for every finite half value', () => {
    const halves = new Uint16Array(65536).map((_, i) => i);
    const decoded = tf.io.decodeWeights(halves.buffer, [{ name: 'h', shape: [65536], dtype: 'float32', quantization: { dtype: 'float16' } }]);
    const values = decoded.h!.dataSync();
    let checked = 0;
    for (let h = 0; h < 65536; h++) {
      if ((h & 0x7c00) === 0x7c00) continue; // infinities and NaNs
      expect(float16Bits(values[h]!)).toBe(h);
      checked++;
    }
    expect(checked).toBe(63488);
  });

  it('float16 weights decode through tf.io.decodeWeights within half an ulp', () => {
    const original = decodeAll(float32());
    const quantized = quantizeArtifacts(float32(), 'float16');
    expect((quantized.weightData as ArrayBuffer).byteLength).toBe(expected.n_params * 2);
    decodeAll(quantized).forEach((values, w) => {
      values.forEach((v, i) => {
        const x = original[w]![i]!;
        expect(Math.abs(v - x)).toBeLessThanOrEqual(Math.max(Math.abs(x) * 2 ** -11, 2 ** -25));
      });
    });
  });

  it('uint8 weights decode through tf.io.decodeWeights within half a step', () => {
    const original = decodeAll(float32());
    const quantized = quantizeArtifacts(float32(), 'uint8');
    expect((quantized.weightData as ArrayBuffer).byteLength).toBe(expected.n_params);
    decodeAll(quantized).forEach((values, w) => {
      const q = quantized.weightSpecs![w]!.quantization!;
      expect(q.dtype).toBe('uint8');
      values.forEach((v, i) => {
        const x = original[w]![i]!;
        expect(Math.abs(v - x)).toBeLessThanOrEqual(q.scale! / 2 + 1e-6 * Math.abs(x) + 1e-7);
      });
    });
  });

  it('quantized models still give nearly the reference probabilities', () => {
    for (const [dtype, tolerance] of [
      ['float16', 1e-3],
      ['uint8', 2e-2],
    ] as const) {
      const files = encodeModelFiles(float32(), dtype);
      const manifest = (JSON.parse(files.modelJson) as { weightsManifest: tf.io.WeightsManifestConfig }).weightsManifest;
      const artifacts = { ...float32(), weightSpecs: manifest[0]!.weights, weightData: files.weights.slice().buffer };
      const { probs } = referenceForward(artifacts, formulaInput(TINY_INPUT), TINY_INPUT);
      probs.forEach((p, i) => expect(Math.abs(p - expected.expected_probs[i]!)).toBeLessThan(tolerance));
    }
  });
});

describe('convert command', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'rv-convert-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes model.json, the weights shard and a model card for one input', async () => {
    const input = join(DIR, 'keras224_tiny_gzip.h5');
    const dir = join(out, 'one');
    expect(await runConvert([input, '--out', dir])).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['MODEL_CARD.md', 'group1-shard1of1.bin', 'model.json']);
    const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest).toEqual([
      { paths: ['group1-shard1of1.bin'], weights: expected.weights.map((w) => ({ name: w.tfjs_name, shape: w.shape, dtype: 'float32' })) },
    ]);
    const artifacts: tf.io.ModelArtifacts = {
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest[0]!.weights,
      weightData: new Uint8Array(readFileSync(join(dir, 'group1-shard1of1.bin'))).buffer,
    };
    const { logits } = referenceForward(artifacts, formulaInput(TINY_INPUT), TINY_INPUT);
    logits.forEach((v, i) => expect(Math.abs(v - expected.expected_logits[i]!)).toBeLessThan(1e-5));

    const card = readFileSync(join(dir, 'MODEL_CARD.md'), 'utf8');
    const sha = createHash('sha256').update(readFileSync(input)).digest('hex');
    expect(card).toContain('keras224_tiny_gzip.h5');
    expect(card).toContain(sha);
    expect(card).toContain('Keras version: 2.2.4');
    expect(card).toContain(`Parameters: ${expected.n_params}`);
    expect(card).toMatch(/\| dense_1 \| Dense \| 2624 \|/); // 40*64 + 64
    expect(card).toContain('Converted by relevance-viewer.');
  });

  it('writes one folder per input for several, quantized as asked', async () => {
    const dir = join(out, 'many');
    const inputs = ['keras224_tiny.h5', 'keras224_tiny_vlen.h5'].map((f) => join(DIR, f));
    expect(await runConvert([...inputs, '--out', dir, '--quantize', 'float16'])).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['keras224_tiny', 'keras224_tiny_vlen']);
    const modelJson = JSON.parse(readFileSync(join(dir, 'keras224_tiny_vlen', 'model.json'), 'utf8')) as tf.io.ModelJSON;
    expect(modelJson.weightsManifest[0]!.weights.every((w) => w.quantization?.dtype === 'float16')).toBe(true);
    expect(readFileSync(join(dir, 'keras224_tiny_vlen', 'group1-shard1of1.bin')).length).toBe(expected.n_params * 2);
    expect(readFileSync(join(dir, 'keras224_tiny', 'MODEL_CARD.md'), 'utf8')).toContain('float16-quantized');
  });

  it('reports bad inputs and options as InputErrors naming the file', async () => {
    await expect(runConvert([join(DIR, 'refuse_backend_theano.h5'), '--out', join(out, 'x')])).rejects.toThrow(/refuse_backend_theano\.h5: .*theano backend/);
    await expect(runConvert([join(DIR, 'missing.h5'), '--out', join(out, 'x')])).rejects.toBeInstanceOf(InputError);
    await expect(runConvert([join(DIR, 'keras224_tiny.h5'), '--out', join(out, 'x'), '--quantize', 'int4'])).rejects.toThrow(
      /--quantize must be float16 or uint8/,
    );
    await expect(runConvert([join(DIR, 'keras224_tiny.h5')])).rejects.toThrow(/--out/);
  });
});
