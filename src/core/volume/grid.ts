/**
 * The CAT12 / SPM 1.5 mm MNI grid that the model's input lives on (docs/model-grid.md):
 * 121 x 145 x 121 voxels, stored LAS: x = -1.5 i + 90, y = 1.5 j - 126, z = 1.5 k - 72.
 */
import { isClose } from './affine';
import type { Dims3, Mat4, Volume } from './types';

export interface Grid {
  readonly dims: Dims3;
  readonly affine: Mat4;
}

export const CAT12_GRID: { readonly dims: readonly [121, 145, 121]; readonly affine: Mat4 } = Object.freeze({
  dims: Object.freeze([121, 145, 121] as const),
  affine: Object.freeze([-1.5, 0, 0, 90, 0, 1.5, 0, -126, 0, 0, 1.5, -72, 0, 0, 0, 1]),
});

/** Same dims and an affine within tol (mm, element-wise) of the grid's: use the data as is. */
export function isOnGrid(v: Volume, grid: Grid = CAT12_GRID, tol = 1e-3): boolean {
  return v.dims[0] === grid.dims[0] && v.dims[1] === grid.dims[1] && v.dims[2] === grid.dims[2] && isClose(v.affine, grid.affine, tol);
}
