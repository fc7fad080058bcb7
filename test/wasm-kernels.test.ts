/**
 * Every wasm kernel against a plain, obviously-correct JS reference (naive
 * loops, float64 accumulation), on small odd-sized random volumes, for both
 * the SIMD and the scalar build; and the two builds against each other
 * (bit-identical: they perform the same float32 operations in the same order).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  denseRowsNdhwcToPlanar,
  ndhwcToPlanar,
  planarToNdhwc,
  simdSupported,
  type F32Buf,
  type Shape3,
  type WasmKernels,
} from '../src/core/kernels/wasm/index';
import { loadNodeKernels } from './helpers/wasm-kernels-node';
import { mulberry32 as rng } from '../src/training/prng';

// ---------- helpers ----------

/** Uniform in [-1, 1), with some exact zeros (LRP must give them exactly 0). */
function randomArray(n: number, seed: number, zeroFraction = 0.1): Float32Array {
  const r = rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = r() < zeroFraction ? 0 : r() * 2 - 1;
  return a;
}
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rel = 1e-5): void {
  expect(got.length).toBe(want.length);
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]!));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i]! - want[i]!);
    if (!(e <= worst)) {
      worst = e;
      at = i;
    }
  }
  const ok = worst <= rel * Math.max(scale, 1e-30);
  if (!ok) throw new Error(`max error ${worst} at ${at} (got ${got[at]}, want ${want[at]}), scale ${scale}`);
}
const vol = (s: Shape3): number => s.d * s.h * s.w;

// ---------- references (float64, naive) ----------

/**
 * Every connection of a 3x3x3 same conv with zero padding (kernel Keras [kd][kh][kw][cin][cout]):
 * visit(output index, input index, kernel index, output channel) for each output voxel and each
 * tap inside the volume. The references below are sums over these connections.
 */
function forEachConnection(cin: number, cout: number, s: Shape3, visit: (o: number, i: number, k: number, co: number) => void): void {
  const { d: D, h: H, w: W } = s;
  for (let co = 0; co < cout; co++)
    for (let d = 0; d < D; d++)
      for (let h = 0; h < H; h++)
        for (let w = 0; w < W; w++)
          for (let ci = 0; ci < cin; ci++)
            for (let kd = 0; kd < 3; kd++)
              for (let kh = 0; kh < 3; kh++)
                for (let kw = 0; kw < 3; kw++) {
                  const z = d + kd - 1,
                    y = h + kh - 1,
                    v = w + kw - 1;
                  if (z < 0 || z >= D || y < 0 || y >= H || v < 0 || v >= W) continue;
                  visit(((co * D + d) * H + h) * W + w, ((ci * D + z) * H + y) * W + v, (((kd * 3 + kh) * 3 + kw) * cin + ci) * cout + co, co);
                }
}

/** 3x3x3 same conv: out = bias + sum of x * k over the connections, optional ReLU. */
function refConv(x: Float32Array, k: Float32Array, b: Float32Array | null, cin: number, cout: number, s: Shape3, relu: boolean): Float64Array {
  const out = new Float64Array(cout * vol(s));
  if (b) out.forEach((_, o) => (out[o] = b[Math.floor(o / vol(s))]!));
  forEachConnection(cin, cout, s, (o, i, kk) => (out[o] += x[i]! * k[kk]!));
  return relu ? out.map((v) => Math.max(v, 0)) : out;
}

/** Input gradient of refConv (no bias): scatter each output's g through its taps. */
function refConvTranspose(g: Float32Array, k: Float32Array, cin: number, cout: number, s: Shape3): Float64Array {
  const out = new Float64Array(cin * vol(s));
  forEachConnection(cin, cout, s, (o, i, kk) => (out[i] += g[o]! * k[kk]!));
  return out;
}

