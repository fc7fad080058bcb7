/**
 * Parses the fixed part of a NIfTI-1 (348 bytes) or NIfTI-2 (540 bytes) header in either byte
 * order into plain numbers. Validation of the values (dims, datatype, transforms) is left to
 * the reader; this module only refuses bytes that are not a single-file NIfTI header.
 *
 * Why not nifti-reader-js here: its NIfTI-1 reader keeps the srow only when sform_code >=
 * qform_code (we need sform whenever sform_code > 0), it reads big-endian 64-bit fields
 * of NIfTI-2 incorrectly, and it throws on malformed extensions we do not need. The field
 * offsets below are those of nifti1.h and nifti2.h.
 */
import { InputError } from '../errors';
import { niftiMessage } from './texts';

export interface RawNiftiHeader {
  version: 1 | 2;
  littleEndian: boolean;
  /** dim[0..7]: dim[0] is the number of dimensions in use. */
  dims: number[];
  datatypeCode: number;
  bitpix: number;
  /** pixdim[0..7]: pixdim[0] is qfac. */
  pixdim: number[];
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  xyztUnits: number;
  description: string;
  qformCode: number;
  sformCode: number;
  quatern: [number, number, number];
  qoffset: [number, number, number];
  /** srow_x, srow_y, srow_z: the first three rows of the sform affine. */
  srow: number[];
  /** Size of the fixed header: 348 or 540. */
  headerSize: number;
}

export const NIFTI1_HEADER_SIZE = 348;
export const NIFTI2_HEADER_SIZE = 540;
/** Enough leading bytes to identify and parse either version. */
export const HEADER_PROBE_BYTES = NIFTI2_HEADER_SIZE;

function text(bytes: Uint8Array, start: number, length: number): string {
  let s = '';
  for (let i = start; i < start + length; i++) {
    const ch = bytes[i]!;
    if (ch === 0) break;
    s += String.fromCharCode(ch);
  }
  return s;
}

/** Which NIfTI version and byte order the first four bytes (sizeof_hdr) announce, if any. */
export function sniffNifti(bytes: Uint8Array): { version: 1 | 2; littleEndian: boolean } | null {
  if (bytes.length < 4) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
  for (const littleEndian of [true, false]) {
    const size = view.getInt32(0, littleEndian);
    if (size === NIFTI1_HEADER_SIZE) return { version: 1, littleEndian };
    if (size === NIFTI2_HEADER_SIZE) return { version: 2, littleEndian };
  }
  return null;
}

export function parseNiftiHeader(bytes: Uint8Array): RawNiftiHeader {
  const kind = sniffNifti(bytes);
  if (!kind) {
    throw new InputError(niftiMessage('nifti.notNifti'));
  }
  const size = kind.version === 1 ? NIFTI1_HEADER_SIZE : NIFTI2_HEADER_SIZE;
  if (bytes.length < size) {
    throw new InputError(niftiMessage('nifti.truncatedHeader', { size, version: kind.version }));
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, size);
  const le = kind.littleEndian;
  return kind.version === 1 ? parseV1(bytes, v, le) : parseV2(bytes, v, le);
}

function checkMagic(magic: string, expected: string, pair: string, version: number): void {
  if (magic === expected) return;
  if (magic === pair) {
    throw new InputError(
      `The file is the header half of a NIfTI-${version} .hdr/.img pair, which is not supported; convert it to a single .nii file (e.g. with fslchfiletype or nibabel).`,
    );
  }
  throw new InputError(
    `The file has a NIfTI-${version}-sized header but not the NIfTI magic string (it may be an old ANALYZE 7.5 file); convert it to NIfTI (.nii).`,
  );
}

function parseV1(bytes: Uint8Array, v: DataView, le: boolean): RawNiftiHeader {
  checkMagic(text(bytes, 344, 4), 'n+1', 'ni1', 1);
  const f32 = (o: number) => v.getFloat32(o, le);
  const i16 = (o: number) => v.getInt16(o, le);
  return {
    version: 1,
    littleEndian: le,
    dims: Array.from({ length: 8 }, (_, i) => i16(40 + 2 * i)),
    datatypeCode: i16(70),
    bitpix: i16(72),
    pixdim: Array.from({ length: 8 }, (_, i) => f32(76 + 4 * i)),
    voxOffset: f32(108),
    sclSlope: f32(112),
    sclInter: f32(116),
    xyztUnits: v.getUint8(123),
    description: text(bytes, 148, 80),
    qformCode: i16(252),
    sformCode: i16(254),
    quatern: [f32(256), f32(260), f32(264)],
    qoffset: [f32(268), f32(272), f32(276)],
    srow: Array.from({ length: 12 }, (_, i) => f32(280 + 4 * i)),
    headerSize: NIFTI1_HEADER_SIZE,
  };
}

function parseV2(bytes: Uint8Array, v: DataView, le: boolean): RawNiftiHeader {
  checkMagic(text(bytes, 4, 4), 'n+2', 'ni2', 2);
  const f64 = (o: number) => v.getFloat64(o, le);
  const i32 = (o: number) => v.getInt32(o, le);
  // 64-bit integers beyond 2^53 are not meaningful sizes; Number() keeps them huge, so the
  // size checks downstream refuse them.
  const i64 = (o: number) => Number(v.getBigInt64(o, le));
  return {
    version: 2,
    littleEndian: le,
    dims: Array.from({ length: 8 }, (_, i) => i64(16 + 8 * i)),
    datatypeCode: v.getInt16(12, le),
    bitpix: v.getInt16(14, le),
    pixdim: Array.from({ length: 8 }, (_, i) => f64(104 + 8 * i)),
    voxOffset: i64(168),
    sclSlope: f64(176),
    sclInter: f64(184),
    xyztUnits: i32(500),
    description: text(bytes, 240, 80),
    qformCode: i32(344),
    sformCode: i32(348),
    quatern: [f64(352), f64(360), f64(368)],
    qoffset: [f64(376), f64(384), f64(392)],
    srow: Array.from({ length: 12 }, (_, i) => f64(400 + 8 * i)),
    headerSize: NIFTI2_HEADER_SIZE,
  };
}
