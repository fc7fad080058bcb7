/**
 * Maps on the CAT12 grid, taken back into the space of the scan they came from, so that a result
 * overlays the subject's own image in any NIfTI viewer. Same route as the way in: through world
 * coordinates (resampleToGrid with the scan's grid as the target), trilinear; a scan already on the
 * CAT12 grid gets a bit-identical copy. Scan voxels outside the CAT12 bounding box get 0.
 */
import { CAT12_GRID } from '../volume/grid';
import { resampleToGrid } from '../volume/resample';
import type { Dims3, Mat4, Volume } from '../volume/types';

export interface ScanGeometry {
  dims: Dims3;
  affine: Mat4;
}

export function gridMapToScan(map: Float32Array, scan: ScanGeometry): Volume<Float32Array> {
  const source: Volume<Float32Array> = { dims: CAT12_GRID.dims, affine: CAT12_GRID.affine, data: map };
  return resampleToGrid(source, { dims: scan.dims, affine: scan.affine }, 'trilinear');
}

/** The grid volume as a Volume (for writeNifti). */
export function gridVolume(map: Float32Array): Volume<Float32Array> {
  return { dims: CAT12_GRID.dims, affine: CAT12_GRID.affine, data: map };
}
