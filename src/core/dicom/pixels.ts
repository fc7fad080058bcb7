/**
 * Stored samples -> values: keep the BitsStored low bits, sign-extend them when PixelRepresentation
 * says signed, then value = stored × RescaleSlope + RescaleIntercept (per frame).
 */
import type { RawSamples } from './codecs';
import type { FramePlane, PixelFormat } from './parse';

export function writeFrameValues(raw: RawSamples, format: PixelFormat, plane: FramePlane, out: Float32Array, offset: number): void {
  const n = format.rows * format.columns;
  if (raw.length < n) throw new Error(`the frame has ${raw.length} of ${n} pixels`);
  const bits = Math.min(format.bitsStored, format.bitsAllocated, 32);
  const full = 2 ** bits;
  const half = full / 2;
  const { slope, intercept } = plane;
  if (bits === 32 || bits === format.bitsAllocated) {
    for (let i = 0; i < n; i++) {
      let v = raw[i]!;
      if (format.signed && v >= half) v -= full;
      out[offset + i] = v * slope + intercept;
    }
    return;
  }
  const mask = full - 1;
  for (let i = 0; i < n; i++) {
    let v = raw[i]! & mask;
    if (format.signed && v >= half) v -= full;
    out[offset + i] = v * slope + intercept;
  }
}
