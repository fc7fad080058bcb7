/**
 * Header figures for QC: how far the sform and the qform disagree (mm, over the corners of the
 * image) and whether their handedness differs (a left-right flip that registration cannot see,
 * because a mirrored brain registers as well as the real one).
 */
import type { NiftiHeaderInfo } from '../nifti';
import { applyToPoint } from '../volume/affine';
import { det3 } from './linalg';

export function headerFigures(header?: NiftiHeaderInfo): Record<string, number> {
  if (!header?.sform || !header.qform) return {};
  const [nx, ny, nz] = [header.dims[1] ?? 1, header.dims[2] ?? 1, header.dims[3] ?? 1];
  let worst = 0;
  for (const i of [0, nx - 1])
    for (const j of [0, ny - 1])
      for (const k of [0, nz - 1]) {
        const a = applyToPoint(header.sform, [i, j, k]),
          b = applyToPoint(header.qform, [i, j, k]);
        worst = Math.max(worst, Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]));
      }
  const flip = Math.sign(det3(header.sform)) !== Math.sign(det3(header.qform)) ? 1 : 0;
  return { sform_qform_mm: worst, sform_qform_flip: flip };
}
