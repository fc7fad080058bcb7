/**
 * Slices of maps on the CAT12 grid as RGB pictures for the report (pure): relevance in a diverging
 * colour scale (red-yellow positive, blue-cyan negative, scaled to a robust maximum of |value| and
 * clipped, values under a tenth of it left out) over a grey background map, in neurological
 * orientation (the subject's left on the left, anterior/superior up).
 */
import { percentileOfAbs } from '../analysis/scale';
import { CAT12_GRID } from '../volume/grid';

export type Plane = 'axial' | 'coronal' | 'sagittal';

/** Grid voxel through the left hippocampus (MNI about -26, -22, -12 mm): the paper's region of interest. */
export const HIPPOCAMPUS_VOXEL: readonly [number, number, number] = [77, 69, 40];

const [NX, NY, NZ] = CAT12_GRID.dims;
const at = (i: number, j: number, k: number) => i + NX * (j + NY * k);

/** Picture size and the grid voxel behind picture pixel (x, y). Grid i runs right-to-left (LAS), j posterior-to-anterior, k inferior-to-superior. */
function planeGeometry(plane: Plane, [ci, cj, ck]: readonly [number, number, number]) {
  if (plane === 'axial') return { w: NX, h: NY, voxel: (x: number, y: number) => at(NX - 1 - x, NY - 1 - y, ck) };
  if (plane === 'coronal') return { w: NX, h: NZ, voxel: (x: number, y: number) => at(NX - 1 - x, cj, NZ - 1 - y) };
  return { w: NY, h: NZ, voxel: (x: number, y: number) => at(ci, x, NZ - 1 - y) };
}

export function maxAbs(map: ArrayLike<number>): number {
  let m = 0;
  for (let v = 0; v < map.length; v++) {
    const a = Math.abs(map[v]!);
    if (a > m) m = a;
  }
  return m;
}

/**
 * The colour scale's top: the 99.9th percentile of |value| over the grid. Relevance is sparse and a
 * few extreme voxels would otherwise leave every other voxel under the display threshold.
 */
export function robustScale(map: Float32Array): number {
  return percentileOfAbs(map, 99.9) || maxAbs(map);
}

export function sliceRgb(
  map: Float32Array,
  background: Float32Array,
  plane: Plane,
  centre: readonly [number, number, number] = HIPPOCAMPUS_VOXEL,
  scale = robustScale(map),
): { rgb: Uint8Array; width: number; height: number } {
  const { w, h, voxel } = planeGeometry(plane, centre);
  const bgMax = maxAbs(background) || 1;
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const v = voxel(x, y);
      const grey = Math.max(0, Math.min(255, (background[v]! / bgMax) * 255));
      let r = grey,
        g = grey,
        b = grey;
      const t = scale > 0 ? map[v]! / scale : 0;
      if (Math.abs(t) >= 0.1) {
        const s = Math.min(1, Math.abs(t));
        [r, g, b] = t > 0 ? [255, 255 * s, 0] : [0, 255 * s, 255];
      }
      const o = 3 * (x + w * y);
      rgb[o] = r;
      rgb[o + 1] = g;
      rgb[o + 2] = b;
    }
  return { rgb, width: w, height: h };
}
