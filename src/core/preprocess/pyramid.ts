/**
 * The subject's image at registration resolutions: block means over whole voxels in its own grid
 * (an anti-aliasing filter that works for any voxel size and axis order), with the affine adjusted
 * so world coordinates stay exact.
 */
import { multiply } from '../volume/affine';
import type { Volume } from '../volume/types';
import { voxelSizes } from '../volume/affine';

export function blockMean(v: Volume<Float32Array>, spacingMm: number): Volume<Float32Array> {
  const vs = voxelSizes(v.affine);
  const f = vs.map((s) => Math.max(1, Math.round(spacingMm / s))) as [number, number, number];
  if (f[0] === 1 && f[1] === 1 && f[2] === 1) return v;
  const [nx, ny, nz] = v.dims;
  const [mx, my, mz] = [Math.floor(nx / f[0]), Math.floor(ny / f[1]), Math.floor(nz / f[2])];
  const out = new Float32Array(mx * my * mz);
  const src = v.data;
  for (let k = 0; k < mz * f[2]; k++) {
    const ok = Math.floor(k / f[2]);
    for (let j = 0; j < my * f[1]; j++) {
      const oj = Math.floor(j / f[1]);
      const row = nx * (j + ny * k);
      const orow = mx * (oj + my * ok);
      for (let i = 0; i < mx * f[0]; i++) {
        const x = src[row + i]!;
        if (x === x) out[orow + Math.floor(i / f[0])] += x;
      }
    }
  }
  const inv = 1 / (f[0] * f[1] * f[2]);
  for (let n = 0; n < out.length; n++) out[n] *= inv;
  // New voxel (I, J, K) is the mean of old voxels f*I .. f*I + f-1: its centre is old f*I + (f-1)/2.
  const scale = [f[0], 0, 0, (f[0] - 1) / 2, 0, f[1], 0, (f[1] - 1) / 2, 0, 0, f[2], (f[2] - 1) / 2, 0, 0, 0, 1];
  return { dims: [mx, my, mz], data: out, affine: multiply(v.affine, scale) };
}
