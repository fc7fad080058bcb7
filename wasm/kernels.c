/*
 * Hand-written kernels for the 3D CNN of Dyrba et al. 2021 and its LRP.
 *
 * One source, two builds (scripts/build-wasm.sh):
 *   - SIMD128 (-msimd128): the 4-wide vector type below maps onto v128;
 *   - scalar (no -msimd128): clang legalises the same vector code into four
 *     scalar lanes, for browsers without SIMD.
 * Both builds perform the same IEEE float32 operations in the same order
 * (no FMA exists in non-relaxed wasm, and -ffp-contract=off forbids fusing),
 * so their results are bit-identical.
 *
 * No libc: compiled -ffreestanding -nostdlib. Memory is imported; the
 * TypeScript side (src/core/kernels/wasm/index.ts) owns it and hands out
 * byte offsets ("pointers") from an arena that starts at __heap_base.
 *
 * Layout: planar, channel-major [C][D][H][W] float32, W fastest.
 * Convolutions read a zero-padded copy [C][D+2][H+2][Wp] (Wp = round4(W) + 4),
 * written by pad3d, so the inner loops need no bounds checks.
 */

#ifdef __wasm_simd128__
#include <wasm_simd128.h> /* only the build-feature marker; the code uses vector extensions */
#endif

#define EXPORT(name) __attribute__((export_name(#name), visibility("default")))
#define INLINE static inline __attribute__((always_inline))

typedef float f4 __attribute__((vector_size(16)));
typedef float f4u __attribute__((vector_size(16), aligned(4)));
typedef int i4 __attribute__((vector_size(16)));

INLINE f4 ld(const float *p) { return *(const f4u *)p; }
INLINE void st(float *p, f4 v) { *(f4u *)p = v; }
INLINE f4 splat(float x) { return (f4){x, x, x, x}; }
/* max(v, 0) with +0 for v <= 0 and for NaN; same in both builds. */
INLINE f4 pos4(f4 v) {
  const f4 z = {0, 0, 0, 0};
  return (f4)((i4)v & (i4)(v > z));
}
INLINE float pos1(float v) { return v > 0.0f ? v : 0.0f; }
INLINE float neg1(float v) { return v < 0.0f ? v : 0.0f; }

/* Version of the kernel ABI; bump when an export changes meaning. */
EXPORT(kernels_abi_version) int kernels_abi_version(void) { return 2; }

/* Built for a shared memory (threads): -matomics. */
EXPORT(has_threads) int has_threads(void) {
#ifdef __wasm_atomics__
  return 1;
#else
  return 0;
#endif
}

EXPORT(has_simd) int has_simd(void) {
#ifdef __wasm_simd128__
  return 1;
#else
  return 0;
#endif
}

INLINE int padded_row(int W) { return ((W + 3) & ~3) + 4; }

/* Offsets are int: wasm32 memory is below 4 GiB and every tensor here below 2 GiB. */

/* Number of floats of the padded copy of a [C][D][H][W] volume. */
EXPORT(padded_floats) int padded_floats(int C, int D, int H, int W) {
  return C * (D + 2) * (H + 2) * padded_row(W);
}

/*
 * Zero-padded copy of in [C][D][H][W] into out [C][D+2][H+2][Wp].
 * part: 0 = as is, 1 = positive part max(x,0), 2 = negative part min(x,0).
 * The positive and negative parts of one tensor can be stacked as 2C channels
 * by two calls, the second with out advanced by C padded channels.
 */
EXPORT(pad3d)
void pad3d(const float *restrict in, float *restrict out, int C, int D, int H, int W, int part) {
  const int Wp = padded_row(W);
  for (int c = 0; c < C; c++) {
    for (int pd = 0; pd < D + 2; pd++) {
      for (int ph = 0; ph < H + 2; ph++) {
        float *row = out + (((long)c * (D + 2) + pd) * (H + 2) + ph) * Wp;
        if (pd == 0 || pd == D + 1 || ph == 0 || ph == H + 1) {
          for (int w = 0; w < Wp; w++) row[w] = 0.0f;
          continue;
        }
        const float *src = in + (((long)c * D + (pd - 1)) * H + (ph - 1)) * W;
        row[0] = 0.0f;
        if (part == 1) {
          for (int w = 0; w < W; w++) row[w + 1] = pos1(src[w]);
        } else if (part == 2) {
          for (int w = 0; w < W; w++) row[w + 1] = neg1(src[w]);
        } else {
          for (int w = 0; w < W; w++) row[w + 1] = src[w];
        }
        for (int w = W + 1; w < Wp; w++) row[w] = 0.0f;
      }
    }
  }
}

