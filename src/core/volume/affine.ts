/**
 * Row-major 4x4 affine helpers (voxel index -> world mm, see types.ts).
 * Everything returns fresh arrays; inputs are never modified.
 */
import type { Mat4 } from './types';

export type Vec3 = readonly [number, number, number];

export const IDENTITY: Mat4 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

/** a * b (apply b first, then a). */
export function multiply(a: Mat4, b: Mat4): number[] {
  const out = new Array<number>(16).fill(0);
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[r * 4 + k]! * b[k * 4 + c]!;
      out[r * 4 + c] = s;
    }
  }
  return out;
}

/**
 * Inverse of a general 4x4 matrix by Gauss-Jordan elimination with partial pivoting.
 * Throws on a singular (or numerically singular) matrix: an affine that collapses an axis
 * cannot map world coordinates back to voxels, and guessing would place the brain wrongly.
 */
export function invert(m: Mat4): number[] {
  if (m.length !== 16) throw new Error(`affine must have 16 numbers, got ${m.length}`);
  const a = Array.from(m);
  const inv = Array.from(IDENTITY);
  // Scale-aware singularity threshold: relative to the largest entry of the 3x3 part.
  let scale = 0;
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) scale = Math.max(scale, Math.abs(m[r * 4 + c]!));
  const eps = Math.max(scale, 1) * 1e-12;
  for (let col = 0; col < 4; col++) {
    let piv = col;
    for (let r = col + 1; r < 4; r++) if (Math.abs(a[r * 4 + col]!) > Math.abs(a[piv * 4 + col]!)) piv = r;
    const p = a[piv * 4 + col]!;
    if (!Number.isFinite(p) || Math.abs(p) <= eps) throw new Error('affine is singular and cannot be inverted');
    if (piv !== col) {
      for (let c = 0; c < 4; c++) {
        [a[col * 4 + c], a[piv * 4 + c]] = [a[piv * 4 + c]!, a[col * 4 + c]!];
        [inv[col * 4 + c], inv[piv * 4 + c]] = [inv[piv * 4 + c]!, inv[col * 4 + c]!];
      }
    }
    for (let c = 0; c < 4; c++) {
      a[col * 4 + c] = a[col * 4 + c]! / p;
      inv[col * 4 + c] = inv[col * 4 + c]! / p;
    }
    for (let r = 0; r < 4; r++) {
      if (r === col) continue;
      const f = a[r * 4 + col]!;
      if (f === 0) continue;
      for (let c = 0; c < 4; c++) {
        a[r * 4 + c] = a[r * 4 + c]! - f * a[col * 4 + c]!;
        inv[r * 4 + c] = inv[r * 4 + c]! - f * inv[col * 4 + c]!;
      }
    }
  }
  return inv;
}

/** m * [x, y, z, 1] (the last row is assumed 0 0 0 1). */
export function applyToPoint(m: Mat4, p: Vec3): [number, number, number] {
  const [x, y, z] = p;
  return [m[0]! * x + m[1]! * y + m[2]! * z + m[3]!, m[4]! * x + m[5]! * y + m[6]! * z + m[7]!, m[8]! * x + m[9]! * y + m[10]! * z + m[11]!];
}

/** Voxel edge lengths in mm: the norms of the three columns of the 3x3 part. */
export function voxelSizes(m: Mat4): [number, number, number] {
  const col = (c: number) => Math.hypot(m[c]!, m[4 + c]!, m[8 + c]!);
  return [col(0), col(1), col(2)];
}

/** Element-wise |a - b| <= tol on all 16 entries. */
export function isClose(a: Mat4, b: Mat4, tol = 1e-6): boolean {
  if (a.length !== 16 || b.length !== 16) return false;
  for (let n = 0; n < 16; n++) if (!(Math.abs(a[n]! - b[n]!) <= tol)) return false;
  return true;
}