/** Weight gradient of refConv: dw[k][ci][co] = sum_p x[ci][p + tap k] g[co][p]; db[co] = sum_p g[co][p]. */
function refConvWeightGrad(x: Float32Array, g: Float32Array, cin: number, cout: number, s: Shape3): { dw: Float64Array; db: Float64Array } {
  const dw = new Float64Array(27 * cin * cout),
    db = new Float64Array(cout);
  forEachConnection(cin, cout, s, (o, i, kk) => (dw[kk] += x[i]! * g[o]!));
  g.forEach((v, o) => (db[Math.floor(o / vol(s))] += v));
  return { dw, db };
}

/** docs/lrp.md conv alpha1-beta0 with the full bias, written out per connection. */
function refAlpha1Beta0(a: Float32Array, r: Float32Array, k: Float32Array, b: Float32Array, cin: number, cout: number, s: Shape3): Float64Array {
  const { d: D, h: H, w: W } = s;
  const n = D * H * W;
  const rin = new Float64Array(cin * n);
  const contrib = (ai: number, wv: number): number => ((ai > 0 && wv > 0) || (ai < 0 && wv < 0) ? ai * wv : 0);
  for (let co = 0; co < cout; co++)
    for (let d = 0; d < D; d++)
      for (let h = 0; h < H; h++)
        for (let w = 0; w < W; w++) {
          const taps: Array<[number, number]> = [];
          let den = b[co]!; // b+ + b- = b
          for (let ci = 0; ci < cin; ci++)
            for (let kd = 0; kd < 3; kd++)
              for (let kh = 0; kh < 3; kh++)
                for (let kw = 0; kw < 3; kw++) {
                  const z = d + kd - 1,
                    y = h + kh - 1,
                    v = w + kw - 1;
                  if (z < 0 || z >= D || y < 0 || y >= H || v < 0 || v >= W) continue;
                  const i = ((ci * D + z) * H + y) * W + v;
                  const c = contrib(a[i]!, k[(((kd * 3 + kh) * 3 + kw) * cin + ci) * cout + co]!);
                  den += c;
                  taps.push([i, c]);
                }
          const sd = den === 0 ? 1e-7 : den;
          const rj = r[((co * D + d) * H + h) * W + w]!;
          for (const [i, c] of taps) rin[i] += (c * rj) / sd;
        }
  return rin;
}

// ---------- fixtures ----------

const SHAPES: Shape3[] = [
  { d: 7, h: 9, w: 11 }, // W % 4 = 3
  { d: 5, h: 6, w: 8 }, // W % 4 = 0
  { d: 4, h: 3, w: 5 }, // W % 4 = 1
  { d: 3, h: 5, w: 2 }, // W % 4 = 2, narrower than one vector
  { d: 3, h: 4, w: 21 }, // wide enough for the 2- and 4-chunk steps used with 1..3 output channels
];
const CHANNELS: Array<[number, number]> = [
  [1, 5],
  [5, 5],
  [5, 1],
  [3, 13], // three output groups (5 + 5 + 3)
  [4, 2],
  [2, 6], // one group of 6 (one chunk per step)
];

const variants = ['simd', 'scalar'] as const;
const kernels: Partial<Record<(typeof variants)[number], WasmKernels>> = {};

beforeAll(async () => {
  for (const v of variants) kernels[v] = await loadNodeKernels(v, { arenaBytes: 8 << 20 });
});

it('Node supports SIMD128, so the SIMD build is the one auto-selection picks here', () => {
  expect(simdSupported()).toBe(true);
  expect(kernels.simd!.variant).toBe('simd');
});

