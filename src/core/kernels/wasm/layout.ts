/**
 * Pure-TypeScript layout helpers for the wasm kernels: tfjs/Keras channels-last
 * (NDHWC, batch 1) <-> planar channel-major [C][D][H][W], and packing of Keras
 * Conv3D kernels [kd][kh][kw][in][out] into the kernels' pre-splatted layout.
 */

/** NDHWC (batch 1, i.e. [D][H][W][C]) -> planar [C][D][H][W]. */
export function ndhwcToPlanar(
  src: ArrayLike<number>,
  d: number,
  h: number,
  w: number,
  c: number,
  dst: Float32Array = new Float32Array(d * h * w * c),
): Float32Array {
  const vol = d * h * w;
  checkLength('ndhwcToPlanar src', src.length, vol * c);
  checkLength('ndhwcToPlanar dst', dst.length, vol * c);
  for (let v = 0; v < vol; v++) {
    for (let ch = 0; ch < c; ch++) dst[ch * vol + v] = src[v * c + ch]!;
  }
  return dst;
}

/** Planar [C][D][H][W] -> NDHWC (batch 1, [D][H][W][C]). */
export function planarToNdhwc(
  src: ArrayLike<number>,
  d: number,
  h: number,
  w: number,
  c: number,
  dst: Float32Array = new Float32Array(d * h * w * c),
): Float32Array {
  const vol = d * h * w;
  checkLength('planarToNdhwc src', src.length, vol * c);
  checkLength('planarToNdhwc dst', dst.length, vol * c);
  for (let v = 0; v < vol; v++) {
    for (let ch = 0; ch < c; ch++) dst[v * c + ch] = src[ch * vol + v]!;
  }
  return dst;
}

/**
 * The Dense layer after Flatten reads its input in Keras channels-last order
 * (row index ((d*H + h)*W + w)*C + c). Reorders the kernel rows [nin][nout] so
 * the same layer can read the planar [C][D][H][W] tensor directly.
 */
export function denseRowsNdhwcToPlanar(kernel: ArrayLike<number>, d: number, h: number, w: number, c: number, nout: number): Float32Array {
  const vol = d * h * w;
  checkLength('denseRowsNdhwcToPlanar kernel', kernel.length, vol * c * nout);
  const out = new Float32Array(vol * c * nout);
  for (let v = 0; v < vol; v++) {
    for (let ch = 0; ch < c; ch++) {
      const from = (v * c + ch) * nout;
      const to = (ch * vol + v) * nout;
      for (let j = 0; j < nout; j++) out[to + j] = kernel[from + j]!;
    }
  }
  return out;
}

/**
 * Which convolution a packed weight set performs.
 * - direction 'forward': Cin -> Cout as in the model;
 *   'transpose': the input gradient Cout -> Cin (kernel flipped in all axes).
 * - part: 'all' the weights; 'pos' max(w,0); 'neg' min(w,0);
 *   'posneg' stacks both along the model's input-channel axis: the forward
 *   conv then reads 2*Cin channels [x+ ; x-] (weights [w+ ; w-]), the
 *   transpose writes 2*Cin channels [grad through w+ ; grad through w-].
 *   'negpos' stacks them the other way, [w- ; w+]: the forward conv over
 *   [x+ ; x-] then sums the NEGATIVE contributions x+ w- + x- w+ (alpha-beta's
 *   beta group).
 */
export interface ConvPacking {
  direction: 'forward' | 'transpose';
  part: 'all' | 'pos' | 'neg' | 'posneg' | 'negpos';
}

/**
 * Output channels per accumulator group of the conv kernel (mirrors
 * conv_group_size in wasm/kernels.c): at most 6 accumulators, balanced.
 */
export function convGroupSize(cout: number): number {
  const groups = Math.ceil(cout / 6);
  return Math.ceil(cout / groups);
}

export interface PackedConvWeights {
  /** For each group of convGroupSize(cout) output channels: [cin][27][G][4] floats, each weight in 4 lanes. */
  data: Float32Array;
  /** Channels the packed convolution reads and writes. */
  cin: number;
  cout: number;
}

/** Packs a Keras Conv3D 3x3x3 kernel ([kd][kh][kw][in][out], flat) for conv3dPadded. */
export function packConvWeights(
  kernel: ArrayLike<number>,
  cin: number,
  cout: number,
  packing: ConvPacking = { direction: 'forward', part: 'all' },
): PackedConvWeights {
  checkLength('packConvWeights kernel', kernel.length, 27 * cin * cout);
  const stacked = packing.part === 'posneg' || packing.part === 'negpos';
  const [first, second] = packing.part === 'negpos' ? (['neg', 'pos'] as const) : (['pos', 'neg'] as const);
  const modelIn = stacked ? 2 * cin : cin; // model-side input channels after stacking
  const transpose = packing.direction === 'transpose';
  const cinEff = transpose ? cout : modelIn;
  const coutEff = transpose ? modelIn : cout;
  const data = new Float32Array(cinEff * 27 * coutEff * 4);
  const part = (v: number, stackIndex: number): number => {
    const p = stacked ? (stackIndex < cin ? first : second) : packing.part;
    if (p === 'pos') return v > 0 ? v : 0;
    if (p === 'neg') return v < 0 ? v : 0;
    return v;
  };
  // Group after group of output channels (convGroupSize), each [cinEff][27][G][4].
  const per = convGroupSize(coutEff);
  let at = 0;
  for (let co0 = 0; co0 < coutEff; co0 += per) {
    const G = Math.min(per, coutEff - co0);
    for (let ci = 0; ci < cinEff; ci++) {
      for (let k = 0; k < 27; k++) {
        for (let co = co0; co < co0 + G; co++) {
          // Model-side (input channel, output channel, tap) this packed weight comes from.
          const mi = transpose ? co : ci;
          const mo = transpose ? ci : co;
          const tap = transpose ? 26 - k : k;
          const v = part(kernel[(tap * cin + (mi % cin)) * cout + mo]!, mi);
          data[at++] = v;
          data[at++] = v;
          data[at++] = v;
          data[at++] = v;
        }
      }
    }
  }
  return { data, cin: cinEff, cout: coutEff };
}

/** Floats of the zero-padded copy conv3dPadded reads: [C][D+2][H+2][round4(W)+4]. */
export function paddedFloats(c: number, d: number, h: number, w: number): number {
  return c * (d + 2) * (h + 2) * (((w + 3) & ~3) + 4);
}

function checkLength(what: string, got: number, want: number): void {
  if (got !== want) throw new RangeError(`${what}: length ${got}, expected ${want}`);
}
