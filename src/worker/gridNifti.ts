/**
 * A deliberately tiny NIfTI-1 reader for the page's own assets (atlas labels, template),
 * which are produced on the model grid. The full reader with size guards, NIfTI-2 and
 * resampling lives in src/core/nifti; this one only needs: gunzip, header, voxels.
 */
import { gunzipSync } from 'fflate';

export interface TinyNifti {
  dims: [number, number, number];
  /** Voxel values after scl_slope/scl_inter, as float32. */
  data: Float32Array;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function maybeGunzip(bytes: Uint8Array): Uint8Array {
  return isGzip(bytes) ? gunzipSync(bytes) : bytes;
}

/** Returns 'le' / 'be' for a NIfTI-1 header, 'nifti2' for NIfTI-2, null when not NIfTI. */
export function niftiKind(raw: Uint8Array): 'le' | 'be' | 'nifti2' | null {
  if (raw.length < 348) return null;
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (dv.getInt32(0, true) === 348) return 'le';
  if (dv.getInt32(0, false) === 348) return 'be';
  if (dv.getInt32(0, true) === 540 || dv.getInt32(0, false) === 540) return 'nifti2';
  return null;
}

/** Parses a NIfTI-1 image (gzipped or not); throws Error with a one-sentence message. */
export function readTinyNifti(bytes: Uint8Array): TinyNifti {
  const raw = maybeGunzip(bytes);
  const kind = niftiKind(raw);
  if (kind === null || kind === 'nifti2') throw new Error('not a NIfTI-1 image');
  const le = kind === 'le';
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const dims: [number, number, number] = [dv.getInt16(42, le), dv.getInt16(44, le), dv.getInt16(46, le)];
  const datatype = dv.getInt16(70, le);
  const offset = Math.max(352, Math.round(dv.getFloat32(108, le)));
  let slope = dv.getFloat32(112, le);
  const inter = dv.getFloat32(116, le);
  if (!Number.isFinite(slope) || slope === 0) slope = 1;
  const n = dims[0] * dims[1] * dims[2];
  const reader = voxelReader(dv, datatype, le);
  if (!reader) throw new Error(`unsupported NIfTI datatype ${datatype}`);
  if (offset + n * reader.size > raw.byteLength) throw new Error('the NIfTI file is truncated');
  const data = new Float32Array(n);
  for (let v = 0; v < n; v++) data[v] = reader.get(offset + v * reader.size) * slope + (Number.isFinite(inter) ? inter : 0);
  return { dims, data };
}

function voxelReader(dv: DataView, datatype: number, le: boolean): { size: number; get: (at: number) => number } | null {
  switch (datatype) {
    case 2: return { size: 1, get: (a) => dv.getUint8(a) };
    case 256: return { size: 1, get: (a) => dv.getInt8(a) };
    case 4: return { size: 2, get: (a) => dv.getInt16(a, le) };
    case 512: return { size: 2, get: (a) => dv.getUint16(a, le) };
    case 8: return { size: 4, get: (a) => dv.getInt32(a, le) };
    case 16: return { size: 4, get: (a) => dv.getFloat32(a, le) };
    case 64: return { size: 8, get: (a) => dv.getFloat64(a, le) };
    default: return null;
  }
}
