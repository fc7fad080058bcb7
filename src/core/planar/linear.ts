/**
 * The linear part of a Conv3D or Dense layer on the wasm kernels, in the forms the LRP rules
 * need: forward with a weight form and optional bias, the signed forward over [x+ ; x-], and the
 * transpose of a stabilised quotient (num / stab(den)), which every rule ends with. Conv3D reads
 * the forms uploaded by plan.ts; Dense derives the rarer forms (w+, w-, ones, w^2) on demand into
 * two preallocated slots (a Dense kernel is small next to the convolutions).
 */
import type { ConvWeightsBuf, F32Buf, Shape3, WasmKernels } from '../kernels/wasm/index';
import type { ConvPlan, DensePlan, PlainVariant, Scratch, SignedVariant, Variant } from './plan';

/** How a division is stabilised (rules.ts Stabilizer). */
export type Stab = { kind: 'safe' } | { kind: 'epsilon'; eps: number };

/** Runs padded convolutions: the kernels themselves, or a worker pool sharing their memory (threads.ts). */
export interface ConvRunner {
  conv3dPadded(padded: F32Buf, out: F32Buf, w: ConvWeightsBuf, bias: F32Buf | null, s: Shape3, relu: boolean): void | Promise<void>;
}

export interface LinearExec {
  readonly inLen: number;
  readonly outLen: number;
  /** out = W_v x (+ bias). */
  forward(x: F32Buf, v: PlainVariant, bias: F32Buf | null, out: F32Buf): Promise<void>;
  /** out = W1 x+ + W2 x- (+ bias), [W1 ; W2] = [w+ ; w-] ('posneg') or [w- ; w+] ('negpos'). */
  forwardSigned(x: F32Buf, v: SignedVariant, bias: F32Buf | null, out: F32Buf): Promise<void>;
  /**
   * g = W_v^T (num / stab(den)); for a signed form g holds [W1^T s ; W2^T s] (2 x inLen).
   * den is overwritten.
   */
  transposeQuotient(num: F32Buf, den: F32Buf, st: Stab, v: Variant, g: F32Buf): Promise<void>;
  /** g = W_v^T s. */
  transpose(s: F32Buf, v: PlainVariant, g: F32Buf): Promise<void>;
}

export function convLinear(k: WasmKernels, run: ConvRunner, p: ConvPlan, sc: Scratch): LinearExec {
  const s = p.shape;
  const conv = async (w: ConvWeightsBuf, out: F32Buf, bias: F32Buf | null) => run.conv3dPadded(sc.pad, out, w, bias, s, false);
  return {
    inLen: p.cin * s.d * s.h * s.w,
    outLen: p.cout * s.d * s.h * s.w,
    async forward(x, v, bias, out) {
      k.pad3d(x, sc.pad, p.cin, s);
      await conv(p.fwd[v], out, bias);
    },
    async forwardSigned(x, v, bias, out) {
      k.pad3dPosNeg(x, sc.pad, p.cin, s);
      await conv(p.fwd[v], out, bias);
    },
    async transposeQuotient(num, den, st, v, g) {
      if (st.kind === 'safe') k.pad3dSafeDiv(num, den, sc.pad, p.cout, s);
      else {
        k.epsDiv(num, den, den, st.eps);
        k.pad3d(den, sc.pad, p.cout, s);
      }
      await conv(p.tr[v], g, null);
    },
    async transpose(x, v, g) {
      k.pad3d(x, sc.pad, p.cout, s);
      await conv(p.tr[v], g, null);
    },
  };
}

type DenseForm = 'pos' | 'neg' | 'ones' | 'square';

/** Which form of which layer each dense weight slot holds (kept across calls: weights are constant). */
export class DenseSlots {
  private tags: [string, string] = ['', ''];
  constructor(
    private readonly k: WasmKernels,
    private readonly sc: Scratch,
  ) {}

  /** The weights of `form`, in a slot other than `keep` (the other form the caller still needs). */
  get(p: DensePlan, layerIndex: number, form: DenseForm, keep: F32Buf | null = null): F32Buf {
    const n = p.nin * p.nout;
    const tag = `${layerIndex}:${form}`;
    const slots = [this.k.sub(this.sc.w1, 0, n), this.k.sub(this.sc.w2, 0, n)] as const;
    for (let i = 0; i < 2; i++) if (this.tags[i] === tag) return slots[i]!;
    const i = keep && keep.ptr === slots[0].ptr ? 1 : 0;
    const dst = this.k.view(slots[i]!);
    const w = p.wHost;
    switch (form) {
      case 'pos':
        for (let j = 0; j < n; j++) dst[j] = w[j]! > 0 ? w[j]! : 0;
        break;
      case 'neg':
        for (let j = 0; j < n; j++) dst[j] = w[j]! < 0 ? w[j]! : 0;
        break;
      case 'ones':
        dst.fill(1);
        break;
      case 'square':
        for (let j = 0; j < n; j++) dst[j] = w[j]! * w[j]!;
        break;
    }
    this.tags[i] = tag;
    return slots[i]!;
  }
}

export function denseLinear(k: WasmKernels, p: DensePlan, layerIndex: number, sc: Scratch, slots: DenseSlots): LinearExec {
  const plain = (v: PlainVariant): F32Buf => (v === 'all' ? p.w : slots.get(p, layerIndex, v));
  const signed = (v: SignedVariant): [F32Buf, F32Buf] => {
    const [f1, f2]: [DenseForm, DenseForm] = v === 'posneg' ? ['pos', 'neg'] : ['neg', 'pos'];
    const w1 = slots.get(p, layerIndex, f1);
    return [w1, slots.get(p, layerIndex, f2, w1)];
  };
  const tmp = k.sub(sc.tmp, 0, p.nin);
  const zTmp = k.sub(sc.zTmp, 0, p.nout);
  return {
    inLen: p.nin,
    outLen: p.nout,
    async forward(x, v, bias, out) {
      k.denseForward(x, plain(v), bias, out, false);
    },
    async forwardSigned(x, v, bias, out) {
      const [w1, w2] = signed(v);
      k.pos(x, tmp);
      k.denseForward(tmp, w1, bias, out, false);
      k.neg(x, tmp);
      k.denseForward(tmp, w2, null, zTmp, false);
      k.add(out, zTmp, out);
    },
    async transposeQuotient(num, den, st, v, g) {
      if (st.kind === 'safe') k.safeDiv(num, den, den);
      else k.epsDiv(num, den, den, st.eps);
      if (v === 'posneg' || v === 'negpos') {
        const [w1, w2] = signed(v);
        k.denseTranspose(den, w1, k.sub(g, 0, p.nin));
        k.denseTranspose(den, w2, k.sub(g, p.nin, p.nin));
      } else {
        k.denseTranspose(den, plain(v), g);
      }
    },
    async transpose(x, v, g) {
      k.denseTranspose(x, plain(v), g);
    },
  };
}