/* Same as pad3d(in, out, ...) then pad3d(in, out + C padded channels, ...): [x+ ; x-], one read of in. */
EXPORT(pad3d_posneg)
void pad3d_posneg(const float *restrict in, float *restrict out, int C, int D, int H, int W) {
  const int Wp = padded_row(W);
  const int chanP = (D + 2) * (H + 2) * Wp;
  for (int c = 0; c < C; c++) {
    for (int pd = 0; pd < D + 2; pd++) {
      for (int ph = 0; ph < H + 2; ph++) {
        float *rp = out + ((c * (D + 2) + pd) * (H + 2) + ph) * Wp;
        float *rn = rp + C * chanP;
        if (pd == 0 || pd == D + 1 || ph == 0 || ph == H + 1) {
          for (int w = 0; w < Wp; w++) rp[w] = rn[w] = 0.0f;
          continue;
        }
        const float *src = in + ((c * D + (pd - 1)) * H + (ph - 1)) * W;
        rp[0] = rn[0] = 0.0f;
        for (int w = 0; w < W; w++) {
          rp[w + 1] = pos1(src[w]);
          rn[w + 1] = neg1(src[w]);
        }
        for (int w = W + 1; w < Wp; w++) rp[w] = rn[w] = 0.0f;
      }
    }
  }
}

/* Padded copy of num / SD(den) (see ew_safe_div): the input of an LRP transposed conv, in one pass. */
EXPORT(pad3d_safe_div)
void pad3d_safe_div(const float *restrict num, const float *restrict den, float *restrict out,
                    int C, int D, int H, int W) {
  const int Wp = padded_row(W);
  for (int c = 0; c < C; c++) {
    for (int pd = 0; pd < D + 2; pd++) {
      for (int ph = 0; ph < H + 2; ph++) {
        float *row = out + ((c * (D + 2) + pd) * (H + 2) + ph) * Wp;
        if (pd == 0 || pd == D + 1 || ph == 0 || ph == H + 1) {
          for (int w = 0; w < Wp; w++) row[w] = 0.0f;
          continue;
        }
        const int off = ((c * D + (pd - 1)) * H + (ph - 1)) * W;
        row[0] = 0.0f;
        for (int w = 0; w < W; w++) {
          const float d = den[off + w];
          row[w + 1] = num[off + w] / (d == 0.0f ? d + 1e-7f : d);
        }
        for (int w = W + 1; w < Wp; w++) row[w] = 0.0f;
      }
    }
  }
}

/*
 * Output channels are processed in groups of G <= MAX_GROUP accumulators
 * (x64 engines have 16 vector registers): groups = ceil(Cout / MAX_GROUP),
 * G = ceil(Cout / groups) except a smaller last group (10 -> 5 + 5).
 * The TypeScript packer (layout.ts, packConvWeights) uses the same split.
 */
#define MAX_GROUP 6

EXPORT(conv_group_size) int conv_group_size(int Cout) {
  const int groups = (Cout + MAX_GROUP - 1) / MAX_GROUP;
  return (Cout + groups - 1) / groups;
}

/*
 * One group of G output channels (co0 .. co0+G-1) of a 3x3x3 convolution on
 * a padded input. G is a compile-time constant at every call site so the G
 * accumulators live in registers; every input vector load feeds all G.
 *
 * wg: this group's pre-splatted weights [Cin][27][G][4] (k = (kd*3+kh)*3+kw),
 * each weight repeated in four lanes, read by one running pointer with
 * constant offsets. Summation order per output: bias, then ci, kd, kh, kw.
 */
