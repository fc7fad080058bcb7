/**
 * readNifti: bytes of a .nii or .nii.gz file -> the first 3D volume as float32 (scaling
 * applied) with its voxel -> world affine. Every size is checked against the header and the
 * limits before anything large is allocated or inflated; every refusal is an InputError
 * whose message is one sentence saying what is wrong and what to do.
 */
import { InputError } from '../errors';
import { niftiMessage } from './texts';
import type { Message } from '../messages';
import type { Mat4, Volume } from '../volume/types';
import { datatypeByCode, describeUnsupportedDatatype, type NiftiDatatypeName } from './datatypes';
import { decodeVoxels } from './decode';
import { GzipPrefixReader, isGzip } from './gunzip';
import { HEADER_PROBE_BYTES, parseNiftiHeader, sniffNifti, type RawNiftiHeader } from './header';
import { columnNorms, det3, linearPart } from './linalg3';
import { qformToAffine } from './qform';
import { guessOtherFormat } from './sniff';

export interface NiftiLimits {
  /** Most voxels in the (first) 3D volume. Default 512**3. */
  maxVoxels: number;
  /** Most bytes of raw voxel data to decode (and, for .nii.gz, to inflate). Default 1 GiB. */
  maxDecodedBytes: number;
}

export const DEFAULT_NIFTI_LIMITS: NiftiLimits = { maxVoxels: 512 ** 3, maxDecodedBytes: 1024 ** 3 };

export type AffineSource = 'sform' | 'qform';

export interface NiftiHeaderInfo {
  version: 1 | 2;
  datatype: NiftiDatatypeName;
  littleEndian: boolean;
  gzipped: boolean;
  /** The header's dim[0..7] as stored (dim[0] = number of dimensions in use). */
  dims: number[];
  /** The header's pixdim[0..7] as stored (pixdim[0] = qfac). */
  pixdim: number[];
  /** Voxel size in mm along i, j, k: the column norms of the affine in use. */
  voxelSize: [number, number, number];
  /** As stored; see NiftiImage.volume for the values with scaling applied. */
  sclSlope: number;
  sclInter: number;
  /** Whether the stored values are scaled: slope finite, non-zero, and not the identity (1, 0). */
  scaled: boolean;
  sformCode: number;
  qformCode: number;
  affineSource: AffineSource;
  /** The sform and qform affines when their codes are > 0, else null. */
  sform: Mat4 | null;
  qform: Mat4 | null;
  description: string;
  /** Number of 3D volumes (product of dim[4..dim[0]]); only the first is read. */
  nVolumes: number;
  voxOffset: number;
}

export interface NiftiImage {
  volume: Volume<Float32Array>;
  header: NiftiHeaderInfo;
  /** Things the user should know that do not prevent reading (4D, NaN voxels, ...). */
  notices: Message[];
}

const DATATYPE_HELP = 'convert the image to a scalar type (e.g. float32) first';

/** What the header says about the first volume, checked against the limits; nothing decoded yet. */
interface ReadPlan {
  raw: RawNiftiHeader;
  shape: [number, number, number];
  nVolumes: number;
  dt: NonNullable<ReturnType<typeof datatypeByCode>>;
  count: number;
  dataBytes: number;
  voxOffset: number;
  notices: Message[];
}

/**
 * How many leading bytes of an uncompressed NIfTI file the reader needs (header and first
 * volume), from the file's first HEADER_PROBE_BYTES bytes (or all of it, if shorter). Throws
 * the reader's InputError when the header alone shows the file cannot be read (not NIfTI, too
 * large, ...), so a host can refuse a huge file, or read only its first volume, without
 * loading the rest. `head` may be inflated .nii.gz bytes.
 */
export function niftiFirstVolumeEnd(head: Uint8Array, limits?: Partial<NiftiLimits>): number {
  const plan = planRead(head, head, false, { ...DEFAULT_NIFTI_LIMITS, ...limits });
  return plan.voxOffset + plan.dataBytes;
}

