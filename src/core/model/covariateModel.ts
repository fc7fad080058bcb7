/**
 * A model's own covariate model (the paper's "resmodel": inputs are residuals after regressing out
 * age, sex, TIV and field strength voxel-wise; docs/model-grid.md).
 *
 * A model asks for it in model.json:
 *
 *   "userDefinedMetadata": { "residualize": true, "covariateModel": "covariates.bin" }
 *
 * `covariateModel` is either
 *  - one binary file: the five coefficient maps b0, b1, b2, b3, b4 back to back, each on the CAT12
 *    grid (121 x 145 x 121, index i + 121 (j + 145 k)), little-endian float32 or float16 (told by
 *    the size, or by "covariateModelDtype"), the file gzip-compressed or not (training writes
 *    covariates.bin.gz: the maps are zero outside the brain, 21 MB shrink to ~6 MB); with
 *    "covariateModelStep": 2 the maps are kept on every 2nd voxel of the grid (61 x 73 x 61) and
 *    interpolated onto it (volume/coarseGrid.ts: coefficient maps are smooth; ~0.9 MB), or
 *  - an object { "b0": "b0.nii.gz", ..., "b4": "b4.nii.gz" } of five NIfTI maps on the grid.
 * Paths are relative to model.json. Pure: the host supplies the bytes (fetch, files, tests).
 */
import { InputError } from '../errors';
import { readNifti } from '../nifti';
import { GzipPrefixReader, isGzip } from '../nifti/gunzip';
import { float16Bits, halfToFloat } from './float16';
import { coarseDims, upsampleLinear } from '../volume/coarseGrid';
import type { CovariateModel } from '../analysis/residualize';

export const COEFFICIENT_NAMES = ['b0', 'b1', 'b2', 'b3', 'b4'] as const;
export type CoefficientName = (typeof COEFFICIENT_NAMES)[number];

export type CovariateModelSpec =
  { kind: 'binary'; path: string; dtype?: 'float32' | 'float16'; step?: number } | { kind: 'nifti'; paths: Record<CoefficientName, string> };

/**
 * What a model's userDefinedMetadata asks for: null when it takes raw gray-matter maps.
 * Throws InputError when it asks for residualization but does not say where the maps are.
 */
export function covariateModelSpec(metadata: unknown): CovariateModelSpec | null {
  if (!metadata || typeof metadata !== 'object') return null;
  const m = metadata as Record<string, unknown>;
  if (m.residualize !== true) return null;
  const where = m.covariateModel;
  const dtype = m.covariateModelDtype;
  if (dtype !== undefined && dtype !== 'float32' && dtype !== 'float16') {
    throw new InputError(`model.json: covariateModelDtype must be "float32" or "float16", not ${JSON.stringify(dtype)}.`);
  }
  const step = m.covariateModelStep;
  if (step !== undefined && !(typeof step === 'number' && Number.isInteger(step) && step >= 1 && step <= 8)) {
    throw new InputError(`model.json: covariateModelStep must be a whole number from 1 to 8, not ${JSON.stringify(step)}.`);
  }
  if (typeof where === 'string' && where.length > 0) return { kind: 'binary', path: where, dtype, ...(step !== undefined && step !== 1 ? { step } : {}) };
  if (step !== undefined && step !== 1)
    throw new InputError('model.json: covariateModelStep applies to one binary covariateModel file, not to NIfTI maps (those are on the grid).');
  if (where && typeof where === 'object') {
    const o = where as Record<string, unknown>;
    const paths = {} as Record<CoefficientName, string>;
    for (const b of COEFFICIENT_NAMES) {
      const p = o[b];
      if (typeof p !== 'string' || !p) throw new InputError(`model.json: covariateModel lacks the file of coefficient map ${b}; give b0..b4.`);
      paths[b] = p;
    }
    return { kind: 'nifti', paths };
  }
  throw new InputError('model.json asks for residualization but names no covariateModel file; add "covariateModel": "<file>" next to "residualize".');
}

