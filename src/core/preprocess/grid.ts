/**
 * The working grids of the raw-T1 stage: the CAT12 grid (1.5 mm) and its 3 mm and 6 mm levels, whose
 * voxel centres coincide with every 2nd / 4th CAT12 voxel (same origin, same LAS axes), plus the
 * few volume operations the stage needs on them (halve, double, trilinear sampling).
 */
import { CAT12_GRID, type Grid } from '../volume/grid';
import type { Dims3 } from '../volume/types';

/** The CAT12 grid coarsened by 2^level (level 0 = 1.5 mm, 1 = 3 mm, 2 = 6 mm). */
export function levelGrid(level: number): Grid {
  let dims: number[] = [...CAT12_GRID.dims];
  for (let l = 0; l < level; l++) dims = dims.map((n) => Math.ceil(n / 2));
  const f = 2 ** level;
  const a = CAT12_GRID.affine;
  return {
    dims: dims as unknown as Dims3,
    affine: [a[0]! * f, 0, 0, a[3]!, 0, a[5]! * f, 0, a[7]!, 0, 0, a[10]! * f, a[11]!, 0, 0, 0, 1],
  };
}

export function voxelMl(grid: Grid): number {
  return Math.abs(grid.affine[0]! * grid.affine[5]! * grid.affine[10]!) / 1000;
}

/**
 * Half resolution: a [1/4 1/2 1/4] tent filter along each axis, then every 2nd voxel (the centres stay
 * aligned with the finer grid). Voxels beyond the border count as missing (renormalized weights).
 */
export function halve(data: Float32Array, dims: Dims3): { data: Float32Array; dims: Dims3 } {
  let cur = data;
  let cd = [...dims];
  for (let axis = 0; axis < 3; axis++) {
    const n = cd[axis]!;
    const m = Math.ceil(n / 2);
    const od = [...cd];
    od[axis] = m;
    const out = new Float32Array(od[0]! * od[1]! * od[2]!);
    const stride = axis === 0 ? 1 : axis === 1 ? cd[0]! : cd[0]! * cd[1]!;
    const ostride = axis === 0 ? 1 : axis === 1 ? od[0]! : od[0]! * od[1]!;
    const [a1, a2] = [0, 1, 2].filter((a) => a !== axis) as [number, number];
    const s1 = a1 === 0 ? 1 : a1 === 1 ? cd[0]! : cd[0]! * cd[1]!;
    const s2 = a2 === 0 ? 1 : a2 === 1 ? cd[0]! : cd[0]! * cd[1]!;
    const o1 = a1 === 0 ? 1 : a1 === 1 ? od[0]! : od[0]! * od[1]!;
    const o2 = a2 === 0 ? 1 : a2 === 1 ? od[0]! : od[0]! * od[1]!;
    for (let q = 0; q < cd[a2]!; q++)
      for (let p = 0; p < cd[a1]!; p++) {
        const base = p * s1 + q * s2;
        const obase = p * o1 + q * o2;
        for (let t = 0; t < m; t++) {
          const c = 2 * t;
          let acc = 0.5 * cur[base + c * stride]!;
          let w = 0.5;
          if (c > 0) {
            acc += 0.25 * cur[base + (c - 1) * stride]!;
            w += 0.25;
          }
          if (c + 1 < n) {
            acc += 0.25 * cur[base + (c + 1) * stride]!;
            w += 0.25;
          }
          out[obase + t * ostride] = acc / w;
        }
      }
    cur = out;
    cd = od;
  }
  return { data: cur, dims: cd as unknown as Dims3 };
}

/** Where a trilinear sample falls: base index, fractions and neighbour steps (reused for several images). */
export interface Tap {
  p: number;
  fx: number;
  fy: number;
  fz: number;
  dx: number;
  dy: number;
  dz: number;
}

export const newTap = (): Tap => ({ p: 0, fx: 0, fy: 0, fz: 0, dx: 0, dy: 0, dz: 0 });