function planRead(head: Uint8Array, input: Uint8Array, gzipped: boolean, lim: NiftiLimits): ReadPlan {
  if (!sniffNifti(head)) {
    const other = gzipped ? null : guessOtherFormat(input);
    if (!other) throw new InputError(niftiMessage('nifti.notNifti'));
    throw new InputError(`The file is not a NIfTI image (it looks like ${other}); provide a single-file NIfTI image (.nii or .nii.gz).`);
  }
  const raw = parseNiftiHeader(head);
  const notices: Message[] = [];

  const { shape, nVolumes } = checkDims(raw.dims);
  const dt = datatypeByCode(raw.datatypeCode);
  if (!dt) {
    throw new InputError(
      `The image's datatype is ${describeUnsupportedDatatype(raw.datatypeCode)}, which cannot be read as a scalar volume; ${DATATYPE_HELP}.`,
    );
  }
  const count = shape[0] * shape[1] * shape[2];
  if (count > lim.maxVoxels) {
    throw new InputError(`The image has ${shape.join(' x ')} voxels, more than the limit of ${lim.maxVoxels} voxels per volume; crop or downsample it first.`);
  }
  const dataBytes = count * dt.bytes;
  if (dataBytes > lim.maxDecodedBytes) {
    throw new InputError(
      `The image's first volume needs ${dataBytes} bytes, more than the limit of ${lim.maxDecodedBytes} bytes; crop, downsample or convert it to a smaller datatype first.`,
    );
  }
  const voxOffset = checkVoxOffset(raw, notices);
  if (nVolumes > 1) notices.push(niftiMessage('nifti.fourD', { volumes: nVolumes }));
  return { raw, shape, nVolumes, dt, count, dataBytes, voxOffset, notices };
}

export function readNifti(bytes: Uint8Array | ArrayBuffer, limits?: Partial<NiftiLimits>): NiftiImage {
  const lim: NiftiLimits = { ...DEFAULT_NIFTI_LIMITS, ...limits };
  const input = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const gzipped = isGzip(input);
  const gunzip = gzipped ? new GzipPrefixReader(input) : null;
  const head = gunzip ? gunzip.readPrefix(HEADER_PROBE_BYTES) : input;
  const { raw, shape, nVolumes, dt, count, dataBytes, voxOffset, notices } = planRead(head, input, gzipped, lim);

  // The transform is checked before any voxel data is touched.
  const sform = raw.sformCode > 0 ? sformAffine(raw) : null;
  const qform = raw.qformCode > 0 ? qformAffineOf(raw) : null;
  const affineSource: AffineSource | null = sform ? 'sform' : qform ? 'qform' : null;
  if (!affineSource) {
    throw new InputError(
      'The file has neither an sform nor a qform (both codes are 0), so where its voxels lie in space is unknown; save it with its orientation set (e.g. by SPM, FSL or nibabel) and try again.',
    );
  }
  const affine = (sform ?? qform)!;
  checkAffine(affine, affineSource);
  if (sform && qform && maxAbsDiff(sform, qform) > 1e-3) {
    notices.push(niftiMessage('nifti.sformQform'));
  }

  // Only the first volume is decoded (for .nii.gz: inflated); anything after it is never read.
  const needed = voxOffset + dataBytes;
  const file = gunzip ? gunzip.readPrefix(needed, head) : input;
  if (file.length < needed) {
    throw new InputError(
      `The file is truncated: its header describes ${dataBytes} bytes of voxel data from byte ${voxOffset} but the ${gzipped ? 'decompressed ' : ''}file has only ${Math.max(0, file.length - voxOffset)}; re-export or re-download the file.`,
    );
  }

  const { slope, inter } = scaling(raw, notices);
  const data = decodeVoxels(file.subarray(voxOffset, needed), dt, count, raw.littleEndian, slope, inter);

  countNaN(data, notices);

  return {
    volume: { dims: shape, data, affine },
    header: {
      version: raw.version,
      datatype: dt.name,
      littleEndian: raw.littleEndian,
      gzipped,
      dims: raw.dims,
      pixdim: raw.pixdim,
      voxelSize: columnNorms(linearPart(affine)),
      sclSlope: raw.sclSlope,
      sclInter: raw.sclInter,
      scaled: slope !== null,
      sformCode: raw.sformCode,
      qformCode: raw.qformCode,
      affineSource,
      sform,
      qform,
      description: raw.description,
      nVolumes,
      voxOffset,
    },
    notices,
  };
}

