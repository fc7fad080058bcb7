/**
 * Per-slice guides for the slice sliders: for every slice along an axis, how much positive and how
 * much negative relevance survives the threshold and the cluster-size filter there, so the viewer
 * can mark the slices worth visiting.
 */
import type { Dims3 } from '../volume/types';

export type Axis = 0 | 1 | 2;

export interface SliceSums {
  /** Sum of R > 0 over kept voxels, per slice index along the axis. */
  positive: Float32Array;
  /** Sum of R < 0 over kept voxels (<= 0), per slice index. */
  negative: Float32Array;
}

/** One pass over the volume; `keptMask` is nonzero where a voxel survived threshold and cluster filter. */
export function sliceSums(display: Float32Array, keptMask: Uint8Array, dims: Dims3, axis: Axis): SliceSums {
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  if (display.length !== n || keptMask.length !== n) {
    throw new RangeError(`sliceSums: map (${display.length}) and mask (${keptMask.length}) must have ${n} voxels`);
  }
  const len = dims[axis];
  const pos = new Float64Array(len);
  const neg = new Float64Array(len);
  let v = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, v++) {
        if (keptMask[v] === 0) continue;
        const r = display[v];
        const s = axis === 0 ? i : axis === 1 ? j : k;
        if (r > 0) pos[s] += r;
        else if (r < 0) neg[s] += r;
      }
    }
  }
  return { positive: Float32Array.from(pos), negative: Float32Array.from(neg) };
}