for (const variant of variants) {
  describe(`${variant} build`, () => {
    const K = (): WasmKernels => kernels[variant]!;
    /** Allocation with guard zones on both sides, to catch writes outside the buffer. */
    function guarded(k: WasmKernels, n: number): { buf: F32Buf; intact: () => boolean } {
      const all = k.allocF32(n + 16);
      k.view(all).fill(12345);
      const buf = k.sub(all, 8, n);
      return {
        buf,
        intact: () => {
          const v = k.view(all);
          for (let i = 0; i < 8; i++) if (v[i] !== 12345 || v[n + 8 + i] !== 12345) return false;
          return true;
        },
      };
    }

    for (const s of SHAPES)
      for (const [cin, cout] of CHANNELS) {
        it(`conv3d ${cin}->${cout} on ${s.d}x${s.h}x${s.w}, bias, with and without ReLU`, () => {
          const k = K();
          const mark = k.mark();
          const x = randomArray(cin * vol(s), 1 + cin * 7 + cout);
          const kern = randomArray(27 * cin * cout, 2 + cin + cout, 0);
          const bias = randomArray(cout, 3, 0);
          const w = k.uploadConvWeights(kern, cin, cout);
          const scratch = k.allocF32(paddedOf(cin, s));
          const src = k.upload(x);
          const bb = k.upload(bias);
          for (const relu of [false, true]) {
            const out = guarded(k, cout * vol(s));
            k.conv3d(src, out.buf, w, bb, s, relu, scratch);
            expectClose(k.view(out.buf), refConv(x, kern, bias, cin, cout, s, relu));
            expect(out.intact()).toBe(true);
          }
          k.release(mark);
        });

        it(`transposed conv3d ${cout}->${cin} on ${s.d}x${s.h}x${s.w} is the input gradient`, () => {
          const k = K();
          const mark = k.mark();
          const g = randomArray(cout * vol(s), 11 + cin + cout);
          const kern = randomArray(27 * cin * cout, 12 + cin * cout, 0);
          const wt = k.uploadConvWeights(kern, cin, cout, { direction: 'transpose', part: 'all' });
          expect([wt.cin, wt.cout]).toEqual([cout, cin]);
          const out = guarded(k, cin * vol(s));
          k.conv3d(k.upload(g), out.buf, wt, null, s, false, k.allocF32(paddedOf(cout, s)));
          expectClose(k.view(out.buf), refConvTranspose(g, kern, cin, cout, s));
          expect(out.intact()).toBe(true);
          k.release(mark);
        });
      }

    for (const s of SHAPES)
      for (const [cin, cout] of CHANNELS)
        it(`conv3d weight gradient ${cin}->${cout} on ${s.d}x${s.h}x${s.w}: dw and db, accumulated onto what is there`, () => {
          const k = K();
          const mark = k.mark();
          const x = randomArray(cin * vol(s), 201 + cin * 3 + cout);
          const g = randomArray(cout * vol(s), 202 + cin + cout * 5, 0.3); // zeros, as after max-pool routing
          const px = k.allocF32(paddedOf(cin, s)),
            pg = k.allocF32(paddedOf(cout, s));
          k.pad3d(k.upload(x), px, cin, s);
          k.pad3d(k.upload(g), pg, cout, s);
          const dw = guarded(k, 27 * cin * cout),
            db = guarded(k, cout);
          k.fill(dw.buf, 0.5);
          k.fill(db.buf, -0.25);
          k.conv3dWeightGrad(px, pg, dw.buf, db.buf, cin, cout, s);
          const want = refConvWeightGrad(x, g, cin, cout, s);
          expectClose(
            k.view(dw.buf),
            Array.from(want.dw, (v) => v + 0.5),
          );
          expectClose(
            k.view(db.buf),
            Array.from(want.db, (v) => v - 0.25),
          );
          expect(dw.intact() && db.intact()).toBe(true);
          k.release(mark);
        });

    it('conv with positive-/negative-part weights on positive-/negative-part inputs', () => {
      const k = K();
      const mark = k.mark();
      const s = SHAPES[0]!;
      const [cin, cout] = [5, 5];
      const x = randomArray(cin * vol(s), 21);
      const kern = randomArray(27 * cin * cout, 22, 0);
      const src = k.upload(x);
      const out = k.allocF32(cout * vol(s));
      const pad = k.allocF32(paddedOf(cin, s));
      for (const wp of ['pos', 'neg'] as const)
        for (const xp of ['pos', 'neg'] as const) {
          const w = k.uploadConvWeights(kern, cin, cout, { direction: 'forward', part: wp });
          k.pad3d(src, pad, cin, s, xp);
          k.conv3dPadded(pad, out, w, null, s, false);
          const part = (p: 'pos' | 'neg', a: Float32Array) => a.map((v) => (p === 'pos' ? Math.max(v, 0) : Math.min(v, 0)));
          expectClose(k.view(out), refConv(part(xp, x), part(wp, kern), null, cin, cout, s, false));
        }
      k.release(mark);
    });

    it('fused pads: pad3dPosNeg = pad3d pos + pad3d neg; pad3dSafeDiv = safeDiv then pad3d', () => {
      const k = K();
      const mark = k.mark();
      const s = SHAPES[0]!;
      const c = 3;
      const x = k.upload(randomArray(c * vol(s), 25, 0.2));
      const y = k.upload(randomArray(c * vol(s), 26, 0.3)); // zeros: SD path
      const p1 = k.allocF32(paddedOf(2 * c, s)),
        p2 = k.allocF32(paddedOf(2 * c, s));
      k.fill(p1, 9);
      k.pad3dPosNeg(x, p1, c, s);
      k.pad3d(x, p2, c, s, 'pos');
      k.pad3d(x, p2, c, s, 'neg', c);
      expect(Array.from(k.view(p1))).toEqual(Array.from(k.view(p2)));
      const q = k.allocF32(c * vol(s));
      k.safeDiv(x, y, q);
      const p3 = k.sub(p1, 0, paddedOf(c, s)),
        p4 = k.sub(p2, 0, paddedOf(c, s));
      k.pad3dSafeDiv(x, y, p3, c, s);
      k.pad3d(q, p4, c, s);
      expect(Array.from(k.view(p3))).toEqual(Array.from(k.view(p4)));
      k.release(mark);
    });

    for (const [cin, cout] of [
      [1, 5],
      [5, 5],
      [5, 1],
    ] as const)
      it(`alpha1-beta0 conv step ${cin}->${cout} (stacked a+/a-, full bias) matches the per-connection rule`, () => {
        const k = K();
        const mark = k.mark();
        const s = SHAPES[0]!;
        const a = randomArray(cin * vol(s), 31 + cin, 0.2);
        const r = randomArray(cout * vol(s), 32 + cout);
        const kern = randomArray(27 * cin * cout, 33, 0);
        const bias = randomArray(cout, 34, 0);
        const plan = k.planConvAlpha1Beta0(kern, bias, cin, cout, s);
        const rin = k.allocF32(cin * vol(s));
        k.convAlpha1Beta0(plan, k.upload(a), k.upload(r), rin);
        const got = k.view(rin);
        expectClose(got, refAlpha1Beta0(a, r, kern, bias, cin, cout, s), 1e-4);
        for (let i = 0; i < a.length; i++) if (a[i] === 0) expect(got[i] === 0).toBe(true); // +0 or -0
        k.release(mark);
      });

    it('alpha1-beta0 plans of two layers sharing scratch give the results of separate plans', () => {
      const k = K();
      const mark = k.mark();
      const big: Shape3 = { d: 7, h: 9, w: 11 },
        small: Shape3 = { d: 2, h: 3, w: 5 }; // small needs less of each scratch
      const k1 = randomArray(27 * 5, 111, 0),
        k2 = randomArray(27 * 25, 112, 0);
      const b1 = randomArray(5, 113, 0),
        b2 = randomArray(5, 114, 0);
      const a1 = k.upload(randomArray(vol(big), 115)),
        r1 = k.upload(randomArray(5 * vol(big), 116));
      const a2 = k.upload(randomArray(5 * vol(small), 117)),
        r2 = k.upload(randomArray(5 * vol(small), 118));
      const run = (share: boolean): number[][] => {
        const p1 = k.planConvAlpha1Beta0(k1, b1, 1, 5, big);
        const p2 = k.planConvAlpha1Beta0(k2, b2, 5, 5, small, share ? p1 : {});
        const o1 = k.allocF32(vol(big)),
          o2 = k.allocF32(5 * vol(small));
        k.convAlpha1Beta0(p2, a2, r2, o2);
        k.convAlpha1Beta0(p1, a1, r1, o1);
        return [Array.from(k.view(o1)), Array.from(k.view(o2))];
      };
      expect(run(true)).toEqual(run(false));
      expect(() => k.planConvAlpha1Beta0(k1, b1, 1, 5, big, { z: k.allocF32(10) })).toThrow(RangeError);
      const before = Array.from(k.view(r1));
      k.prefault(); // keeps contents
      expect(Array.from(k.view(r1))).toEqual(before);
      k.release(mark);
    });

    it('alpha1-beta0 with a zero denominator uses SD = 1e-7', () => {
      const k = K();
      const mark = k.mark();
      const s: Shape3 = { d: 3, h: 3, w: 3 };
      const a = new Float32Array(27); // all zero: every D_j = b_j = 0
      const r = randomArray(27, 35, 0);
      const kern = randomArray(27, 36, 0);
      const plan = k.planConvAlpha1Beta0(kern, new Float32Array(1), 1, 1, s);
      k.pad3d(k.upload(a), plan.padIn, 1, s, 'pos');
      k.pad3d(k.upload(a), plan.padIn, 1, s, 'neg', 1);
      k.conv3dPadded(plan.padIn, plan.z, plan.wForward, plan.bias, s, false);
      k.safeDiv(k.upload(r), plan.z, plan.z);
      expectClose(
        k.view(plan.z),
        Array.from(r, (v) => v / Math.fround(1e-7)),
      );
      k.release(mark);
    });

    for (const s of [
      { d: 7, h: 9, w: 11 },
      { d: 4, h: 6, w: 8 },
      { d: 1, h: 3, w: 3 },
    ])
      it(`maxpool3d 2x2x2 on ${s.d}x${s.h}x${s.w}x3: max, first argmax in scan order, routing`, () => {
        const k = K();
        const mark = k.mark();
        const c = 3;
        const x = randomArray(c * vol(s), 41);
        // Ties: quantise some values so equal maxima occur inside windows.
        for (let i = 0; i < x.length; i += 3) x[i] = Math.round(x[i]! * 2) / 2;
        const [Do, Ho, Wo] = [s.d >> 1, s.h >> 1, s.w >> 1];
        const n = c * Do * Ho * Wo;
        const wantMax = new Float32Array(n);
        const wantIdx = new Int32Array(n);
        let o = 0;
        for (let ch = 0; ch < c; ch++)
          for (let d = 0; d < Do; d++)
            for (let h = 0; h < Ho; h++)
              for (let w = 0; w < Wo; w++, o++) {
                let best = -Infinity,
                  bi = -1;
                for (let dd = 0; dd < 2; dd++)
                  for (let hh = 0; hh < 2; hh++)
                    for (let ww = 0; ww < 2; ww++) {
                      const i = ((ch * s.d + 2 * d + dd) * s.h + 2 * h + hh) * s.w + 2 * w + ww;
                      if (x[i]! > best) [best, bi] = [x[i]!, i];
                    }
                wantMax[o] = best;
                wantIdx[o] = bi;
              }
        const out = k.allocF32(n);
        const idx = k.allocI32(n);
        k.maxpool3d(k.upload(x), out, idx, c, s);
        expect(Array.from(k.view(out))).toEqual(Array.from(wantMax));
        expect(Array.from(k.view(idx))).toEqual(Array.from(wantIdx));
        const rout = randomArray(n, 42, 0);
        const rin = k.upload(new Float32Array(x.length).fill(7)); // must be cleared
        k.maxpool3dRoute(k.upload(rout), idx, rin);
        const wantRin = new Float32Array(x.length);
        for (let j = 0; j < n; j++) wantRin[wantIdx[j]!] = rout[j]!;
        expect(Array.from(k.view(rin))).toEqual(Array.from(wantRin));
        k.release(mark);
      });

    it('elementwise: mul, add, pos, neg, fill, safe divide, epsilon divide, posneg multiply', () => {
      const k = K();
      const mark = k.mark();
      const n = 1001; // odd: vector tails
      const a = randomArray(n, 51, 0.2),
        b = randomArray(n, 52, 0.2),
        c = randomArray(n, 53);
      const A = k.upload(a),
        B = k.upload(b),
        C = k.upload(c),
        O = k.allocF32(n);
      const f = Math.fround;
      const check = (want: (i: number) => number) => {
        const got = k.view(O);
        for (let i = 0; i < n; i++) expect(got[i]! + 0).toBe(f(want(i)) + 0); // + 0: -0 equals +0
      };
      k.mul(A, B, O);
      check((i) => a[i]! * b[i]!);
      k.add(A, B, O);
      check((i) => a[i]! + b[i]!);
      k.pos(A, O);
      check((i) => Math.max(a[i]!, 0));
      k.neg(A, O);
      check((i) => Math.min(a[i]!, 0));
      k.fill(O, 0.25);
      check(() => 0.25);
      k.safeDiv(A, B, O);
      check((i) => a[i]! / (b[i] === 0 ? f(1e-7) : b[i]!));
      k.epsDiv(A, B, O, 0.125);
      check((i) => a[i]! / (b[i]! >= 0 ? f(b[i]! + 0.125) : f(b[i]! - 0.125)));
      k.posnegMul(A, B, C, O);
      check((i) => (a[i]! > 0 ? f(a[i]! * b[i]!) : f(a[i]! * c[i]!)));
      k.mul(A, B, A); // in place
      expect(Array.from(k.view(A))).toEqual(Array.from(a, (v, i) => f(v * b[i]!)));
      k.release(mark);
    });

    it('BN affine per channel and the innvestigate 1.0.9 BN rule', () => {
      const k = K();
      const mark = k.mark();
      const c = 5,
        per = 7 * 9 * 11;
      const a = randomArray(c * per, 61, 0.2),
        r = randomArray(c * per, 62);
      const scale = Float32Array.from([1.5, -0.5, 0, 2, 0.25]);
      const shift = Float32Array.from([0.1, 0, -0.3, 0, 0.2]); // includes b'+ = 0 and b'- = 0 channels
      const O = k.allocF32(c * per);
      const [A, R, S, T] = [k.upload(a), k.upload(r), k.upload(scale), k.upload(shift)];
      k.bnAffine(A, O, S, T, c);
      expectClose(
        k.view(O),
        Array.from(a, (v, i) => v * scale[Math.floor(i / per)]! + shift[Math.floor(i / per)]!),
      );
      k.lrpBnAlphaBeta(A, R, O, S, T, c);
      const want = Array.from(a, (v, i) => {
        const ch = Math.floor(i / per);
        const kk = scale[ch]!,
          bb = shift[ch]!;
        const ap = Math.max(v, 0);
        const zp = ap * Math.max(kk, 0),
          zn = ap * Math.min(kk, 0);
        const dp = zp + Math.max(bb, 0),
          dn = zn + Math.min(bb, 0);
        const sd = (x: number) => (x === 0 ? 1e-7 : x);
        return 2 * ((zp * r[i]!) / sd(dp)) - (zn * r[i]!) / sd(dn);
      });
      expectClose(k.view(O), want);
      k.release(mark);
    });

    for (const [nin, nout] of [
      [10800 / 100, 64],
      [64, 32],
      [33, 2],
      [7, 5],
    ] as const)
      it(`dense ${nin}->${nout}: forward (+ReLU) and transpose`, () => {
        const k = K();
        const mark = k.mark();
        const x = randomArray(nin, 71),
          w = randomArray(nin * nout, 72, 0),
          b = randomArray(nout, 73, 0);
        const s = randomArray(nout, 74, 0);
        const [X, Wb, Bb, S] = [k.upload(x), k.upload(w), k.upload(b), k.upload(s)];
        const Y = k.allocF32(nout),
          G = k.allocF32(nin);
        for (const relu of [false, true]) {
          k.denseForward(X, Wb, Bb, Y, relu);
          const want = Array.from(b, (bj, j) => {
            let acc = bj;
            for (let i = 0; i < nin; i++) acc += x[i]! * w[i * nout + j]!;
            return relu ? Math.max(acc, 0) : acc;
          });
          expectClose(k.view(Y), want);
        }
        k.denseTranspose(S, Wb, G);
        expectClose(
          k.view(G),
          Array.from(x, (_, i) => {
            let acc = 0;
            for (let j = 0; j < nout; j++) acc += w[i * nout + j]! * s[j]!;
            return acc;
          }),
        );
        k.release(mark);
      });

    it('rejects buffers of the wrong size instead of writing out of bounds', () => {
      const k = K();
      const mark = k.mark();
      const s: Shape3 = { d: 3, h: 3, w: 3 };
      const w = k.uploadConvWeights(randomArray(27 * 5, 1), 1, 5);
      expect(() => k.conv3dPadded(k.allocF32(paddedOf(1, s)), k.allocF32(26 * 5), w, null, s, false)).toThrow(RangeError);
      expect(() => k.mul(k.allocF32(3), k.allocF32(4), k.allocF32(3))).toThrow(RangeError);
      k.release(mark);
    });
  });
}

