/**
 * The QC picture: axial, coronal and sagittal slices of the warped scan through the left
 * hippocampus, with the template brain's outline in red, neurological orientation (the subject's
 * left on the left). A failed registration shows at a glance as brain and outline apart.
 * RGBA pixels (no DOM: the page puts them on a canvas, exports them as PNG).
 */
import { CAT12_GRID } from '../volume/grid';

export interface Montage {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

const [NX, NY, NZ] = CAT12_GRID.dims;
/** Slices at x = -27 mm (i = 78), y = -21 mm (j = 70), z = -12 mm (k = 40). */
export const MONTAGE_SLICES = { i: 78, j: 70, k: 40 } as const;
const SCALE = 2;

export function qcMontage(warped: Float32Array, templateBrain: Float32Array, white = 1.3): Montage {
  const panels = [
    { w: NX, h: NY, at: (c: number, r: number) => NX - 1 - c + NX * (NY - 1 - r + NY * MONTAGE_SLICES.k) },
    { w: NX, h: NZ, at: (c: number, r: number) => NX - 1 - c + NX * (MONTAGE_SLICES.j + NY * (NZ - 1 - r)) },
    { w: NY, h: NZ, at: (c: number, r: number) => MONTAGE_SLICES.i + NX * (NY - 1 - c + NY * (NZ - 1 - r)) },
  ];
  const width = SCALE * panels.reduce((s, p) => s + p.w, 0);
  const height = SCALE * Math.max(...panels.map((p) => p.h));
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let q = 3; q < rgba.length; q += 4) rgba[q] = 255;
  let x0 = 0;
  for (const p of panels) {
    const inBrain = (c: number, r: number) => c >= 0 && r >= 0 && c < p.w && r < p.h && templateBrain[p.at(c, r)]! > 0;
    for (let r = 0; r < p.h; r++)
      for (let c = 0; c < p.w; c++) {
        const v = warped[p.at(c, r)]!;
        const g = Math.max(0, Math.min(255, (v / white) * 255));
        const edge = inBrain(c, r) && (!inBrain(c - 1, r) || !inBrain(c + 1, r) || !inBrain(c, r - 1) || !inBrain(c, r + 1));
        const [R, G, B] = edge ? [255, 40, 40] : [g, g, g];
        for (let dy = 0; dy < SCALE; dy++)
          for (let dx = 0; dx < SCALE; dx++) {
            const o = ((r * SCALE + dy) * width + x0 + c * SCALE + dx) * 4;
            rgba[o] = R;
            rgba[o + 1] = G;
            rgba[o + 2] = B;
          }
      }
    x0 += p.w * SCALE;
  }
  return { width, height, rgba };
}
