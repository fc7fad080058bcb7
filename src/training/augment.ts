/**
 * Training augmentation on a flat model tensor [100, 100, 120] (axes a: superior->inferior,
 * s: left->right, c: anterior->posterior; docs/model-grid.md): an integer shift along each axis
 * (zero fill) and an optional left/right flip, which is a reversal of axis s (axis 1 of the
 * model's [1, 100, 100, 120, 1] input).
 */
import { MODEL_INPUT_DIMS } from '../core/volume/modelTensor';
export const MODEL_DIMS = MODEL_INPUT_DIMS;

export interface Augmentation {
  shift: [number, number, number];
  flipLeftRight: boolean;
}

export function augment(src: Float32Array, aug: Augmentation, out = new Float32Array(src.length)): Float32Array {
  const [NA, NS, NC] = MODEL_DIMS;
  const [da, ds, dc] = aug.shift;
  out.fill(0);
  for (let a = 0; a < NA; a++) {
    const sa = a - da;
    if (sa < 0 || sa >= NA) continue;
    for (let s = 0; s < NS; s++) {
      // output s reads source s - ds, then the flip reverses the source's left/right axis
      let ss = s - ds;
      if (ss < 0 || ss >= NS) continue;
      if (aug.flipLeftRight) ss = NS - 1 - ss;
      const o = (a * NS + s) * NC,
        i = (sa * NS + ss) * NC;
      const c0 = Math.max(0, dc),
        c1 = Math.min(NC, NC + dc);
      for (let c = c0; c < c1; c++) out[o + c] = src[i + c - dc]!;
    }
  }
  return out;
}
