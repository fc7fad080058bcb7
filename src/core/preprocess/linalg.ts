/** Small dense linear algebra for the registration's normal equations, and the moments it fits. */

/** Solves A x = b for a symmetric positive definite n x n A (row-major) by Cholesky; null if not SPD. */
export function solveSpd(a: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / l[j * n + j]!;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * y[k]!;
    y[i] = s / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/** Determinant of the 3x3 part of a row-major 4x4. */
export function det3(m: readonly number[]): number {
  return m[0]! * (m[5]! * m[10]! - m[6]! * m[9]!) - m[1]! * (m[4]! * m[10]! - m[6]! * m[8]!) + m[2]! * (m[4]! * m[9]! - m[5]! * m[8]!);
}

/** Rotation about the x (pitch), y (roll) and z (yaw) axes, degrees, as a row-major 4x4 about the origin. */
export function rotation(pitch: number, roll: number, yaw: number): number[] {
  const [a, b, c] = [pitch, roll, yaw].map((d) => (d * Math.PI) / 180) as [number, number, number];
  const rx = [1, 0, 0, 0, Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a)];
  const ry = [Math.cos(b), 0, Math.sin(b), 0, 1, 0, -Math.sin(b), 0, Math.cos(b)];
  const rz = [Math.cos(c), -Math.sin(c), 0, Math.sin(c), Math.cos(c), 0, 0, 0, 1];
  const mul = (p: number[], q: number[]) => {
    const o = new Array<number>(9).fill(0);
    for (let r = 0; r < 3; r++) for (let cc = 0; cc < 3; cc++) for (let k = 0; k < 3; k++) o[r * 3 + cc] += p[r * 3 + k]! * q[k * 3 + cc]!;
    return o;
  };
  const r = mul(rz, mul(ry, rx));
  return [r[0]!, r[1]!, r[2]!, 0, r[3]!, r[4]!, r[5]!, 0, r[6]!, r[7]!, r[8]!, 0, 0, 0, 0, 1];
}

export interface PairMoments {
  n: number;
  sa: number;
  sb: number;
  saa: number;
  sbb: number;
  sab: number;
}

/**
 * Count, sums, sums of squares and the cross sum of two images over the voxels where `mask` (when
 * given) is set and neither is NaN: what a correlation and a least-squares intensity fit need.
 */
export function pairMoments(a: Float32Array, b: Float32Array, mask?: Uint8Array): PairMoments {
  let n = 0,
    sa = 0,
    sb = 0,
    saa = 0,
    sbb = 0,
    sab = 0;
  for (let v = 0; v < a.length; v++) {
    if (mask && !mask[v]) continue;
    const x = a[v]!,
      y = b[v]!;
    if (x !== x || y !== y) continue;
    n++;
    sa += x;
    sb += y;
    saa += x * x;
    sbb += y * y;
    sab += x * y;
  }
  return { n, sa, sb, saa, sbb, sab };
}