describe('SIMD and scalar builds agree bit for bit', () => {
  it('conv (all groupings), transposed conv, weight gradient, alpha-beta, pooling, dense', () => {
    const s: Shape3 = { d: 5, h: 6, w: 21 };
    const results = variants.map((v) => {
      const k = kernels[v]!;
      const mark = k.mark();
      const outs: number[][] = [];
      for (const [cin, cout] of [...CHANNELS, [2, 10] as [number, number]]) {
        const kern = randomArray(27 * cin * cout, 81 + cin * cout, 0);
        const x = k.upload(randomArray(cin * vol(s), 82 + cin));
        const o = k.allocF32(cout * vol(s));
        k.conv3d(x, o, k.uploadConvWeights(kern, cin, cout), k.upload(randomArray(cout, 83, 0)), s, true, k.allocF32(paddedOf(cin, s)));
        outs.push(Array.from(k.view(o)));
        const px = k.allocF32(paddedOf(cin, s)),
          pg = k.allocF32(paddedOf(cout, s));
        k.pad3d(x, px, cin, s);
        k.pad3d(o, pg, cout, s);
        const dw = k.allocF32(27 * cin * cout),
          db = k.allocF32(cout);
        k.fill(dw, 0);
        k.fill(db, 0);
        k.conv3dWeightGrad(px, pg, dw, db, cin, cout, s);
        outs.push(Array.from(k.view(dw)), Array.from(k.view(db)));
        const plan = k.planConvAlpha1Beta0(kern, randomArray(cout, 84, 0), cin, cout, s);
        const rin = k.allocF32(cin * vol(s));
        k.convAlpha1Beta0(plan, x, k.upload(randomArray(cout * vol(s), 85)), rin);
        outs.push(Array.from(k.view(rin)));
      }
      const y = k.allocF32(64),
        g = k.allocF32(1080);
      const wd = k.upload(randomArray(1080 * 64, 86, 0));
      k.denseForward(k.upload(randomArray(1080, 87)), wd, null, y, true);
      k.denseTranspose(y, wd, g);
      outs.push(Array.from(k.view(y)), Array.from(k.view(g)));
      k.release(mark);
      return outs;
    });
    expect(results[0]!.length).toBe(results[1]!.length);
    results[0]!.forEach((r, i) => expect(r).toEqual(results[1]![i]));
  });
});

