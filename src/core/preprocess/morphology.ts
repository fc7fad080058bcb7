/** Binary-mask helpers of the raw-T1 stage (6-connectivity, Fortran order). */
import type { Dims3 } from '../volume/types';

/**
 * The mask with its holes filled: every voxel not reachable from the volume's border through
 * mask-free voxels is set. (A head mask: the dark skull and CSF inside the scalp become head.)
 */
export function fillFromOutside(mask: Uint8Array, dims: Dims3): Uint8Array {
  const [nx, ny, nz] = dims;
  const outside = new Uint8Array(mask.length);
  const stack: number[] = [];
  const push = (v: number) => {
    if (!mask[v] && !outside[v]) {
      outside[v] = 1;
      stack.push(v);
    }
  };
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) if (i === 0 || j === 0 || k === 0 || i === nx - 1 || j === ny - 1 || k === nz - 1) push(i + nx * (j + ny * k));
  while (stack.length) {
    const v = stack.pop()!;
    const i = v % nx,
      j = Math.floor(v / nx) % ny,
      k = Math.floor(v / (nx * ny));
    if (i > 0) push(v - 1);
    if (i < nx - 1) push(v + 1);
    if (j > 0) push(v - nx);
    if (j < ny - 1) push(v + nx);
    if (k > 0) push(v - nx * ny);
    if (k < nz - 1) push(v + nx * ny);
  }
  const out = new Uint8Array(mask.length);
  for (let v = 0; v < mask.length; v++) out[v] = outside[v] ? 0 : 1;
  return out;
}
