/** Topology parsing, weight decoding (float32/float16/uint8), refusals, forward pass vs a plain reference, leaks. */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../../src/core/errors';
import { explain, predict } from '../../src/core/lrp/methods';
import { forward } from '../../src/core/model/forward';
import { loadModel } from '../../src/core/model/loadModel';
import { makeSeededModelArtifacts, paperTopology, seededWeights } from '../../src/core/model/seeded';
import { parseTopology } from '../../src/core/model/topology';

const SMALL = { inputShape: [8, 8, 10, 1] as [number, number, number, number], filters: 2, hidden: [8, 6] as [number, number] };

type KerasLayer = { class_name: string; config: Record<string, unknown> };
const layersOf = (t: object) => (t as { config: { layers: KerasLayer[] } }).config.layers;

/** Plain-loop reference forward of the small seeded network (channels-last), float64. */
function referenceForward(x: Float32Array): number[] {
  const W = new Map(seededWeights(7, SMALL).map((w) => [w.name, w.data]));
  let [D, H, Wd] = [8, 8, 10];
  let C = 1;
  let v = Array.from(x);
  for (let l = 1; l <= 3; l++) {
    const k = W.get(`conv3d_${l}/kernel`)!,
      b = W.get(`conv3d_${l}/bias`)!;
    const F = 2;
    const z = new Array(D * H * Wd * F).fill(0);
    for (let d = 0; d < D; d++)
      for (let h = 0; h < H; h++)
        for (let w = 0; w < Wd; w++)
          for (let o = 0; o < F; o++) {
            let s = b[o]!;
            for (let kd = 0; kd < 3; kd++)
              for (let kh = 0; kh < 3; kh++)
                for (let kw = 0; kw < 3; kw++) {
                  const dd = d + kd - 1,
                    hh = h + kh - 1,
                    ww = w + kw - 1;
                  if (dd < 0 || hh < 0 || ww < 0 || dd >= D || hh >= H || ww >= Wd) continue;
                  for (let c = 0; c < C; c++) s += v[((dd * H + hh) * Wd + ww) * C + c]! * k[(((kd * 3 + kh) * 3 + kw) * C + c) * F + o]!;
                }
            z[((d * H + h) * Wd + w) * F + o] = Math.max(0, s);
          }
    const [d2, h2, w2] = [D >> 1, H >> 1, Wd >> 1];
    const p = new Array(d2 * h2 * w2 * F).fill(-Infinity);
    for (let d = 0; d < 2 * d2; d++)
      for (let h = 0; h < 2 * h2; h++)
        for (let w = 0; w < 2 * w2; w++)
          for (let o = 0; o < F; o++) {
            const i = (((d >> 1) * h2 + (h >> 1)) * w2 + (w >> 1)) * F + o;
            p[i] = Math.max(p[i], z[((d * H + h) * Wd + w) * F + o]);
          }
    const g = W.get(`batch_normalization_${l}/gamma`)!,
      be = W.get(`batch_normalization_${l}/beta`)!;
    const m = W.get(`batch_normalization_${l}/moving_mean`)!,
      va = W.get(`batch_normalization_${l}/moving_variance`)!;
    v = p.map((q, i) => ((q - m[i % F]!) / Math.sqrt(va[i % F]! + 1e-3)) * g[i % F]! + be[i % F]!);
    [D, H, Wd, C] = [d2, h2, w2, F];
  }
  for (let l = 1; l <= 3; l++) {
    const k = W.get(`dense_${l}/kernel`)!,
      b = W.get(`dense_${l}/bias`)!;
    const n = v.length,
      m = b.length;
    const out = Array.from(b);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[j] += v[i]! * k[i * m + j]!;
    v = l < 3 ? out.map((q) => Math.max(0, q)) : out;
  }
  return v;
}

function smallInput(): Float32Array {
  return Float32Array.from({ length: 640 }, (_, i) => Math.sin(i * 0.37) * 0.8 + 0.2);
}

/** IEEE half from a float (round to nearest), enough for test values. */
function toHalf(v: number): number {
  const f = new Float32Array([v]);
  const u = new Uint32Array(f.buffer)[0]!;
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  let mant = u & 0x7fffff;
  if (exp <= 0) return sign | Math.round((mant | 0x800000) / 2 ** (14 - exp));
  mant = Math.round(mant / 8192);
  return sign | ((exp << 10) + mant);
}

