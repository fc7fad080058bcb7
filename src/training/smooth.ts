/**
 * Separable 3D Gaussian smoothing of a Fortran-ordered volume (i fastest), sigma in voxels,
 * kernel radius ceil(3 sigma), zero padding outside the volume (the volumes smoothed here are
 * zero at their borders: brain masks, GM maps).
 */
export function gaussianKernel1d(sigma: number): Float32Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * r + 1);
  let s = 0;
  for (let t = -r; t <= r; t++) s += k[t + r] = Math.exp(-(t * t) / (2 * sigma * sigma));
  for (let t = 0; t < k.length; t++) k[t] /= s;
  return k;
}

export function smooth3d(data: Float32Array, dims: readonly [number, number, number], sigma: number): Float32Array {
  if (sigma <= 0) return Float32Array.from(data);
  const [nx, ny, nz] = dims;
  const k = gaussianKernel1d(sigma);
  const r = (k.length - 1) >> 1;
  let src = Float32Array.from(data);
  let dst = new Float32Array(data.length);
  const strides = [1, nx, nx * ny];
  const sizes = [nx, ny, nz];
  for (let axis = 0; axis < 3; axis++) {
    const st = strides[axis]!,
      n = sizes[axis]!;
    const line = new Float32Array(n);
    // iterate over all lines along `axis`
    const [o1, o2] = [0, 1, 2].filter((a) => a !== axis) as [number, number];
    for (let b = 0; b < sizes[o2]!; b++)
      for (let a = 0; a < sizes[o1]!; a++) {
        const base = a * strides[o1]! + b * strides[o2]!;
        for (let t = 0; t < n; t++) line[t] = src[base + t * st]!;
        for (let t = 0; t < n; t++) {
          let acc = 0;
          const lo = Math.max(-r, -t),
            hi = Math.min(r, n - 1 - t);
          for (let q = lo; q <= hi; q++) acc += k[q + r]! * line[t + q]!;
          dst[base + t * st] = acc;
        }
      }
    [src, dst] = [dst, src];
  }
  return src;
}
