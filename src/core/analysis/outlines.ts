/**
 * Atlas region outlines computed from the label volume itself, on the same grid as the map (the
 * original app drew a copy shifted by 3 voxels along y; deriving outlines from the labels rules
 * that out).
 *
 * A viewer draws a 2D slice, so the outline it needs is the boundary within the slice plane:
 * sliceOutline. regionOutline / allRegionOutlines give the 3D surface voxels (6-neighbourhood),
 * e.g. for a 3D rendering. Outside the volume counts as "not in the region".
 *
 * Labels are integer-valued; Float32Array labels are rounded.
 */
import type { Dims3 } from '../volume/types';
import type { LabelArray } from './regions';
import type { Axis } from './guides';

function labelReader(labels: LabelArray): (v: number) => number {
  return labels instanceof Float32Array ? (v) => Math.round(labels[v]) : (v) => labels[v];
}

/**
 * What a boundary voxel of label l is marked with (0: not drawn): 1 for the one region asked for,
 * or for 'all' the voxel's own label, clipped to 255 (background 0 stays 0).
 */
function marker(regionIndex: number | 'all'): (label: number) => number {
  if (regionIndex === 'all') return (l) => (l > 0 ? (l > 255 ? 255 : l) : 0);
  return (l) => (l === regionIndex ? 1 : 0);
}

function checkLength(labels: LabelArray, dims: Dims3): void {
  const n = dims[0] * dims[1] * dims[2];
  if (labels.length !== n) throw new RangeError(`labels have ${labels.length} voxels, dims say ${n}`);
}

/** 3D mask (1/0) of the voxels of one region that have a face neighbour outside it. */
export function regionOutline(labels: LabelArray, dims: Dims3, regionIndex: number): Uint8Array {
  return surfaceVoxels(labels, dims, marker(regionIndex));
}

/**
 * 3D outlines of all regions at once: a voxel with label L > 0 and a face neighbour whose label is
 * not L (another region, background or outside the volume) keeps L; every other voxel is 0.
 * Labels above 255 are clipped to 255 in the output.
 */
export function allRegionOutlines(labels: LabelArray, dims: Dims3): Uint8Array {
  return surfaceVoxels(labels, dims, marker('all'));
}

/**
 * The voxels whose label `mark` gives a non-zero value and that have a face neighbour with
 * another label (or outside the volume), set to that value; every other voxel is 0.
 */
function surfaceVoxels(labels: LabelArray, dims: Dims3, mark: (label: number) => number): Uint8Array {
  checkLength(labels, dims);
  const [nx, ny, nz] = dims;
  const at = labelReader(labels);
  const out = new Uint8Array(labels.length);
  const plane = nx * ny;
  let v = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, v++) {
        const l = at(v);
        const value = mark(l);
        if (value === 0) continue;
        const inside =
          i > 0 &&
          at(v - 1) === l &&
          i < nx - 1 &&
          at(v + 1) === l &&
          j > 0 &&
          at(v - nx) === l &&
          j < ny - 1 &&
          at(v + nx) === l &&
          k > 0 &&
          at(v - plane) === l &&
          k < nz - 1 &&
          at(v + plane) === l;
        if (!inside) out[v] = value;
      }
    }
  }
  return out;
}

/** Shape of the 2D slice perpendicular to `axis`: [width, height] with pixel index u + width * w. */
export function slicePlaneDims(dims: Dims3, axis: Axis): [number, number] {
  const [nx, ny, nz] = dims;
  return axis === 0 ? [ny, nz] : axis === 1 ? [nx, nz] : [nx, ny];
}

/**
 * In-plane boundary of one region (or of every region) in one slice: what a viewer draws over an
 * axial (axis 2), coronal (axis 1) or sagittal (axis 0) slice. The plane's pixels run
 * u + width * w with (u, w) = (j, k) for axis 0, (i, k) for axis 1, (i, j) for axis 2.
 * A pixel is on the boundary when its region differs from one of its 4 in-plane neighbours
 * (or that neighbour lies outside the plane). For a single region the output is 1/0; for 'all' it
 * holds the boundary pixel's label (clipped to 255), 0 elsewhere.
 */
export function sliceOutline(labels: LabelArray, dims: Dims3, axis: Axis, slice: number, regionIndex: number | 'all'): Uint8Array {
  checkLength(labels, dims);
  const [nx, ny] = dims;
  if (!(Number.isInteger(slice) && slice >= 0 && slice < dims[axis])) {
    throw new RangeError(`slice ${slice} is outside 0..${dims[axis] - 1} along axis ${axis}`);
  }
  const [width, height] = slicePlaneDims(dims, axis);
  // Volume index of pixel (u, w) = origin + u * su + w * sw.
  const strides = [1, nx, nx * ny];
  const origin = slice * strides[axis];
  const su = axis === 0 ? strides[1] : strides[0];
  const sw = axis === 2 ? strides[1] : strides[2];
  const at = labelReader(labels);
  const out = new Uint8Array(width * height);
  const mark = marker(regionIndex);
  for (let w = 0; w < height; w++) {
    for (let u = 0; u < width; u++) {
      const v = origin + u * su + w * sw;
      const l = at(v);
      const value = mark(l);
      if (value === 0) continue;
      const inside = u > 0 && at(v - su) === l && u < width - 1 && at(v + su) === l && w > 0 && at(v - sw) === l && w < height - 1 && at(v + sw) === l;
      if (!inside) out[u + width * w] = value;
    }
  }
  return out;
}
