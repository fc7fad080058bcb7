/**
 * A volume stored on every `step`-th voxel of a grid and brought back by trilinear interpolation.
 *
 * Why: a covariate model's five coefficient maps are smooth (covariate effects vary over
 * centimetres) but, fitted voxel by voxel on ~100 subjects, carry voxel-scale noise that gzip cannot
 * squeeze; kept on every 2nd voxel they take an eighth of the bytes (a model's covariates.bin.gz
 * ~6 MB -> ~0.9 MB) and lose only that noise. Training residualizes with the very maps the app
 * interpolates (the same function), so the network's inputs stay bit-identical between the two.
 *
 * Coarse voxel c sits on fine voxel step * c, so a coarse axis has floor((n - 1) / step) + 1 voxels
 * and fine voxels beyond the last coarse one repeat its value (clamped).
 */
export type Dims3 = readonly [number, number, number];

export function coarseDims(dims: Dims3, step: number): [number, number, number] {
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`step must be a positive integer, not ${step}`);
  return [0, 1, 2].map((a) => Math.floor((dims[a]! - 1) / step) + 1) as [number, number, number];
}

/** Per fine index along one axis: the lower coarse index, the upper one, and the upper's weight. */
function axisWeights(n: number, nc: number, step: number): { lo: Int32Array; hi: Int32Array; w: Float32Array } {
  const lo = new Int32Array(n),
    hi = new Int32Array(n),
    w = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const c = Math.min(i / step, nc - 1);
    lo[i] = Math.floor(c);
    hi[i] = Math.min(lo[i]! + 1, nc - 1);
    w[i] = c - lo[i]!;
  }
  return { lo, hi, w };
}

/** The fine volume (dims, x fastest) of a coarse one kept on every `step`-th voxel. */
export function upsampleLinear(coarse: Float32Array, dims: Dims3, step: number): Float32Array {
  const cd = coarseDims(dims, step);
  if (coarse.length !== cd[0] * cd[1] * cd[2]) throw new RangeError(`a coarse volume of ${dims.join('x')} at step ${step} has ${cd.join('x')} voxels`);
  const [ax, ay, az] = [0, 1, 2].map((a) => axisWeights(dims[a]!, cd[a]!, step));
  const out = new Float32Array(dims[0] * dims[1] * dims[2]);
  const sy = cd[0],
    sz = cd[0] * cd[1];
  let o = 0;
  for (let k = 0; k < dims[2]; k++) {
    const z0 = az!.lo[k]! * sz,
      z1 = az!.hi[k]! * sz,
      wz = az!.w[k]!;
    for (let j = 0; j < dims[1]; j++) {
      const y0 = ay!.lo[j]! * sy,
        y1 = ay!.hi[j]! * sy,
        wy = ay!.w[j]!;
      for (let i = 0; i < dims[0]; i++, o++) {
        const x0 = ax!.lo[i]!,
          x1 = ax!.hi[i]!,
          wx = ax!.w[i]!;
        const c00 = coarse[z0 + y0 + x0]! + wx * (coarse[z0 + y0 + x1]! - coarse[z0 + y0 + x0]!);
        const c10 = coarse[z0 + y1 + x0]! + wx * (coarse[z0 + y1 + x1]! - coarse[z0 + y1 + x0]!);
        const c01 = coarse[z1 + y0 + x0]! + wx * (coarse[z1 + y0 + x1]! - coarse[z1 + y0 + x0]!);
        const c11 = coarse[z1 + y1 + x0]! + wx * (coarse[z1 + y1 + x1]! - coarse[z1 + y1 + x0]!);
        const c0 = c00 + wy * (c10 - c00),
          c1 = c01 + wy * (c11 - c01);
        out[o] = c0 + wz * (c1 - c0);
      }
    }
  }
  return out;
}

/**
 * The coarse volume whose interpolation best approximates `fine`: each coarse voxel the mean of the
 * fine voxels it interpolates into, weighted by the interpolation weights (the transpose of
 * upsampleLinear, normalized). For smooth volumes this is close to least squares and removes the
 * voxel-scale noise; it is what training stores. Fine voxels where `mask` is 0 count for nothing
 * (values known only inside a crop are not pulled towards the zeros around it).
 */
export function downsampleLinear(fine: Float32Array, dims: Dims3, step: number, mask?: Uint8Array): Float32Array {
  const cd = coarseDims(dims, step);
  if (fine.length !== dims[0] * dims[1] * dims[2] || (mask && mask.length !== fine.length))
    throw new RangeError(`a fine volume (and its mask) must have ${dims.join('x')} voxels`);
  const [ax, ay, az] = [0, 1, 2].map((a) => axisWeights(dims[a]!, cd[a]!, step));
  const n = cd[0] * cd[1] * cd[2];
  const sum = new Float64Array(n),
    weight = new Float64Array(n);
  const sy = cd[0],
    sz = cd[0] * cd[1];
  let o = 0;
  for (let k = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++) {
      for (let i = 0; i < dims[0]; i++, o++) {
        if (mask && !mask[o]) continue;
        const v = fine[o]!;
        for (let dz = 0; dz < 2; dz++) {
          const cz = dz ? az!.hi[k]! : az!.lo[k]!,
            wz = dz ? az!.w[k]! : 1 - az!.w[k]!;
          if (wz === 0) continue;
          for (let dy = 0; dy < 2; dy++) {
            const cy = dy ? ay!.hi[j]! : ay!.lo[j]!,
              wy = dy ? ay!.w[j]! : 1 - ay!.w[j]!;
            if (wy === 0) continue;
            for (let dx = 0; dx < 2; dx++) {
              const cx = dx ? ax!.hi[i]! : ax!.lo[i]!,
                w = (dx ? ax!.w[i]! : 1 - ax!.w[i]!) * wy * wz;
              if (w === 0) continue;
              const c = cz * sz + cy * sy + cx;
              sum[c]! += w * v;
              weight[c]! += w;
            }
          }
        }
      }
    }
  }
  const out = new Float32Array(n);
  for (let c = 0; c < n; c++) out[c] = weight[c]! > 0 ? sum[c]! / weight[c]! : 0;
  return out;
}