INLINE void conv_chunk(const float *restrict xc, float *restrict oc, const float *restrict wg,
                       const float *restrict bias, int Cin, const int G, const int U, int volP,
                       int planeP, int Wp, int volO, int relu, int valid) {
  f4 acc[MAX_GROUP * 4];
  for (int g = 0; g < G; g++)
    for (int u = 0; u < U; u++) acc[g * U + u] = splat(bias ? bias[g] : 0.0f);
  const float *wk = wg;
#pragma clang loop unroll(disable)
  for (int ci = 0; ci < Cin; ci++, xc += volP) {
    const float *xd = xc;
#pragma clang loop unroll(disable)
    for (int kd = 0; kd < 3; kd++, xd += planeP) {
      const float *xr = xd;
#pragma clang loop unroll(disable)
      for (int kh = 0; kh < 3; kh++, xr += Wp, wk += 3 * G * 4) {
        for (int kw = 0; kw < 3; kw++) {
          f4 x[4];
          for (int u = 0; u < U; u++) x[u] = ld(xr + 4 * u + kw);
          for (int g = 0; g < G; g++) {
            const f4 wv = ld(wk + (kw * G + g) * 4);
            for (int u = 0; u < U; u++) acc[g * U + u] = acc[g * U + u] + x[u] * wv;
          }
        }
      }
    }
  }
  if (relu)
    for (int i = 0; i < G * U; i++) acc[i] = pos4(acc[i]);
  if (valid >= 4 * U) {
    for (int g = 0; g < G; g++)
      for (int u = 0; u < U; u++) st(oc + g * volO + 4 * u, acc[g * U + u]);
  } else { /* U == 1 here: the last 1..3 outputs of a row */
    for (int g = 0; g < G; g++) {
      float *o = oc + g * volO;
      o[0] = acc[g][0];
      if (valid > 1) o[1] = acc[g][1];
      if (valid > 2) o[2] = acc[g][2];
    }
  }
}

/*
 * One group of G output channels (co0 .. co0+G-1) of a 3x3x3 convolution on
 * a padded input. G is a compile-time constant at every call site so the
 * G x U accumulators (U 4-wide chunks along W) live in registers; every
 * input vector load feeds all G, every weight load all U chunks.
 *
 * wg: this group's pre-splatted weights [Cin][27][G][4] (k = (kd*3+kh)*3+kw),
 * each weight repeated in four lanes, read by one running pointer with
 * constant offsets. Summation order per output: bias, then ci, kd, kh, kw.
 */
INLINE void conv_group(const float *restrict xp, float *restrict out, const float *restrict wg,
                       const float *restrict bias, int Cin, int co0, const int G, int D, int H,
                       int W, int relu, int d0, int d1) {
  const int Wp = padded_row(W);
  const int planeP = (H + 2) * Wp;
  const int volP = (D + 2) * planeP;
  const int volO = D * H * W;
  /* Chunks per step so that several chunks share each weight load, within about
     10 accumulators (measured: 5 channels x 2 chunks beats x 1 by 10-15%). */
  const int U = G <= 2 ? 4 : G <= 5 ? 2 : 1;
  const float *b = bias ? bias + co0 : 0;

  for (int d = d0; d < d1; d++) {
    for (int h = 0; h < H; h++) {
      float *orow = out + co0 * volO + (d * H + h) * W;
      const float *xrow = xp + d * planeP + h * Wp;
      int w0 = 0;
      for (; w0 + 4 * U <= W; w0 += 4 * U)
        conv_chunk(xrow + w0, orow + w0, wg, b, Cin, G, U, volP, planeP, Wp, volO, relu, 4 * U);
      for (; w0 < W; w0 += 4)
        conv_chunk(xrow + w0, orow + w0, wg, b, Cin, G, 1, volP, planeP, Wp, volO, relu, W - w0);
    }
  }
}

/*
 * Output depth slices [d0, d1) of a 3x3x3 'same' convolution, stride 1 (threads
 * split the depth; each output is computed exactly as in a single-thread call): out[co] = bias[co] + sum_ci,k x[ci] * w.
 * xp: padded input (pad3d) with Cin channels; out: planar [Cout][D][H][W];
 * ws: pre-splatted weights, group after group, each [Cin][27][G][4];
 * bias: Cout floats or 0 for none; relu != 0 fuses max(.,0).
 * The input gradient (transposed convolution) is this same call with the
 * kernel flipped in all three axes and in/out swapped (packed on the TS side).
 */
EXPORT(conv3d_padded_range)
void conv3d_padded_range(const float *restrict xp, float *restrict out, const float *restrict ws,
                         const float *restrict bias, int Cin, int Cout, int D, int H, int W,
                         int relu, int d0, int d1) {
  const int per = conv_group_size(Cout);
  for (int co0 = 0; co0 < Cout; co0 += per) {
    const int G = Cout - co0 < per ? Cout - co0 : per;
    const float *wg = ws + co0 * Cin * 27 * 4;
#define GROUP(n) conv_group(xp, out, wg, bias, Cin, co0, n, D, H, W, relu, d0, d1)
    switch (G) {
    case 1: GROUP(1); break;
    case 2: GROUP(2); break;
    case 3: GROUP(3); break;
    case 4: GROUP(4); break;
    case 5: GROUP(5); break;
    default: GROUP(6); break;
    }
#undef GROUP
  }
}

