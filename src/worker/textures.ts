/**
 * Quantizes grid volumes for R8 textures, in the worker, so the page never loops over voxels.
 * R8 + linear filtering works on every WebGL2 GPU (float32 + linear does not).
 */
import type { TextureData } from './protocol';

/** Robust intensity range: ignores NaN, uses min and the 99.9th percentile as the top. */
export function intensityRange(values: Float32Array): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let v = 0; v < values.length; v++) {
    const x = values[v];
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (max <= min) return [min, min + 1];
  // Histogram percentile: one pass, 4096 bins, good enough for display windowing.
  const bins = new Uint32Array(4096);
  const scale = (bins.length - 1) / (max - min);
  let count = 0;
  for (let v = 0; v < values.length; v++) {
    const x = values[v];
    if (x === x) {
      bins[Math.floor((x - min) * scale)]++;
      count++;
    }
  }
  let acc = 0;
  const target = count * 0.999;
  for (let b = 0; b < bins.length; b++) {
    acc += bins[b];
    if (acc >= target) return [min, Math.max(min + (b + 1) / scale, min + 1e-6)];
  }
  return [min, max];
}

export function quantizeRange(values: Float32Array, lo: number, hi: number): Uint8Array {
  const out = new Uint8Array(values.length);
  const k = 255 / (hi - lo);
  for (let v = 0; v < values.length; v++) {
    const q = (values[v] - lo) * k;
    out[v] = q >= 255 ? 255 : q > 0 ? q + 0.5 : 0; // NaN -> 0
  }
  return out;
}

/** [-1, 1] -> byte b with v = (b - 128) / 127, so 0 maps exactly to 128. */
export function quantizeSigned(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let v = 0; v < values.length; v++) {
    const x = values[v];
    const c = x > 1 ? 1 : x < -1 ? -1 : x === x ? x : 0;
    out[v] = Math.round(c * 127) + 128;
  }
  return out;
}

export function textureData(background: Float32Array, display: Float32Array, spread?: Float32Array): TextureData {
  const [bgMin, bgMax] = intensityRange(background);
  const out: TextureData = { background8: quantizeRange(background, bgMin, bgMax), bgMin, bgMax, display8: quantizeSigned(display) };
  // The same signed coding as the relevance, so the one overlay shader and colormap draw either map.
  if (spread) out.spread8 = quantizeSigned(spread);
  return out;
}
