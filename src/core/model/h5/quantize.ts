/**
 * Optional weight quantization of tfjs artifacts, in the weightsManifest convention that
 * tf.io.decodeWeights reads back (tfjs-core io_utils):
 *  - {dtype: 'float16'}: IEEE half floats (uint16 bits), decoded by tfjs's float16 table decoder;
 *    we round to nearest, ties to even, as numpy's float32 -> float16 cast does;
 *  - {dtype: 'uint8', min, scale}: value = q * scale + min, with the tfjs converter's affine
 *    range (scale = (max - min) / 255, min nudged so that 0 is exactly representable; a constant
 *    tensor is stored as zeros with scale 1). Error at most scale / 2 per value;
 *  - 'mixed': uint8 for the large tensors (at least MIXED_UINT8_MIN_VALUES values: in the paper's
 *    architecture only the 10 800 x 64 Dense kernel, 99.5 % of the weights), float16 for the rest.
 *    Why: uint8 for the small convolution and BatchNormalization tensors changes LRP maps visibly
 *    (docs/ensemble.md), while the Dense kernel is where the bytes are.
 */
import * as tf from '@tensorflow/tfjs';
import { float16Bits } from '../float16';

export type QuantizationDtype = 'float16' | 'uint8' | 'mixed';

/** The smallest tensor that 'mixed' stores as uint8. */
export const MIXED_UINT8_MIN_VALUES = 65536;

/** Returns new artifacts whose float32 weights are quantized; without a dtype the input is returned. */
export function quantizeArtifacts(artifacts: tf.io.ModelArtifacts, dtype?: QuantizationDtype): tf.io.ModelArtifacts {
  if (!dtype) return artifacts;
  const specs = artifacts.weightSpecs ?? [];
  const data = weightBytes(artifacts.weightData);
  const outSpecs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.quantization || spec.dtype !== 'float32') {
      throw new Error(`weight ${spec.name} is not plain float32 and cannot be quantized again`);
    }
    const values = new Float32Array(data.buffer.slice(data.byteOffset + offset, data.byteOffset + offset + size * 4));
    offset += size * 4;
    const asUint8 = dtype === 'uint8' || (dtype === 'mixed' && size >= MIXED_UINT8_MIN_VALUES);
    if (!asUint8) {
      const half = new Uint16Array(size);
      for (let i = 0; i < size; i++) half[i] = float16Bits(values[i]!);
      parts.push(new Uint8Array(half.buffer));
      outSpecs.push({ ...spec, quantization: { dtype: 'float16' } });
    } else {
      const { q, min, scale } = quantizeUint8(values);
      parts.push(q);
      outSpecs.push({ ...spec, quantization: { dtype: 'uint8', min, scale } });
    }
  }
  return { ...artifacts, weightSpecs: outSpecs, weightData: concatBytes(parts).buffer as ArrayBuffer };
}

/**
 * The same artifacts with plain float32 weights (any quantization decoded by tfjs), e.g. to
 * quantize a float16 model again as uint8. Metadata and topology are kept.
 */
export function float32Artifacts(artifacts: tf.io.ModelArtifacts): tf.io.ModelArtifacts {
  const specs = artifacts.weightSpecs ?? [];
  const decoded = tf.io.decodeWeights(artifacts.weightData!, specs);
  try {
    const parts = specs.map((s) => {
      const t = decoded[s.name];
      if (!t || t.dtype !== 'float32') throw new Error(`weight ${s.name} is not a float weight`);
      return new Uint8Array((t.dataSync() as Float32Array).slice().buffer);
    });
    return {
      ...artifacts,
      weightSpecs: specs.map((s) => ({ name: s.name, shape: s.shape, dtype: 'float32' as const })),
      weightData: concatBytes(parts).buffer as ArrayBuffer,
    };
  } finally {
    tf.dispose(Object.values(decoded));
  }
}

/** The artifacts' weight bytes as one view (tfjs allows a list of buffers). */
export function weightBytes(weightData: tf.io.ModelArtifacts['weightData']): Uint8Array {
  if (!weightData) return new Uint8Array(0);
  if (Array.isArray(weightData)) return concatBytes(weightData.map((b) => new Uint8Array(b)));
  return new Uint8Array(weightData);
}

/** tfjs-converter's affine uint8 quantization (quantization.py, quantize_weights). */
export function quantizeUint8(values: Float32Array): { q: Uint8Array; min: number; scale: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const q = new Uint8Array(values.length);
  if (!(hi > lo)) return { q, min: values.length ? lo : 0, scale: 1 };
  const scale = (hi - lo) / 255;
  const min = Math.round(lo / scale) * scale;
  const max = min + 255 * scale;
  for (let i = 0; i < values.length; i++) {
    const v = Math.min(max, Math.max(min, values[i]!));
    q[i] = Math.min(255, Math.max(0, Math.round((v - min) / scale)));
  }
  return { q, min, scale };
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
