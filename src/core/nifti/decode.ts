/**
 * Turns the raw voxel bytes of one volume into float32 values with the header's scaling
 * applied (value * slope + inter, computed in double precision, then rounded once).
 */
import type { DatatypeInfo } from './datatypes';

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses the byte order of each `size`-byte element, in place. */
function swapBytes(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

function typedView(dt: DatatypeInfo, buffer: ArrayBuffer, offset: number, count: number): ArrayLike<number> {
  switch (dt.name) {
    case 'uint8':
      return new Uint8Array(buffer, offset, count);
    case 'int8':
      return new Int8Array(buffer, offset, count);
    case 'int16':
      return new Int16Array(buffer, offset, count);
    case 'uint16':
      return new Uint16Array(buffer, offset, count);
    case 'int32':
      return new Int32Array(buffer, offset, count);
    case 'uint32':
      return new Uint32Array(buffer, offset, count);
    case 'float32':
      return new Float32Array(buffer, offset, count);
    case 'float64':
      return new Float64Array(buffer, offset, count);
  }
}

/**
 * @param raw exactly count * dt.bytes bytes; it is never modified (a copy is swapped when the
 *   byte order differs from the host's or the bytes are misaligned for the element type).
 * @param slope null for unscaled data
 * @returns a fresh Float32Array that shares no memory with `raw`
 */
export function decodeVoxels(raw: Uint8Array, dt: DatatypeInfo, count: number, littleEndian: boolean, slope: number | null, inter: number): Float32Array {
  let bytes = raw;
  const swap = littleEndian !== HOST_LITTLE_ENDIAN && dt.bytes > 1;
  if (swap || raw.byteOffset % dt.bytes !== 0) {
    bytes = raw.slice(0, count * dt.bytes);
    if (swap) swapBytes(bytes, dt.bytes);
  }
  const src = typedView(dt, bytes.buffer as ArrayBuffer, bytes.byteOffset, count);
  const out = new Float32Array(count);
  if (slope === null) {
    if (dt.name === 'float32') out.set(src as Float32Array);
    else for (let i = 0; i < count; i++) out[i] = src[i]!;
  } else {
    for (let i = 0; i < count; i++) out[i] = src[i]! * slope + inter;
  }
  return out;
}