/** Fills `t` for voxel coordinates (x, y, z); false beyond the volume (clamped within half a voxel). */
export function locate(dims: Dims3, x: number, y: number, z: number, t: Tap): boolean {
  const nx = dims[0],
    ny = dims[1],
    nz = dims[2];
  if (!(x >= -0.5 && y >= -0.5 && z >= -0.5 && x <= nx - 0.5 && y <= ny - 0.5 && z <= nz - 0.5)) return false;
  x = x < 0 ? 0 : x > nx - 1 ? nx - 1 : x;
  y = y < 0 ? 0 : y > ny - 1 ? ny - 1 : y;
  z = z < 0 ? 0 : z > nz - 1 ? nz - 1 : z;
  let x0 = Math.floor(x),
    y0 = Math.floor(y),
    z0 = Math.floor(z);
  if (x0 === nx - 1 && nx > 1) x0--;
  if (y0 === ny - 1 && ny > 1) y0--;
  if (z0 === nz - 1 && nz > 1) z0--;
  t.fx = x - x0;
  t.fy = y - y0;
  t.fz = z - z0;
  t.dx = nx > 1 ? 1 : 0;
  t.dy = ny > 1 ? nx : 0;
  t.dz = nz > 1 ? nx * ny : 0;
  t.p = x0 + nx * (y0 + ny * z0);
  return true;
}

export function interpolate(data: Float32Array, t: Tap): number {
  const { p, fx, fy, fz, dx, dy, dz } = t;
  const c00 = data[p]! + fx * (data[p + dx]! - data[p]!);
  const c10 = data[p + dy]! + fx * (data[p + dy + dx]! - data[p + dy]!);
  const c01 = data[p + dz]! + fx * (data[p + dz + dx]! - data[p + dz]!);
  const c11 = data[p + dz + dy]! + fx * (data[p + dz + dy + dx]! - data[p + dz + dy]!);
  const c0 = c00 + fy * (c10 - c00);
  return c0 + fz * (c01 + fy * (c11 - c01) - c0);
}

const scratch = newTap();
/** Trilinear value at voxel coordinates (x, y, z); `outside` beyond the volume. */
export function sampleAt(data: Float32Array, dims: Dims3, x: number, y: number, z: number, outside = 0): number {
  return locate(dims, x, y, z, scratch) ? interpolate(data, scratch) : outside;
}

/**
 * Double resolution onto `fineDims` (a finer level of the same grid family), trilinear, times `scale`.
 * Fine voxel t sits at coarse coordinate t / 2 on every axis, so the trilinear sample is separable:
 * one pass of linear interpolation per axis over whole rows (the same lerps in the same order as
 * `sampleAt`, with the same clamping within half a voxel and 0 beyond; equal to it within float32
 * rounding), about 3x faster than locating every fine voxel: the priors, the bias field and the
 * displacements go through here.
 */
export function double(data: Float32Array, dims: Dims3, fineDims: Dims3, scale = 1): Float32Array {
  let cur = data;
  const cd = [...dims];
  for (let axis = 0; axis < 3; axis++) {
    cur = doubleAxis(cur, cd, axis, fineDims[axis]!);
    cd[axis] = fineDims[axis]!;
  }
  if (scale !== 1) for (let v = 0; v < cur.length; v++) cur[v] = scale * cur[v]!;
  return cur;
}

/** Linear interpolation along one axis from `dims[axis]` to `m` samples at coordinates t / 2. */
function doubleAxis(src: Float32Array, dims: number[], axis: number, m: number): Float32Array {
  const n = dims[axis]!;
  const inner = axis === 0 ? 1 : axis === 1 ? dims[0]! : dims[0]! * dims[1]!;
  const outer = src.length / (inner * n);
  const out = new Float32Array(inner * m * outer);
  const step = n > 1 ? inner : 0;
  for (let t = 0; t < m; t++) {
    const x = t / 2;
    if (x > n - 0.5) continue; // beyond the volume: 0, as sampleAt
    const xc = x > n - 1 ? n - 1 : x;
    let x0 = Math.floor(xc);
    if (x0 === n - 1 && n > 1) x0--;
    const f = xc - x0;
    for (let o = 0; o < outer; o++) {
      const a = (o * n + x0) * inner,
        dst = (o * m + t) * inner;
      for (let q = 0; q < inner; q++) out[dst + q] = src[a + q]! + f * (src[a + step + q]! - src[a + q]!);
    }
  }
  return out;
}