describe('model loading', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('runs the forward pass like a plain float64 reference, with probabilities = softmax(logits)', async () => {
    const model = await loadModel(makeSeededModelArtifacts(7, SMALL));
    const x = smallInput();
    const ref = referenceForward(x);
    const p = await predict(model, x);
    p.logits.forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 4));
    const e = Math.exp(ref[1]! - ref[0]!);
    expect(p.probabilities[1]).toBeCloseTo(e / (1 + e), 5);
    model.dispose();
  });

  it('accepts the Keras 2.2.2 bare-list topology and the converter wrapper', async () => {
    const layers = layersOf(paperTopology(SMALL.inputShape, 2, [8, 6]));
    const bare = parseTopology({ class_name: 'Sequential', config: layers });
    const wrapped = parseTopology({ keras_version: '2.2.4', model_config: { class_name: 'Sequential', config: { layers } } });
    expect(bare.layers.map((l) => l.kind)).toEqual(wrapped.layers.map((l) => l.kind));
    expect(bare.inputShape).toEqual([8, 8, 10, 1]);
    expect(bare.layers.length).toBe(16);
  });

  it('decodes float16 and uint8 quantized weights through tf.io', async () => {
    const weights = seededWeights(7, SMALL);
    const x = smallInput();
    const exact = await loadModel(makeSeededModelArtifacts(7, SMALL));
    const pe = await predict(exact, x);
    exact.dispose();
    // float16
    const halfs = weights.map((w) => Uint16Array.from(w.data, toHalf));
    const hbuf = new Uint8Array(halfs.reduce((a, h) => a + h.byteLength, 0));
    let o = 0;
    for (const h of halfs) {
      hbuf.set(new Uint8Array(h.buffer), o);
      o += h.byteLength;
    }
    const half = await loadModel({
      modelTopology: paperTopology(SMALL.inputShape, 2, [8, 6]),
      weightSpecs: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' as const, quantization: { dtype: 'float16' as const } })),
      weightData: hbuf.buffer,
    });
    const ph = await predict(half, x);
    half.dispose();
    // uint8: value = q * scale + min
    const specs: tf.io.WeightsManifestEntry[] = [];
    const qs: Uint8Array[] = [];
    for (const w of weights) {
      const min = Math.min(...w.data);
      let max = Math.max(...w.data);
      if (max === min) max = min + 1;
      const scale = (max - min) / 255;
      qs.push(Uint8Array.from(w.data, (v) => Math.round((v - min) / scale)));
      specs.push({ name: w.name, shape: w.shape, dtype: 'float32', quantization: { dtype: 'uint8', min, scale } });
    }
    const qbuf = new Uint8Array(qs.reduce((a, q) => a + q.length, 0));
    o = 0;
    for (const q of qs) {
      qbuf.set(q, o);
      o += q.length;
    }
    const u8 = await loadModel({ modelTopology: paperTopology(SMALL.inputShape, 2, [8, 6]), weightSpecs: specs, weightData: qbuf.buffer });
    const pq = await predict(u8, x);
    u8.dispose();
    const scale = Math.max(...pe.logits.map(Math.abs));
    pe.logits.forEach((v, i) => {
      expect(Math.abs(ph.logits[i]! - v)).toBeLessThan(5e-3 * scale);
      expect(Math.abs(pq.logits[i]! - v)).toBeLessThan(0.1 * scale);
      expect(ph.logits[i]).not.toBe(v); // really decoded from half precision
    });
  });

  const refuse = async (mutate: (layers: KerasLayer[]) => void, pattern: RegExp) => {
    const a = makeSeededModelArtifacts(7, SMALL);
    mutate(layersOf(a.modelTopology as object));
    const before = tf.memory().numTensors;
    await expect(loadModel(a)).rejects.toThrow(InputError);
    await expect(loadModel(a)).rejects.toThrow(pattern);
    expect(tf.memory().numTensors).toBe(before);
  };
  it('refuses unknown layers, strides != 1, channels_first and weight shape mismatches, naming the layer', async () => {
    await refuse((l) => {
      l.splice(3, 0, { class_name: 'LSTM', config: { name: 'lstm_9' } });
    }, /lstm_9/);
    await refuse((l) => {
      l[0]!.config.strides = [2, 2, 2];
    }, /conv3d_1.*strides/);
    await refuse((l) => {
      l[1]!.config.data_format = 'channels_first';
    }, /max_pooling3d_1.*channels_first/);
    await refuse((l) => {
      (l[0]!.config as Record<string, unknown>).filters = 3;
    }, /conv3d_1.*kernel.*shape/);
    await refuse((l) => {
      l[l.length - 1]!.config.activation = 'tanh';
    }, /dense_3.*tanh/);
  });

  it('leaks no tensors: predict, explain and dispose', async () => {
    const before = tf.memory().numTensors;
    const model = await loadModel(makeSeededModelArtifacts(7, SMALL));
    const x = smallInput();
    const mid = tf.memory().numTensors;
    await predict(model, x);
    for (const method of ['paper', 'gradient', 'gradient-x-input', 'epsilon-alpha2-beta1', 'epsilon-plus-flat', 'occlusion'] as const) {
      await explain(model, x, { method, occlusion: { size: 4, stride: 4 } });
      expect(tf.memory().numTensors).toBe(mid);
    }
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reports progress per layer and stops on abort without leaking', async () => {
    const model = await loadModel(makeSeededModelArtifacts(7, SMALL));
    const mid = tf.memory().numTensors;
    const events: string[] = [];
    await explain(model, smallInput(), { method: 'paper', onProgress: (e) => events.push(`${e.stage}:${e.done}/${e.total}`) });
    expect(events.filter((e) => e.startsWith('forward')).length).toBe(16);
    expect(events.filter((e) => e.startsWith('backward')).length).toBe(16);
    expect(events.at(-1)).toBe('backward:16/16');
    const ac = new AbortController();
    let seen = 0;
    const p = explain(model, smallInput(), {
      method: 'paper',
      signal: ac.signal,
      onProgress: (e) => {
        seen++;
        if (e.done === 3) ac.abort();
      },
    });
    // Cancelled, not failed for another reason, and stopped long before the 32 layer steps of a full run.
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toBeLessThan(8);
    expect(tf.memory().numTensors).toBe(mid);
    const t = await forward(model, smallInput());
    expect(t.inputs.length).toBe(17);
    t.dispose();
    model.dispose();
  });

  it('refuses a wrong input size and a missing neuron', async () => {
    const model = await loadModel(makeSeededModelArtifacts(7, SMALL));
    await expect(predict(model, new Float32Array(10))).rejects.toThrow(InputError);
    await expect(explain(model, smallInput(), { method: 'paper', neuron: 2 })).rejects.toThrow(InputError);
    model.dispose();
  });
});
