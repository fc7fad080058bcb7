/**
 * Where "go to region" puts the crosshair: per atlas label, the voxel of the region's largest raw
 * relevance (where the evidence is), or, where the region has no positive relevance, the region's
 * voxel nearest to its centroid (a centroid of a curved region can lie outside it).
 */
import type { Dims3 } from '../volume/types';

/** Result index = label value (0..maxLabel); -1 for labels without voxels. */
export function regionJumpTargets(relevance: Float32Array, labels: Uint8Array, dims: Dims3, maxLabel = 255): Int32Array {
  const [nx, ny] = dims;
  const n = labels.length;
  if (relevance.length !== n) throw new RangeError(`relevance has ${relevance.length} voxels, labels ${n}`);
  const size = maxLabel + 1;
  const peak = new Int32Array(size).fill(-1);
  const peakValue = new Float64Array(size);
  const count = new Float64Array(size);
  const si = new Float64Array(size);
  const sj = new Float64Array(size);
  const sk = new Float64Array(size);
  let v = 0;
  for (let k = 0; k < dims[2]; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, v++) {
        const l = labels[v];
        if (l === 0 || l > maxLabel) continue;
        count[l]++;
        si[l] += i;
        sj[l] += j;
        sk[l] += k;
        const r = relevance[v];
        if (r > 0 && r > peakValue[l]) {
          peakValue[l] = r;
          peak[l] = v;
        }
      }
    }
  }
  // Regions without positive relevance: a second pass for the voxel nearest the centroid.
  const need: number[] = [];
  for (let l = 1; l < size; l++) if (peak[l] < 0 && count[l] > 0) need.push(l);
  if (need.length > 0) {
    const best = new Float64Array(size).fill(Infinity);
    const ci = si.map((s, l) => s / (count[l] || 1));
    const cj = sj.map((s, l) => s / (count[l] || 1));
    const ck = sk.map((s, l) => s / (count[l] || 1));
    const wanted = new Uint8Array(size);
    for (const l of need) wanted[l] = 1;
    v = 0;
    for (let k = 0; k < dims[2]; k++) {
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++, v++) {
          const l = labels[v];
          if (l === 0 || l > maxLabel || !wanted[l]) continue;
          const d = (i - ci[l]) ** 2 + (j - cj[l]) ** 2 + (k - ck[l]) ** 2;
          if (d < best[l]) {
            best[l] = d;
            peak[l] = v;
          }
        }
      }
    }
  }
  return peak;
}