describe('layout converters', () => {
  it('NDHWC <-> planar round trip and index mapping', () => {
    const [d, h, w, c] = [3, 4, 5, 2];
    const src = randomArray(d * h * w * c, 91);
    const planar = ndhwcToPlanar(src, d, h, w, c);
    // NDHWC element (z,y,x,ch) sits at planar ((ch*d + z)*h + y)*w + x.
    expect(planar[((1 * d + 2) * h + 3) * w + 4]).toBe(src[((2 * h + 3) * w + 4) * c + 1]);
    expect(Array.from(planarToNdhwc(planar, d, h, w, c))).toEqual(Array.from(src));
  });

  it('dense rows reordered for planar input give the same result as Keras flatten order', () => {
    const [d, h, w, c, nout] = [2, 3, 5, 3, 4];
    const n = d * h * w * c;
    const xNdhwc = randomArray(n, 92);
    const kern = randomArray(n * nout, 93, 0);
    const kPlanar = denseRowsNdhwcToPlanar(kern, d, h, w, c, nout);
    const xPlanar = ndhwcToPlanar(xNdhwc, d, h, w, c);
    for (let j = 0; j < nout; j++) {
      let a = 0,
        b = 0;
      for (let i = 0; i < n; i++) {
        a += xNdhwc[i]! * kern[i * nout + j]!;
        b += xPlanar[i]! * kPlanar[i * nout + j]!;
      }
      expect(b).toBeCloseTo(a, 10);
    }
  });
});

