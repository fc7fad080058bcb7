/**
 * Where a stack of DICOM slices lies: slices sorted by their position along the slice normal,
 * the slice step from those positions (never from SliceThickness, file names or InstanceNumber),
 * checks for duplicate, missing and unevenly spaced slices, and the voxel -> RAS affine.
 *
 * Voxel (i, j, k) = (column, row, slice):  LPS = P0 + i·Δc·rowCosine + j·Δr·columnCosine + k·step,
 * RAS = diag(-1, -1, 1)·LPS. `step` is the mean slice-to-slice vector; when it is not along the
 * normal (CT gantry tilt) the affine is sheared, which places every voxel exactly without resampling.
 */
import { message, type Message } from '../messages';
import type { Mat4 } from '../volume/types';
import type { FramePlane } from './parse';

export type Vec3 = [number, number, number];

export const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const norm = (a: Vec3) => Math.hypot(a[0], a[1], a[2]);

/** Fewer slices than this is a 2D image (a localizer, a single slice), not a volume to analyse. */
export const MIN_VOLUME_SLICES = 10;

export interface StackGeometry {
  /** Indices into the planes, in slice order (increasing position along the normal). */
  order: number[];
  dims: [number, number, number];
  /** Voxel -> RAS mm, row-major 4x4. */
  affine: Mat4;
  /** Column, row and slice spacing in mm. */
  spacing: [number, number, number];
  /** Angle between the slice step and the slice normal (gantry tilt), degrees. */
  tiltDegrees: number;
}

/** problem: the whole sentence (errors, CLI); reason: the short why, in any language, for the page's series list. */
export type StackResult = { ok: true; geometry: StackGeometry } | { ok: false; problem: string; reason: Message };

export function sameDirection(a: Vec3, b: Vec3, tol = 1e-3): boolean {
  return Math.abs(a[0] - b[0]) < tol && Math.abs(a[1] - b[1]) < tol && Math.abs(a[2] - b[2]) < tol;
}

/** The slice normal of a plane (row cosine x column cosine), unit length. */
export function sliceNormal(p: FramePlane): Vec3 {
  const n = cross(p.rowCosine, p.columnCosine);
  const l = norm(n) || 1;
  return [n[0] / l, n[1] / l, n[2] / l];
}

/** "axial", "coronal", "sagittal", or e.g. "oblique axial" when the normal is more than 5° off an axis. */
export function planeName(p: FramePlane): string {
  const n = sliceNormal(p).map(Math.abs);
  const axis = n.indexOf(Math.max(...n));
  const name = ['sagittal', 'coronal', 'axial'][axis]!;
  return n[axis]! < Math.cos((5 * Math.PI) / 180) ? `oblique ${name}` : name;
}

