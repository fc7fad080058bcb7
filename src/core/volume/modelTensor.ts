/**
 * The mapping between the CAT12 grid (121 x 145 x 121) and the model's input tensor
 * [1, 100, 100, 120, 1] (docs/model-grid.md): crop i in [10,110), j in [13,133), k in [5,105),
 * reorder to (k, i, j), reverse all three axes. So model [a, s, c] = grid (109 - s, 132 - c, 104 - a):
 * a runs superior -> inferior, s runs left (x = -73.5) -> right (x = +75), c anterior -> posterior.
 */
import { InputError } from '../errors';
import { CAT12_GRID, isOnGrid } from './grid';
import type { Volume } from './types';

/** The model's input volume [a, s, c]: the one place the shape is written (everything else derives from it). */
export const MODEL_INPUT_DIMS = [100, 100, 120] as const;
/** With batch and channel axes, channels last. */
export const MODEL_INPUT_SHAPE = [1, ...MODEL_INPUT_DIMS, 1] as const;
const [NA, NS, NC] = MODEL_INPUT_DIMS;
export const MODEL_TENSOR_LENGTH = NA * NS * NC;

const [GX, GY, GZ] = CAT12_GRID.dims;
const GRID_LENGTH = GX * GY * GZ;

/** Grid voxel (i, j, k) held by model index [a, s, c]. */
export function modelIndexToGridVoxel(a: number, s: number, c: number): [number, number, number] {
  return [109 - s, 132 - c, 104 - a];
}

/**
 * Grid index of model value [a, s, 0]. Along c the model walks j from 132 down to 13, so each
 * next c is one grid row (GX) back: the copy loops step g -= GX.
 */
function gridRowStart(a: number, s: number): number {
  const [i, j, k] = modelIndexToGridVoxel(a, s, 0);
  return i + GX * (j + GY * k);
}

/**
 * Crop and reorder a grid volume into the model's flat input (NaN -> 0).
 * A Volume must be on the CAT12 grid (resample first); a bare array must have 121*145*121 values.
 */
export function gridToModelTensor(grid: Volume<Float32Array> | Float32Array): Float32Array {
  let data: Float32Array;
  if (grid instanceof Float32Array) {
    data = grid;
  } else {
    if (!isOnGrid(grid)) {
      throw new InputError('The image is not on the CAT12 1.5 mm MNI grid (121x145x121); resample it onto the grid first.');
    }
    data = grid.data;
  }
  if (data.length !== GRID_LENGTH) {
    throw new Error(`grid data must have ${GRID_LENGTH} values (121x145x121), got ${data.length}`);
  }
  const out = new Float32Array(MODEL_TENSOR_LENGTH);
  let o = 0;
  for (let a = 0; a < NA; a++) {
    for (let s = 0; s < NS; s++) {
      let g = gridRowStart(a, s);
      for (let c = 0; c < NC; c++, o++, g -= GX) {
        const v = data[g]!;
        out[o] = v === v ? v : 0; // NaN -> 0
      }
    }
  }
  return out;
}

/** Inverse of gridToModelTensor: a full CAT12-grid volume, zeros outside the crop. */
export function modelTensorToGrid(t: Float32Array): Volume<Float32Array> {
  if (t.length !== MODEL_TENSOR_LENGTH) {
    throw new Error(`model tensor must have ${MODEL_TENSOR_LENGTH} values (100x100x120), got ${t.length}`);
  }
  const data = new Float32Array(GRID_LENGTH);
  let o = 0;
  for (let a = 0; a < NA; a++) {
    for (let s = 0; s < NS; s++) {
      let g = gridRowStart(a, s);
      for (let c = 0; c < NC; c++, o++, g -= GX) data[g] = t[o]!;
    }
  }
  return { dims: [GX, GY, GZ], data, affine: Array.from(CAT12_GRID.affine) };
}