function paddedOf(c: number, s: Shape3): number {
  return c * (s.d + 2) * (s.h + 2) * (((s.w + 3) & ~3) + 4);
}

describe('threads (simd-threads build, shared memory, worker_threads)', () => {
  it('conv and the alpha1-beta0 step split over 3 workers + caller equal the single-thread SIMD results bit for bit', async () => {
    const { startKernelThreads } = await import('../src/core/kernels/wasm/threads');
    const { spawnNodeKernelWorker } = await import('./helpers/kernel-worker-node');
    const kt = await loadNodeKernels('simd-threads', { arenaBytes: 8 << 20 });
    expect(kt.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    const pool = await startKernelThreads(kt, spawnNodeKernelWorker, 3);
    try {
      const s: Shape3 = { d: 9, h: 6, w: 13 }; // 9 slices over 4 threads: uneven split
      for (const [cin, cout] of [
        [1, 5],
        [5, 5],
        [5, 1],
      ] as const) {
        const kern = randomArray(27 * cin * cout, 101 + cin, 0);
        const x = randomArray(cin * vol(s), 102 + cout);
        const bias = randomArray(cout, 103, 0);
        const r = randomArray(cout * vol(s), 104);
        const run = async (k: WasmKernels, threaded: boolean): Promise<number[][]> => {
          const mark = k.mark();
          const X = k.upload(x),
            B = k.upload(bias),
            R = k.upload(r);
          const w = k.uploadConvWeights(kern, cin, cout);
          const pad = k.allocF32(paddedOf(cin, s));
          const out = k.allocF32(cout * vol(s));
          k.pad3d(X, pad, cin, s);
          if (threaded) await pool.conv3dPadded(pad, out, w, B, s, true);
          else k.conv3dPadded(pad, out, w, B, s, true);
          const plan = k.planConvAlpha1Beta0(kern, bias, cin, cout, s);
          const rin = k.allocF32(cin * vol(s));
          if (threaded) await pool.convAlpha1Beta0(plan, X, R, rin);
          else k.convAlpha1Beta0(plan, X, R, rin);
          const res = [Array.from(k.view(out)), Array.from(k.view(rin))];
          k.release(mark);
          return res;
        };
        const single = await run(kernels.simd!, false);
        const multi = await run(kt, true);
        expect(multi).toEqual(single);
        expectClose(single[0]!, refConv(x, kern, bias, cin, cout, s, true));
      }
    } finally {
      pool.terminate();
    }
  });
});