export function stackGeometry(planes: readonly FramePlane[], columns: number, rows: number, label: string): StackResult {
  const first = planes[0]!;
  for (const p of planes) {
    if (!sameDirection(p.rowCosine, first.rowCosine) || !sameDirection(p.columnCosine, first.columnCosine)) {
      return {
        ok: false,
        problem: `${label} mixes slice orientations, so it is not one volume; export the 3D series on its own.`,
        reason: message('dicom.reason.orientations', 'mixed slice orientations'),
      };
    }
    if (Math.abs(p.pixelSpacing[0] - first.pixelSpacing[0]) > 1e-4 || Math.abs(p.pixelSpacing[1] - first.pixelSpacing[1]) > 1e-4) {
      return {
        ok: false,
        problem: `${label} mixes pixel spacings, so it is not one volume; export the 3D series on its own.`,
        reason: message('dicom.reason.spacings', 'mixed pixel spacings'),
      };
    }
  }
  if (planes.length < MIN_VOLUME_SLICES) {
    return {
      ok: false,
      problem: `${label} has only ${planes.length} slice${planes.length === 1 ? '' : 's'}: a 2D image (e.g. a localizer), not a 3D volume; choose or export a 3D series (such as a T1 MPRAGE).`,
      reason: message('dicom.reason.twoD', `a 2D image (${planes.length} slice(s)), not a volume`, { count: planes.length }),
    };
  }
  const normal = sliceNormal(first);
  const along = planes.map((p) => dot(p.position, normal));
  const order = planes.map((_, i) => i).sort((a, b) => along[a]! - along[b]!);
  const d = order.map((i) => along[i]!);
  const gaps = d.slice(1).map((x, i) => x - d[i]!);
  const sorted = [...gaps].sort((a, b) => a - b);
  const step = sorted[Math.floor(sorted.length / 2)]!;
  const tol = 0.01 + 0.01 * Math.abs(step);
  const duplicates = gaps.filter((g) => g < 1e-3).length;
  if (duplicates > 0) {
    return {
      ok: false,
      problem: `${label} has ${duplicates} images at a slice position already taken (several volumes: echoes, time points or repeats); export one volume per series.`,
      reason: message('dicom.reason.duplicates', 'several volumes at the same slice positions'),
    };
  }
  const big = gaps.findIndex((g) => g > 1.5 * step);
  if (big >= 0) {
    const missing = Math.round(gaps[big]! / step) - 1;
    const whole = Math.abs(gaps[big]! - (missing + 1) * step) < tol;
    return {
      ok: false,
      problem: whole
        ? `${label} is missing ${missing} slice${missing === 1 ? '' : 's'} between ${d[big]!.toFixed(1)} and ${d[big + 1]!.toFixed(1)} mm along the slice normal; copy or export the complete series.`
        : `${label} has unevenly spaced slices (a gap of ${gaps[big]!.toFixed(2)} mm where the others are ${step.toFixed(2)} mm); export it as one evenly spaced volume.`,
      reason: whole
        ? message('dicom.reason.missing', `${missing} slice(s) missing`, { count: missing })
        : message('dicom.reason.uneven', 'unevenly spaced slices'),
    };
  }
  const uneven = gaps.find((g) => Math.abs(g - step) > tol);
  if (uneven !== undefined) {
    return {
      ok: false,
      problem: `${label} has unevenly spaced slices (${uneven.toFixed(3)} mm next to ${step.toFixed(3)} mm); export it as one evenly spaced volume.`,
      reason: message('dicom.reason.uneven', 'unevenly spaced slices'),
    };
  }

  // The mean slice-to-slice vector; every slice must lie on the line it describes.
  const n = planes.length;
  const p0 = planes[order[0]!]!.position;
  const total = sub(planes[order[n - 1]!]!.position, p0);
  const stepVec: Vec3 = [total[0] / (n - 1), total[1] / (n - 1), total[2] / (n - 1)];
  for (let k = 0; k < n; k++) {
    const p = planes[order[k]!]!.position;
    const off = sub(p, [p0[0] + k * stepVec[0], p0[1] + k * stepVec[1], p0[2] + k * stepVec[2]]);
    if (norm(off) > tol + 0.01 * norm(stepVec)) {
      return {
        ok: false,
        problem: `${label}'s slice positions do not lie on a line (slice ${k + 1} is ${norm(off).toFixed(2)} mm off), so it is not one volume; export it again.`,
        reason: message('dicom.reason.offLine', 'slice positions not on a line'),
      };
    }
  }
  const tiltDegrees = (Math.acos(Math.min(1, Math.abs(dot(stepVec, normal)) / norm(stepVec))) * 180) / Math.PI;

  const [dr, dc] = first.pixelSpacing;
  const r = first.rowCosine;
  const c = first.columnCosine;
  const lps = [
    [r[0] * dc, c[0] * dr, stepVec[0], p0[0]],
    [r[1] * dc, c[1] * dr, stepVec[1], p0[1]],
    [r[2] * dc, c[2] * dr, stepVec[2], p0[2]],
  ];
  const affine = [...lps[0]!.map((v) => -v), ...lps[1]!.map((v) => -v), ...lps[2]!, 0, 0, 0, 1].map((v) => (Object.is(v, -0) ? 0 : v));
  return { ok: true, geometry: { order, dims: [columns, rows, n], affine, spacing: [dc, dr, norm(stepVec)], tiltDegrees } };
}
