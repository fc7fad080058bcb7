/**
 * Where the slice views look: screen (h, v) millimetres <-> world <-> grid voxels.
 * Mirrors the mapping in SLICE_FRAGMENT; kept free of three.js so it is easy to reason about.
 */
export type SliceAxis = 0 | 1 | 2; // axial, coronal, sagittal
export type ViewId = 'axial' | 'coronal' | 'sagittal' | 'volume';
export const SLICE_VIEWS: ReadonlyArray<{ id: ViewId; axis: SliceAxis }> = [
  { id: 'axial', axis: 0 },
  { id: 'coronal', axis: 1 },
  { id: 'sagittal', axis: 2 },
];

export type Vec3 = [number, number, number];

export const voxelToWorld = (v: Vec3): Vec3 => [-1.5 * v[0] + 90, 1.5 * v[1] - 126, 1.5 * v[2] - 72];
export const worldToVoxel = (w: Vec3): Vec3 => [(90 - w[0]) / 1.5, (w[1] + 126) / 1.5, (w[2] + 72) / 1.5];

/** Grid bounds in world mm (voxel edges), and its centre. */
export const BOX_MIN: Vec3 = [-90.75, -126.75, -72.75];
export const BOX_MAX: Vec3 = [90.75, 90.75, 108.75];
export const BOX_CENTRE: Vec3 = [0, -18, 18];

/** flip: +1 neurological (screen-right = world +x, the subject's right), -1 radiological. */
export function hvToWorld(axis: SliceAxis, hv: [number, number], slice: number, flip: number): Vec3 {
  if (axis === 0) return [flip * hv[0], hv[1], slice];
  if (axis === 1) return [flip * hv[0], slice, hv[1]];
  return [slice, -hv[0], hv[1]];
}

export function worldToHv(axis: SliceAxis, w: Vec3, flip: number): [number, number] {
  if (axis === 0) return [flip * w[0], w[1]];
  if (axis === 1) return [flip * w[0], w[2]];
  return [-w[1], w[2]];
}

/** World coordinate along the view's normal. */
export function sliceOf(axis: SliceAxis, w: Vec3): number {
  return axis === 0 ? w[2] : axis === 1 ? w[1] : w[0];
}

/** Extent (h, v) of the grid in the view, mm. */
export function viewExtent(axis: SliceAxis): [number, number] {
  const size: Vec3 = [BOX_MAX[0] - BOX_MIN[0], BOX_MAX[1] - BOX_MIN[1], BOX_MAX[2] - BOX_MIN[2]];
  if (axis === 0) return [size[0], size[1]];
  if (axis === 1) return [size[0], size[2]];
  return [size[1], size[2]];
}

/** Which voxel axis the wheel pages through, and the sign that moves up/anterior/right. */
export function pagingAxis(axis: SliceAxis): { index: 0 | 1 | 2; sign: number } {
  if (axis === 0) return { index: 2, sign: 1 };
  if (axis === 1) return { index: 1, sign: 1 };
  return { index: 0, sign: -1 }; // +x (right) is -i
}
