/**
 * Optional weight quantization of tfjs artifacts, in the weightsManifest convention that
 * tf.io.decodeWeights reads back (tfjs-core io_utils):
 *  - {dtype: 'float16'}: IEEE half floats (uint16 bits), decoded by tfjs's float16 table decoder;
 *    we round to nearest, ties to even, as numpy's float32 -> float16 cast does;
 *  - {dtype: 'uint8', min, scale}: value = q * scale + min, with the tfjs converter's affine
 *    range (scale = (max - min) / 255, min nudged so that 0 is exactly representable; a constant
 *    tensor is stored as zeros with scale 1). Error at most scale / 2 per value.
 */
import type * as tf from '@tensorflow/tfjs';

export type QuantizationDtype = 'float16' | 'uint8';

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
    if (dtype === 'float16') {
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

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits of a float32 value, rounded to nearest even; overflow gives infinity. */
export function float16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // infinity, NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e >= 1) {
    // Normal half: keep 10 of the 23 mantissa bits; a carry out of the mantissa bumps the
    // exponent, which is the correct rounding (up to infinity).
    const half = (e << 10) | (mant >>> 13);
    const rest = mant & 0x1fff;
    const up = rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1);
    return sign | (half + (up ? 1 : 0));
  }
  // Subnormal half: units of 2^-24. The float32 significand (with its implicit bit) is
  // m * 2^(exp - 150), i.e. m >> (126 - exp) units.
  const shift = 126 - exp;
  if (shift >= 25) return sign; // below half the smallest subnormal (m < 2^24)
  const m = mant | 0x800000;
  const half = m >>> shift;
  const rest = m & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  const up = rest > halfway || (rest === halfway && (half & 1) === 1);
  return sign | (half + (up ? 1 : 0));
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
