/**
 * Orientation codes as nibabel's aff2axcodes gives them: for each voxel axis i, j, k the
 * world direction it points to, with labels (L,R), (P,A), (I,S) for x, y, z. 'RAS' means
 * i increases to the Right, j to Anterior, k to Superior; the model grid is 'LAS'.
 */
import type { Mat4 } from '../volume/types';
import { columnNorms, linearPart, polarFactor, svd3 } from './linalg3';

const LABELS: ReadonlyArray<readonly [string, string]> = [
  ['L', 'R'],
  ['P', 'A'],
  ['I', 'S'],
];

/**
 * Same algorithm as nibabel.orientations.io_orientation: normalise the columns, take the
 * closest orthogonal matrix (polar factor), then assign each voxel axis in turn the world
 * axis it moves along most, never reusing a world axis. A voxel axis with no direction
 * (degenerate affine) gets '?'.
 */
export function orientationCode(affine: Mat4): string {
  const M = linearPart(affine);
  const zooms = columnNorms(M).map((z) => (z === 0 ? 1 : z));
  const RS = M.map((v, idx) => v / zooms[idx % 3]!);
  const S = svd3(RS).S;
  const tol = Math.max(...S) * 3 * Number.EPSILON;
  const R = polarFactor(RS, tol);
  let code = '';
  for (let inAx = 0; inAx < 3; inAx++) {
    const col = [R[inAx]!, R[3 + inAx]!, R[6 + inAx]!];
    // numpy.allclose(col, 0): |x| <= 1e-8 (atol) for every element
    if (col.every((x) => Math.abs(x) <= 1e-8)) {
      code += '?';
      continue;
    }
    let outAx = 0;
    for (let o = 1; o < 3; o++) if (Math.abs(col[o]!) > Math.abs(col[outAx]!)) outAx = o;
    code += LABELS[outAx]![col[outAx]! < 0 ? 0 : 1];
    for (let c = 0; c < 3; c++) R[outAx * 3 + c] = 0;
  }
  return code;
}
