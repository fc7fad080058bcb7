/**
 * writeNifti: a Volume -> a single-file NIfTI-1 image (.nii, or .nii.gz bytes with gzip),
 * little-endian, data at byte 352, both sform and qform set with code 2 ("aligned").
 *
 * The sform holds the affine exactly (as float32). The qform can only express rotation,
 * voxel size and a k-flip: for an affine with shears it is the closest rigid approximation
 * (same method as nibabel's set_qform), and readers that follow the standard use the sform.
 * Spatial units are millimetres.
 */
import { gzipSync } from 'fflate';
import type { Volume } from '../volume/types';
import { datatypeByName } from './datatypes';
import { affineToQform } from './qform';

export interface WriteNiftiOptions {
  datatype: 'float32' | 'uint8' | 'int16';
  gzip?: boolean;
  /**
   * uint8 and int16: stored value q means q * sclSlope + sclInter. Both default to a mapping of the
   * data's finite range onto 0..255 (uint8) or of its largest magnitude onto 32000 (int16, intercept 0,
   * as scanners write it). Values are quantized with rounding and clamped to the type's range;
   * NaN is stored as the code nearest to 0. float32 data is stored as is (slope 1, inter 0).
   */
  sclSlope?: number;
  sclInter?: number;
  /** Up to 79 ASCII characters (others become '?'). */
  description?: string;
  /**
   * Longer provenance (e.g. the models a mean map averages), as a NIfTI-1 header extension of code 6
   * ("comment", UTF-8, NUL-padded to a multiple of 16 bytes): readers that know no extensions skip it
   * by vox_offset.
   */
  comment?: string;
}

/** NIfTI-1 extension code of a free-text comment. */
export const NIFTI_ECODE_COMMENT = 6;

const HEADER_SIZE = 348;
const VOX_OFFSET = 352;
const XFORM_ALIGNED = 2;
const UNITS_MM = 2;

export function writeNifti(volume: Volume, options: WriteNiftiOptions): Uint8Array {
  const [nx, ny, nz] = volume.dims;
  const count = nx * ny * nz;
  if (volume.data.length !== count) {
    throw new RangeError(`writeNifti: data has ${volume.data.length} values but dims ${nx}x${ny}x${nz} need ${count}`);
  }
  if (volume.dims.some((d) => !Number.isInteger(d) || d < 1 || d > 32767)) {
    throw new RangeError(`writeNifti: dims ${volume.dims.join('x')} do not fit a NIfTI-1 header (1..32767)`);
  }
  if (volume.affine.length !== 16 || volume.affine.some((x) => !Number.isFinite(x))) {
    throw new RangeError('writeNifti: the affine must be 16 finite numbers');
  }
  const dt = datatypeByName(options.datatype);
  const { slope, inter } = chooseScaling(volume, options);

  const extension = options.comment ? commentExtension(options.comment) : new Uint8Array(0);
  const dataOffset = VOX_OFFSET + extension.length;
  const out = new Uint8Array(dataOffset + count * dt.bytes);
  const view = new DataView(out.buffer);
  writeHeader(view, out, volume, dt.code, dt.bytes * 8, slope, inter, options.description ?? '', dataOffset);
  if (extension.length) {
    out[348] = 1; // extension flag
    out.set(extension, VOX_OFFSET);
  }

  if (options.datatype === 'float32') {
    const dst = new Float32Array(out.buffer, dataOffset, count);
    dst.set(volume.data); // converts other element types to float32 (round to nearest)
    if (!HOST_LITTLE_ENDIAN) for (let i = 0; i < count; i++) view.setFloat32(dataOffset + 4 * i, dst[i]!, true);
  } else if (options.datatype === 'int16') {
    const q = new Int16Array(count);
    quantize(volume.data, q, slope, inter, -32768, 32767);
    for (let i = 0; i < count; i++) view.setInt16(dataOffset + 2 * i, q[i]!, true);
  } else {
    quantize(volume.data, out.subarray(dataOffset), slope, inter, 0, 255);
  }
  return options.gzip ? gzipSync(out, { level: 6, mtime: 0 }) : out;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** One extension: esize (int32, a multiple of 16, its 8 header bytes included), ecode, the text. */
function commentExtension(text: string): Uint8Array {
  const body = new TextEncoder().encode(text);
  const size = Math.ceil((8 + body.length) / 16) * 16;
  const ext = new Uint8Array(size);
  const v = new DataView(ext.buffer);
  v.setInt32(0, size, true);
  v.setInt32(4, NIFTI_ECODE_COMMENT, true);
  ext.set(body, 8);
  return ext;
}

function chooseScaling(volume: Volume, options: WriteNiftiOptions): { slope: number; inter: number } {
  if (options.datatype === 'float32') {
    if ((options.sclSlope ?? 1) !== 1 || (options.sclInter ?? 0) !== 0) {
      throw new RangeError('writeNifti: sclSlope/sclInter apply to uint8 and int16 only; float32 data is stored unscaled');
    }
    return { slope: 1, inter: 0 };
  }
  let slope = options.sclSlope;
  let inter = options.sclInter;
  if (slope === undefined || inter === undefined) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of volume.data) {
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (lo > hi) lo = hi = 0;
    if (options.datatype === 'int16') {
      inter ??= 0;
      const big = Math.max(Math.abs(lo - inter), Math.abs(hi - inter));
      slope ??= big > 0 ? big / 32000 : 1;
    } else {
      inter ??= lo;
      slope ??= hi > lo ? (hi - inter) / 255 : 1;
    }
  }
  if (!Number.isFinite(slope) || slope === 0 || !Number.isFinite(inter)) {
    throw new RangeError(`writeNifti: uint8 scaling needs a finite non-zero slope and a finite intercept (got ${slope}, ${inter})`);
  }
  // The header stores float32: quantize with exactly the values a reader will see.
  return { slope: Math.fround(slope), inter: Math.fround(inter) };
}