/* The whole output: conv3d_padded_range over [0, D). */
EXPORT(conv3d_padded)
void conv3d_padded(const float *restrict xp, float *restrict out, const float *restrict ws,
                   const float *restrict bias, int Cin, int Cout, int D, int H, int W, int relu) {
  conv3d_padded_range(xp, out, ws, bias, Cin, Cout, D, H, W, relu, 0, D);
}

/*
 * MaxPool3D 2x2x2, stride 2, 'valid' (odd sizes floor). Records in idx the
 * flat input index (channel included) of the first maximum in scan order
 * d, h, w (strict '>' keeps the first).
 */
EXPORT(maxpool3d_argmax)
void maxpool3d_argmax(const float *restrict in, float *restrict out, int *restrict idx, int C,
                      int D, int H, int W) {
  const int Do = D / 2, Ho = H / 2, Wo = W / 2;
  const long plane = (long)H * W, vol = (long)D * plane;
  long o = 0;
  for (int c = 0; c < C; c++) {
    for (int od = 0; od < Do; od++) {
      for (int oh = 0; oh < Ho; oh++) {
        const long r00 = c * vol + (2L * od) * plane + (2L * oh) * W;
        const long r01 = r00 + W, r10 = r00 + plane, r11 = r10 + W;
        for (int ow = 0; ow < Wo; ow++, o++) {
          const long w = 2L * ow;
          long bi = r00 + w;
          float best = in[bi];
#define TRY(i)                                                                                     \
  {                                                                                                \
    const long j = (i);                                                                            \
    if (in[j] > best) {                                                                            \
      best = in[j];                                                                                \
      bi = j;                                                                                      \
    }                                                                                              \
  }
          TRY(r00 + w + 1)
          TRY(r01 + w) TRY(r01 + w + 1)
          TRY(r10 + w) TRY(r10 + w + 1)
          TRY(r11 + w) TRY(r11 + w + 1)
#undef TRY
          out[o] = best;
          idx[o] = (int)bi;
        }
      }
    }
  }
}

/*
 * Relevance routing of max-pooling: rin = 0, then rin[idx[o]] = rout[o] (windows
 * are disjoint). Indices outside rin (a mismatched buffer) are skipped rather
 * than written over a neighbouring tensor.
 */
EXPORT(maxpool3d_route)
void maxpool3d_route(const float *restrict rout, const int *restrict idx, float *restrict rin,
                     int nOut, int nIn) {
  for (int i = 0; i < nIn; i++) rin[i] = 0.0f;
  for (int o = 0; o < nOut; o++)
    if ((unsigned)idx[o] < (unsigned)nIn) rin[idx[o]] = rout[o];
}

/* ---- elementwise (in place allowed: out may equal an input) ---- */

EXPORT(ew_mul) void ew_mul(const float *a, const float *b, float *out, int n) {
  for (int i = 0; i < n; i++) out[i] = a[i] * b[i];
}

EXPORT(ew_add) void ew_add(const float *a, const float *b, float *out, int n) {
  for (int i = 0; i < n; i++) out[i] = a[i] + b[i];
}

EXPORT(ew_pos) void ew_pos(const float *x, float *out, int n) {
  for (int i = 0; i < n; i++) out[i] = pos1(x[i]);
}

EXPORT(ew_neg) void ew_neg(const float *x, float *out, int n) {
  for (int i = 0; i < n; i++) out[i] = neg1(x[i]);
}

EXPORT(ew_fill) void ew_fill(float *out, float v, int n) {
  for (int i = 0; i < n; i++) out[i] = v;
}

/* Safe divide: out = num / SD(den), SD(d) = d + 1e-7 where d == 0 exactly, else d. */
EXPORT(ew_safe_div) void ew_safe_div(const float *num, const float *den, float *out, int n) {
  for (int i = 0; i < n; i++) {
    const float d = den[i];
    out[i] = num[i] / (d == 0.0f ? d + 1e-7f : d);
  }
}

/* Epsilon-rule divide: out = num / (den + eps * s(den)), s(d) = +1 if d >= 0 else -1. */
EXPORT(ew_eps_div)
void ew_eps_div(const float *num, const float *den, float *out, int n, float eps) {
  for (int i = 0; i < n; i++) {
    const float d = den[i];
    out[i] = num[i] / (d >= 0.0f ? d + eps : d - eps);
  }
}

