/**
 * Small dense 3x3 linear algebra for affines: determinant, a Jacobi SVD, and the polar
 * (closest orthogonal) factor that nibabel computes with numpy's SVD. Matrices are
 * row-major arrays of 9 numbers.
 */
export type Mat3 = number[];

export function det3(m: readonly number[]): number {
  return m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) - m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) + m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!);
}

export function mul3(a: readonly number[], b: readonly number[]): Mat3 {
  const out = new Array<number>(9).fill(0);
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += a[r * 3 + k]! * b[k * 3 + c]!;
      out[r * 3 + c] = s;
    }
  return out;
}

export function transpose3(m: readonly number[]): Mat3 {
  return [m[0]!, m[3]!, m[6]!, m[1]!, m[4]!, m[7]!, m[2]!, m[5]!, m[8]!];
}

/** The upper-left 3x3 block of a row-major 4x4 matrix. */
export function linearPart(m4: readonly number[]): Mat3 {
  return [m4[0]!, m4[1]!, m4[2]!, m4[4]!, m4[5]!, m4[6]!, m4[8]!, m4[9]!, m4[10]!];
}

/** Euclidean norms of the three columns (the voxel sizes of an affine's linear part). */
export function columnNorms(m: readonly number[]): [number, number, number] {
  const n = (c: number) => Math.hypot(m[c]!, m[3 + c]!, m[6 + c]!);
  return [n(0), n(1), n(2)];
}

/**
 * Eigen-decomposition of a symmetric 3x3 matrix by cyclic Jacobi rotations.
 * Returns eigenvalues and the eigenvectors as the columns of a row-major matrix.
 */
function symmetricEigen(a0: readonly number[]): { values: number[]; vectors: Mat3 } {
  const a = [...a0];
  const v = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = a[1]! ** 2 + a[2]! ** 2 + a[5]! ** 2;
    const scale = a[0]! ** 2 + a[4]! ** 2 + a[8]! ** 2;
    if (off <= 1e-30 * scale || off === 0) break;
    for (const [p, q] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ] as const) {
      const apq = a[p * 3 + q]!;
      if (apq === 0) continue;
      const app = a[p * 3 + p]!;
      const aqq = a[q * 3 + q]!;
      const theta = (aqq - app) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      // A <- J^T A J with the Jacobi rotation J in the (p, q) plane
      for (let k = 0; k < 3; k++) {
        const akp = a[k * 3 + p]!;
        const akq = a[k * 3 + q]!;
        a[k * 3 + p] = c * akp - s * akq;
        a[k * 3 + q] = s * akp + c * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = a[p * 3 + k]!;
        const aqk = a[q * 3 + k]!;
        a[p * 3 + k] = c * apk - s * aqk;
        a[q * 3 + k] = s * apk + c * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[k * 3 + p]!;
        const vkq = v[k * 3 + q]!;
        v[k * 3 + p] = c * vkp - s * vkq;
        v[k * 3 + q] = s * vkp + c * vkq;
      }
    }
  }
  return { values: [a[0]!, a[4]!, a[8]!], vectors: v };
}

/**
 * Singular value decomposition M = U diag(S) V^T, singular values in decreasing order.
 * Columns of U belonging to zero singular values are left as zero vectors (callers only
 * use the columns whose singular value is above a tolerance, as numpy code does).
 */
export function svd3(m: readonly number[]): { U: Mat3; S: number[]; V: Mat3 } {
  const { values, vectors } = symmetricEigen(mul3(transpose3(m), m));
  const order = [0, 1, 2].sort((x, y) => values[y]! - values[x]!);
  const S: number[] = [];
  const U = new Array<number>(9).fill(0);
  const V = new Array<number>(9).fill(0);
  order.forEach((src, dst) => {
    const s = Math.sqrt(Math.max(values[src]!, 0));
    S.push(s);
    for (let r = 0; r < 3; r++) V[r * 3 + dst] = vectors[r * 3 + src]!;
    if (s > 0) {
      for (let r = 0; r < 3; r++) {
        let acc = 0;
        for (let k = 0; k < 3; k++) acc += m[r * 3 + k]! * V[k * 3 + dst]!;
        U[r * 3 + dst] = acc / s;
      }
    }
  });
  return { U, S, V };
}

/**
 * Sum over the singular triplets with singular value above `tol` of u_k v_k^T. With all three
 * kept this is the orthogonal polar factor of M: the closest orthogonal matrix (numpy's P @ Qs).
 */
export function polarFactor(m: readonly number[], tol = 0): Mat3 {
  const { U, S, V } = svd3(m);
  const out = new Array<number>(9).fill(0);
  for (let k = 0; k < 3; k++) {
    if (!(S[k]! > tol)) continue;
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) out[r * 3 + c] += U[r * 3 + k]! * V[c * 3 + k]!;
  }
  return out;
}