function checkDims(dims: number[]): { shape: [number, number, number]; nVolumes: number } {
  const nd = dims[0]!;
  if (!(nd >= 1 && nd <= 7)) {
    throw new InputError(`The header's number of dimensions (dim[0] = ${nd}) is invalid; the file is damaged or not a NIfTI image.`);
  }
  const used = dims.slice(1, nd + 1);
  if (used.some((d) => !(d >= 1))) {
    throw new InputError(`The header gives a zero or negative image size (${used.join(' x ')}); the file is damaged, re-export it.`);
  }
  const shape: [number, number, number] = [used[0] ?? 1, used[1] ?? 1, used[2] ?? 1];
  if (shape.some((d) => d === 1)) {
    throw new InputError(`The image is not a 3D volume (${used.join(' x ')} voxels); provide a 3D brain scan.`);
  }
  let nVolumes = 1;
  for (const d of used.slice(3)) nVolumes *= d;
  return { shape, nVolumes };
}

function checkVoxOffset(raw: RawNiftiHeader, notices: Message[]): number {
  const v = raw.voxOffset;
  if (!Number.isFinite(v) || v < 0 || !Number.isInteger(v) || v > Number.MAX_SAFE_INTEGER) {
    throw new InputError(`The header's data offset (vox_offset = ${v}) is invalid; the file is damaged, re-export it.`);
  }
  // A single file needs the header plus 4 extension-flag bytes before the data.
  const minimum = raw.headerSize + 4;
  if (v < minimum) {
    notices.push(niftiMessage('nifti.voxOffset', { offset: v, minimum }));
    return minimum;
  }
  return v;
}

function scaling(raw: RawNiftiHeader, notices: Message[]): { slope: number | null; inter: number } {
  const s = raw.sclSlope;
  if (s === 0 || !Number.isFinite(s)) return { slope: null, inter: 0 };
  if (s === 1 && raw.sclInter === 0) return { slope: null, inter: 0 }; // identity: nothing to apply
  if (!Number.isFinite(raw.sclInter)) {
    notices.push(niftiMessage('nifti.sclInter', { value: String(raw.sclInter) }));
    return { slope: s, inter: 0 };
  }
  return { slope: s, inter: raw.sclInter };
}

function sformAffine(raw: RawNiftiHeader): number[] {
  return [...raw.srow, 0, 0, 0, 1];
}

function qformAffineOf(raw: RawNiftiHeader): number[] {
  return qformToAffine({
    quaternB: raw.quatern[0],
    quaternC: raw.quatern[1],
    quaternD: raw.quatern[2],
    qoffset: raw.qoffset,
    pixdim: [raw.pixdim[1]!, raw.pixdim[2]!, raw.pixdim[3]!],
    qfac: raw.pixdim[0]!,
  });
}

function checkAffine(affine: Mat4, source: AffineSource): void {
  const lin = linearPart(affine);
  const norms = columnNorms(lin);
  const scale = norms[0] * norms[1] * norms[2];
  // |det| <= product of column norms (Hadamard), so this ratio is a scale-free measure of
  // how far from flat the voxel grid is.
  const flat = !(scale > 0) || !(Math.abs(det3(lin)) > 1e-6 * scale);
  if (affine.some((x) => !Number.isFinite(x)) || flat) {
    throw new InputError(
      `The file's ${source} affine is singular or not finite, so voxel positions cannot be computed; fix the orientation (e.g. by re-saving it in SPM, FSL or nibabel) and try again.`,
    );
  }
}

function maxAbsDiff(a: Mat4, b: Mat4): number {
  let m = 0;
  for (let i = 0; i < 16; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function countNaN(data: Float32Array, notices: Message[]): void {
  let nan = 0;
  for (let i = 0; i < data.length; i++) if (data[i] !== data[i]) nan++;
  if (nan === data.length) {
    throw new InputError(niftiMessage('nifti.allNan'));
  }
  if (nan > 0) notices.push(niftiMessage('nifti.someNan', { nan, total: data.length }));
}