/*
 * Last step of an alpha1-beta0 conv rule on stacked gradients:
 * out = max(a,0) * cpos + min(a,0) * cneg (so inputs equal to 0 get exactly 0).
 */
EXPORT(ew_posneg_mul)
void ew_posneg_mul(const float *a, const float *cpos, const float *cneg, float *out, int n) {
  for (int i = 0; i < n; i++) {
    const float x = a[i];
    out[i] = pos1(x) * cpos[i] + neg1(x) * cneg[i];
  }
}

/* Per-channel affine (BatchNormalization folded): out = in * scale[c] + shift[c]. */
EXPORT(bn_affine)
void bn_affine(const float *in, float *out, const float *scale, const float *shift, int C,
               int perChannel) {
  for (int c = 0; c < C; c++) {
    const float k = scale[c], b = shift[c];
    const float *x = in + (long)c * perChannel;
    float *y = out + (long)c * perChannel;
    for (int i = 0; i < perChannel; i++) y[i] = x[i] * k + b;
  }
}

/*
 * innvestigate 1.0.9's BN backward rule (docs/lrp.md): surrogate y' = k*a + b'
 * per channel, R_in = 2*r_pp - r_pn,
 * r_pp = a+ k+ R / SD(a+ k+ + b'+), r_pn = a+ k- R / SD(a+ k- + b'-).
 */
EXPORT(lrp_bn_alphabeta)
void lrp_bn_alphabeta(const float *a, const float *r, float *out, const float *k,
                      const float *bprime, int C, int perChannel) {
  for (int c = 0; c < C; c++) {
    const float kp = pos1(k[c]), kn = neg1(k[c]);
    const float bp = pos1(bprime[c]), bn = neg1(bprime[c]);
    const long off = (long)c * perChannel;
    for (int i = 0; i < perChannel; i++) {
      const float ap = pos1(a[off + i]);
      const float zp = ap * kp, zn = ap * kn;
      const float dp = zp + bp, dn = zn + bn;
      const float rpp = zp * r[off + i] / (dp == 0.0f ? dp + 1e-7f : dp);
      const float rpn = zn * r[off + i] / (dn == 0.0f ? dn + 1e-7f : dn);
      out[off + i] = 2.0f * rpp - rpn;
    }
  }
}

/* ---- dense; kernel in Keras layout [nin][nout] ---- */

/* y[j] = b[j] + sum_i x[i] * w[i][j] (i ascending), optional ReLU; b may be 0. */
EXPORT(dense_forward)
void dense_forward(const float *restrict x, const float *restrict w, const float *restrict b,
                   float *restrict y, int nin, int nout, int relu) {
  for (int j = 0; j < nout; j++) y[j] = b ? b[j] : 0.0f;
  for (int i = 0; i < nin; i++) {
    const float xi = x[i];
    const float *wr = w + (long)i * nout;
    for (int j = 0; j < nout; j++) y[j] = y[j] + xi * wr[j];
  }
  if (relu)
    for (int j = 0; j < nout; j++) y[j] = pos1(y[j]);
}

/*
 * Transpose: g[i] = sum_j w[i][j] * s[j]. Four partial sums over j mod 4 in
 * vector lanes, combined in a fixed order, then the tail: identical in both builds.
 */
EXPORT(dense_transpose)
void dense_transpose(const float *restrict s, const float *restrict w, float *restrict g, int nin,
                     int nout) {
  const int n4 = nout & ~3;
  for (int i = 0; i < nin; i++) {
    const float *wr = w + (long)i * nout;
    f4 acc = splat(0.0f);
    for (int j = 0; j < n4; j += 4) acc = acc + ld(wr + j) * ld(s + j);
    float t = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (int j = n4; j < nout; j++) t = t + wr[j] * s[j];
    g[i] = t;
  }
}

/* ---- training: the weight and bias gradients of a convolution ---- */

/*
 * Output channels per accumulator group of conv3d_wgrad: 3 kw taps x G channels
 * accumulators plus 3 input vectors and 1 gradient vector stay within the 16
 * vector registers of x64 engines for G <= 3 (5 -> 3 + 2).
 */
#define WG_MAX_GROUP 3

/*
 * One group of G output channels, one input channel, one (kd, kh) row of taps:
 * dw[(kd,kh,kw)][ci][co0+g] += sum over depth slices d of (the sum over the
 * slice's rows and 4-wide chunks, lanes combined (0+1)+(2+3)). Per-slice partial
 * sums keep the float32 error near that of a sum of H*W/4 terms.
 */
