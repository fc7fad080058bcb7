/**
 * The NIfTI qform: a rigid rotation given by a unit quaternion (b, c, d; a >= 0 implied),
 * voxel sizes pixdim[1..3], a handedness flag qfac = pixdim[0] (-1 flips the k axis) and an
 * offset. Conversion both ways, following nifti1.h (nifti_quatern_to_mat44) for reading and
 * nibabel's Nifti1Header.set_qform for writing.
 */
import type { Mat4 } from '../volume/types';
import { columnNorms, det3, linearPart, polarFactor } from './linalg3';

export interface QformParams {
  quaternB: number;
  quaternC: number;
  quaternD: number;
  qoffset: [number, number, number];
  /** pixdim[1..3]; their signs are ignored on reading, as nifti1.h does. */
  pixdim: [number, number, number];
  /** pixdim[0]: -1 means a left-handed voxel grid; anything else counts as +1. */
  qfac: number;
}

/** Voxel -> world affine (row-major 4x4) from qform fields. */
export function qformToAffine(q: QformParams): number[] {
  let b = q.quaternB;
  let c = q.quaternC;
  let d = q.quaternD;
  let a = 1 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    // Rounding in the stored float32 values can push |bcd| slightly over 1: treat it as a
    // 180-degree rotation and renormalise, as the reference C library does.
    const n = 1 / Math.sqrt(b * b + c * c + d * d);
    b *= n;
    c *= n;
    d *= n;
    a = 0;
  } else {
    a = Math.sqrt(a);
  }
  const [px, py, pz0] = q.pixdim.map((p) => (p > 0 ? p : p < 0 ? -p : 1)) as [number, number, number];
  const pz = q.qfac < 0 ? -pz0 : pz0;
  const R = [
    a * a + b * b - c * c - d * d,
    2 * (b * c - a * d),
    2 * (b * d + a * c),
    2 * (b * c + a * d),
    a * a + c * c - b * b - d * d,
    2 * (c * d - a * b),
    2 * (b * d - a * c),
    2 * (c * d + a * b),
    a * a + d * d - c * c - b * b,
  ];
  return [
    R[0]! * px,
    R[1]! * py,
    R[2]! * pz,
    q.qoffset[0],
    R[3]! * px,
    R[4]! * py,
    R[5]! * pz,
    q.qoffset[1],
    R[6]! * px,
    R[7]! * py,
    R[8]! * pz,
    q.qoffset[2],
    0,
    0,
    0,
    1,
  ];
}

/**
 * qform fields for an affine. A qform can only hold rotation, per-axis voxel size and a
 * k-flip; for an affine with shears the result is the closest rigid approximation
 * (nibabel's strip_shears): voxel sizes are the column norms, the rotation is the polar
 * factor of the normalised matrix. The sform keeps the exact affine.
 */
export function affineToQform(affine: Mat4): QformParams {
  const M = linearPart(affine);
  const zooms = columnNorms(M);
  if (zooms.some((z) => !(z > 0))) throw new RangeError('affineToQform: the affine has a zero column');
  const R = M.map((v, idx) => v / zooms[idx % 3]!);
  let qfac = 1;
  if (det3(R) <= 0) {
    qfac = -1;
    for (let r = 0; r < 3; r++) R[r * 3 + 2] = -R[r * 3 + 2]!;
  }
  const [b, c, d] = rotationToQuaternion(polarFactor(R));
  return {
    quaternB: b,
    quaternC: c,
    quaternD: d,
    qoffset: [affine[3]!, affine[7]!, affine[11]!],
    pixdim: zooms,
    qfac,
  };
}

/** (b, c, d) of the unit quaternion with a >= 0 for a proper rotation matrix (Shepperd's method). */
function rotationToQuaternion(R: readonly number[]): [number, number, number] {
  const [r11, r12, r13, r21, r22, r23, r31, r32, r33] = R as [number, number, number, number, number, number, number, number, number];
  const trace = r11 + r22 + r33;
  let a: number, b: number, c: number, d: number;
  if (trace > 0) {
    const s = 2 * Math.sqrt(1 + trace);
    a = s / 4;
    b = (r32 - r23) / s;
    c = (r13 - r31) / s;
    d = (r21 - r12) / s;
  } else if (r11 > r22 && r11 > r33) {
    const s = 2 * Math.sqrt(1 + r11 - r22 - r33);
    a = (r32 - r23) / s;
    b = s / 4;
    c = (r12 + r21) / s;
    d = (r13 + r31) / s;
  } else if (r22 > r33) {
    const s = 2 * Math.sqrt(1 + r22 - r11 - r33);
    a = (r13 - r31) / s;
    b = (r12 + r21) / s;
    c = s / 4;
    d = (r23 + r32) / s;
  } else {
    const s = 2 * Math.sqrt(1 + r33 - r11 - r22);
    a = (r21 - r12) / s;
    b = (r13 + r31) / s;
    c = (r23 + r32) / s;
    d = s / 4;
  }
  // The header stores only b, c, d and implies a = sqrt(1 - b^2 - c^2 - d^2) >= 0.
  return a < 0 ? [-b, -c, -d] : [b, c, d];
}