function quantize(src: ArrayLike<number>, dst: Uint8Array | Int16Array, slope: number, inter: number, lo: number, hi: number): void {
  const clamp = (q: number) => (q < lo ? lo : q > hi ? hi : q);
  const nanCode = clamp(Math.round((0 - inter) / slope));
  for (let i = 0; i < dst.length; i++) {
    const v = src[i]!;
    dst[i] = v === v ? clamp(Math.round((v - inter) / slope)) : nanCode;
  }
}

function writeHeader(
  v: DataView,
  bytes: Uint8Array,
  volume: Volume,
  datatypeCode: number,
  bitpix: number,
  slope: number,
  inter: number,
  description: string,
  voxOffset: number,
): void {
  const le = true;
  const q = affineToQform(volume.affine);
  v.setInt32(0, HEADER_SIZE, le);
  const dim = [3, ...volume.dims, 1, 1, 1, 1];
  dim.forEach((d, i) => v.setInt16(40 + 2 * i, d, le));
  v.setInt16(70, datatypeCode, le);
  v.setInt16(72, bitpix, le);
  const pixdim = [q.qfac, ...q.pixdim, 1, 1, 1, 1];
  pixdim.forEach((p, i) => v.setFloat32(76 + 4 * i, p, le));
  v.setFloat32(108, voxOffset, le);
  v.setFloat32(112, slope, le);
  v.setFloat32(116, inter, le);
  v.setUint8(123, UNITS_MM);
  for (let i = 0; i < Math.min(description.length, 79); i++) {
    const c = description.charCodeAt(i);
    bytes[148 + i] = c >= 32 && c < 127 ? c : 63; // '?'
  }
  v.setInt16(252, XFORM_ALIGNED, le);
  v.setInt16(254, XFORM_ALIGNED, le);
  [q.quaternB, q.quaternC, q.quaternD, ...q.qoffset].forEach((x, i) => v.setFloat32(256 + 4 * i, x, le));
  for (let i = 0; i < 12; i++) v.setFloat32(280 + 4 * i, volume.affine[i]!, le);
  bytes.set([0x6e, 0x2b, 0x31, 0x00], 344); // "n+1\0"
  // bytes 348..351: extension flag (set by the caller when there is an extension); the data follows at voxOffset.
}