INLINE void wgrad_group(const float *restrict xc, const float *restrict gc, float *restrict dw,
                        int Cin, int Cout, int ci, int co0, const int G, int kd, int kh, int D,
                        int H, int W) {
  const int Wp = padded_row(W);
  const int planeP = (H + 2) * Wp;
  const int volP = (D + 2) * planeP;
  const int chunks = (W + 3) >> 2;
  for (int d = 0; d < D; d++) {
    f4 acc[WG_MAX_GROUP * 3];
    for (int i = 0; i < G * 3; i++) acc[i] = splat(0.0f);
    for (int h = 0; h < H; h++) {
      /* output (d, h) with tap (kd, kh) reads input (d+kd-1, h+kh-1): padded (d+kd, h+kh) */
      const float *xr = xc + (d + kd) * planeP + (h + kh) * Wp;
      /* the gradient of output (d, h, w) sits at padded (d+1, h+1, w+1); columns past W are 0 */
      const float *gr = gc + (d + 1) * planeP + (h + 1) * Wp + 1;
#pragma clang loop unroll(disable)
      for (int c = 0; c < chunks; c++) {
        const int w = 4 * c;
        const f4 x0 = ld(xr + w), x1 = ld(xr + w + 1), x2 = ld(xr + w + 2);
        for (int g = 0; g < G; g++) {
          const f4 gv = ld(gr + g * volP + w);
          acc[g * 3 + 0] = acc[g * 3 + 0] + x0 * gv;
          acc[g * 3 + 1] = acc[g * 3 + 1] + x1 * gv;
          acc[g * 3 + 2] = acc[g * 3 + 2] + x2 * gv;
        }
      }
    }
    for (int g = 0; g < G; g++)
      for (int kw = 0; kw < 3; kw++) {
        const f4 a = acc[g * 3 + kw];
        float *o = dw + (((kd * 3 + kh) * 3 + kw) * Cin + ci) * Cout + co0 + g;
        *o = *o + ((a[0] + a[1]) + (a[2] + a[3]));
      }
  }
}

/*
 * Weight and bias gradients of a 3x3x3 'same' convolution, stride 1, ADDED to
 * dw and db (a batch accumulates sample after sample; the caller zeroes them):
 *   dw[kd][kh][kw][ci][co] += sum_p x[ci][p + (kd-1, kh-1, kw-1)] * g[co][p]
 *   db[co] += sum_p g[co][p]
 * dw is in Keras kernel layout. xp: padded input (pad3d), Cin channels;
 * gp: padded gradient of the output (pad3d), Cout channels. Reading g padded
 * makes every row whole 4-wide chunks whose columns past W are 0, so the input
 * columns they pair with contribute exactly 0.
 */
EXPORT(conv3d_wgrad)
void conv3d_wgrad(const float *restrict xp, const float *restrict gp, float *restrict dw,
                  float *restrict db, int Cin, int Cout, int D, int H, int W) {
  const int Wp = padded_row(W);
  const int planeP = (H + 2) * Wp;
  const int volP = (D + 2) * planeP;
  const int groups = (Cout + WG_MAX_GROUP - 1) / WG_MAX_GROUP;
  const int per = (Cout + groups - 1) / groups;
  for (int ci = 0; ci < Cin; ci++)
    for (int co0 = 0; co0 < Cout; co0 += per) {
      const int G = Cout - co0 < per ? Cout - co0 : per;
      const float *xc = xp + ci * volP, *gc = gp + co0 * volP;
      for (int kd = 0; kd < 3; kd++)
        for (int kh = 0; kh < 3; kh++) {
#define WGROUP(n) wgrad_group(xc, gc, dw, Cin, Cout, ci, co0, n, kd, kh, D, H, W)
          switch (G) {
          case 1: WGROUP(1); break;
          case 2: WGROUP(2); break;
          default: WGROUP(3); break;
          }
#undef WGROUP
        }
    }
  const int chunks = (W + 3) >> 2;
  for (int co = 0; co < Cout; co++) {
    const float *gc = gp + co * volP;
    for (int d = 0; d < D; d++) {
      f4 acc = splat(0.0f);
      for (int h = 0; h < H; h++) {
        const float *gr = gc + (d + 1) * planeP + (h + 1) * Wp + 1;
        for (int c = 0; c < chunks; c++) acc = acc + ld(gr + 4 * c);
      }
      db[co] = db[co] + ((acc[0] + acc[1]) + (acc[2] + acc[3]));
    }
  }
}
