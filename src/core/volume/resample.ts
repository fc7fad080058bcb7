/**
 * Resample a volume onto a target grid through world coordinates:
 * for each target voxel t, world = grid.affine * t, source index = inv(v.affine) * world.
 *
 * Border semantics (trilinear) follow scipy.ndimage.map_coordinates(order=1, mode='constant',
 * cval=0) as of scipy 1.10: a sample is interpolated only if its source coordinate lies inside
 * [0, n-1] on every axis (at n-1 exactly it takes the last voxel), otherwise it is 0 — scipy does
 * not blend towards cval in a half-voxel margin. One deliberate difference: we accept coordinates
 * up to EDGE_TOL = 1e-6 voxel outside [0, n-1] and clamp them, so that a target voxel that falls
 * exactly on the source's first/last voxel plane does not flicker to 0 through float rounding
 * (scipy, computing the coordinates its own way, may round either side).
 *
 * Nearest (labels): the source voxel whose centre is nearest, rounding halves up like scipy's
 * order=0 (floor(x + 0.5)); a sample is taken when that rounded index is inside [0, n-1], i.e. the
 * coordinate is within a voxel's footprint [-0.5, n-0.5). This differs from scipy order=0 with
 * mode='constant', which zeroes everything outside [0, n-1]; for labels the footprint is the
 * sensible extent.
 *
 * NaN in the source propagates into any trilinear sample that touches it (as in scipy).
 */
import { invert, multiply } from './affine';
import { isOnGrid, type Grid } from './grid';
import { InputError } from '../errors';
import type { Volume } from './types';

export type ResampleMode = 'trilinear' | 'nearest';

const EDGE_TOL = 1e-6;

/** `outside` is the value of target voxels outside the source (0, as scipy's cval; NaN marks them for registration). */
export function resampleToGrid(v: Volume, grid: Grid, mode: ResampleMode, outside = 0): Volume<Float32Array> {
  const [nx, ny, nz] = v.dims;
  const [tx, ty, tz] = grid.dims;
  if (v.data.length !== nx * ny * nz) {
    throw new Error(`volume data has ${v.data.length} values, dims ${nx}x${ny}x${nz} need ${nx * ny * nz}`);
  }
  const affine = Array.from(grid.affine);

  // Already on the grid: an exact copy, no interpolation (model-grid.md requires bit-identity).
  if (isOnGrid(v, grid)) {
    const out = new Float32Array(v.data.length);
    out.set(v.data);
    return { dims: [tx, ty, tz], data: out, affine };
  }

  let toSource: number[];
  try {
    toSource = multiply(invert(v.affine), grid.affine);
  } catch {
    throw new InputError("The image's voxel-to-world matrix is singular, so its position in space is unknown; fix the file's sform/qform.");
  }
  // Source index = origin + ti * stepI + tj * stepJ + tk * stepK: three steps, no per-voxel matrix.
  const m = toSource;
  const out = new Float32Array(tx * ty * tz);
  if (outside !== 0) out.fill(outside);
  const src = v.data;
  const sxy = nx * ny;

  if (mode === 'nearest') {
    for (let k = 0; k < tz; k++) {
      for (let j = 0; j < ty; j++) {
        const bx = m[1]! * j + m[2]! * k + m[3]!;
        const by = m[5]! * j + m[6]! * k + m[7]!;
        const bz = m[9]! * j + m[10]! * k + m[11]!;
        let o = tx * (j + ty * k);
        for (let i = 0; i < tx; i++, o++) {
          const x = Math.floor(bx + m[0]! * i + 0.5);
          const y = Math.floor(by + m[4]! * i + 0.5);
          const z = Math.floor(bz + m[8]! * i + 0.5);
          if (x < 0 || x >= nx || y < 0 || y >= ny || z < 0 || z >= nz) continue;
          out[o] = src[x + nx * y + sxy * z]!;
        }
      }
    }
    return { dims: [tx, ty, tz], data: out, affine };
  }

  const xmax = nx - 1;
  const ymax = ny - 1;
  const zmax = nz - 1;
  for (let k = 0; k < tz; k++) {
    for (let j = 0; j < ty; j++) {
      const bx = m[1]! * j + m[2]! * k + m[3]!;
      const by = m[5]! * j + m[6]! * k + m[7]!;
      const bz = m[9]! * j + m[10]! * k + m[11]!;
      let o = tx * (j + ty * k);
      for (let i = 0; i < tx; i++, o++) {
        let x = bx + m[0]! * i;
        let y = by + m[4]! * i;
        let z = bz + m[8]! * i;
        if (x < -EDGE_TOL || x > xmax + EDGE_TOL || y < -EDGE_TOL || y > ymax + EDGE_TOL || z < -EDGE_TOL || z > zmax + EDGE_TOL) continue;
        x = x < 0 ? 0 : x > xmax ? xmax : x;
        y = y < 0 ? 0 : y > ymax ? ymax : y;
        z = z < 0 ? 0 : z > zmax ? zmax : z;
        // Lower corner; on the last plane step back one so the upper tap stays inside (weight 1 below).
        let x0 = Math.floor(x);
        let y0 = Math.floor(y);
        let z0 = Math.floor(z);
        if (x0 === xmax && xmax > 0) x0--;
        if (y0 === ymax && ymax > 0) y0--;
        if (z0 === zmax && zmax > 0) z0--;
        const fx = x - x0;
        const fy = y - y0;
        const fz = z - z0;
        const dx = x0 < xmax ? 1 : 0; // a single-voxel axis has no upper neighbour
        const dy = y0 < ymax ? nx : 0;
        const dz = z0 < zmax ? sxy : 0;
        const p = x0 + nx * y0 + sxy * z0;
        const c00 = src[p]! + fx * (src[p + dx]! - src[p]!);
        const c10 = src[p + dy]! + fx * (src[p + dy + dx]! - src[p + dy]!);
        const c01 = src[p + dz]! + fx * (src[p + dz + dx]! - src[p + dz]!);
        const c11 = src[p + dz + dy]! + fx * (src[p + dz + dy + dx]! - src[p + dz + dy]!);
        const c0 = c00 + fy * (c10 - c00);
        const c1 = c01 + fy * (c11 - c01);
        out[o] = c0 + fz * (c1 - c0);
      }
    }
  }
  return { dims: [tx, ty, tz], data: out, affine };
}