/** Five maps of `voxels` values each, back to back, float32 or float16 little-endian, optionally gzipped. */
export function decodeCovariateBinary(file: Uint8Array, voxels: number, dtype?: 'float32' | 'float16'): CovariateModel {
  // gunzip at most one byte more than the float32 maps need: a longer stream is refused below by
  // its size, and a small file cannot make us decode more than that (decompression bombs)
  const bytes =
    isGzip(file) && file.length !== 5 * voxels * 2 && file.length !== 5 * voxels * 4 ? new GzipPrefixReader(file).readPrefix(5 * voxels * 4 + 1) : file;
  const kind = dtype ?? (bytes.length === 5 * voxels * 4 ? 'float32' : bytes.length === 5 * voxels * 2 ? 'float16' : null);
  const expected = kind === 'float16' ? 5 * voxels * 2 : 5 * voxels * 4;
  if (!kind || bytes.length !== expected) {
    throw new InputError(
      `The covariate model file has ${bytes.length} bytes; five maps of ${voxels} voxels need ${5 * voxels * 4} (float32) or ${5 * voxels * 2} (float16).`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const maps = COEFFICIENT_NAMES.map(() => new Float32Array(voxels));
  for (let m = 0; m < 5; m++) {
    const out = maps[m];
    if (kind === 'float32') for (let v = 0; v < voxels; v++) out[v] = view.getFloat32((m * voxels + v) * 4, true);
    else for (let v = 0; v < voxels; v++) out[v] = halfToFloat(view.getUint16((m * voxels + v) * 2, true));
  }
  const [b0, b1, b2, b3, b4] = maps;
  return { b0, b1, b2, b3, b4 };
}

/** The binary file decodeCovariateBinary reads: b0..b4 back to back, little-endian (what training writes). */
export function encodeCovariateBinary(model: CovariateModel, dtype: 'float32' | 'float16'): Uint8Array {
  const maps = COEFFICIENT_NAMES.map((b) => model[b]);
  const voxels = maps[0].length;
  if (maps.some((m) => m.length !== voxels)) throw new RangeError('encodeCovariateBinary: the five maps differ in size');
  const width = dtype === 'float16' ? 2 : 4;
  const bytes = new Uint8Array(5 * voxels * width);
  const view = new DataView(bytes.buffer);
  maps.forEach((m, k) => {
    for (let v = 0; v < voxels; v++) {
      const o = (k * voxels + v) * width;
      if (dtype === 'float16') view.setUint16(o, float16Bits(m[v]), true);
      else view.setFloat32(o, m[v], true);
    }
  });
  return bytes;
}

/** Five NIfTI maps, each exactly on the grid (same shape; the affine is the reader's business). */
export function decodeCovariateNifti(files: Record<CoefficientName, Uint8Array>, dims: readonly [number, number, number]): CovariateModel {
  const out = {} as CovariateModel;
  for (const b of COEFFICIENT_NAMES) {
    const img = readNifti(files[b]);
    const d = img.volume.dims;
    if (d[0] !== dims[0] || d[1] !== dims[1] || d[2] !== dims[2]) {
      throw new InputError(`Covariate map ${b} is ${d.join('x')}; it must be on the model grid (${dims.join('x')}).`);
    }
    out[b] = img.volume.data;
  }
  return out;
}

/** Loads what a spec names through `read` (relative path -> bytes). */
export async function loadCovariateModel(
  spec: CovariateModelSpec,
  read: (path: string) => Promise<Uint8Array>,
  dims: readonly [number, number, number],
): Promise<CovariateModel> {
  if (spec.kind === 'binary') {
    const step = spec.step ?? 1;
    const stored = coarseDims(dims, step);
    const maps = decodeCovariateBinary(await read(spec.path), stored[0] * stored[1] * stored[2], spec.dtype);
    return step === 1 ? maps : upsampleCovariateModel(maps, dims, step);
  }
  const entries = await Promise.all(COEFFICIENT_NAMES.map(async (b) => [b, await read(spec.paths[b])] as const));
  return decodeCovariateNifti(Object.fromEntries(entries) as Record<CoefficientName, Uint8Array>, dims);
}

/** A covariate model kept on every `step`-th voxel, interpolated onto the grid (what the network gets). */
export function upsampleCovariateModel(coarse: CovariateModel, dims: readonly [number, number, number], step: number): CovariateModel {
  const out = {} as CovariateModel;
  for (const b of COEFFICIENT_NAMES) out[b] = upsampleLinear(coarse[b], dims, step);
  return out;
}
