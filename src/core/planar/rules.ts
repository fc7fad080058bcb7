/**
 * The LRP rules (src/core/lrp/rules.ts), selected by their `spec`, on planar buffers and the
 * wasm kernels. Each branch performs the float32 operations of the tfjs rule it mirrors (same
 * stabilisers, same products); only the summation order inside convolutions and dense layers
 * differs, so results agree to float32 rounding.
 */
import type { F32Buf, WasmKernels } from '../kernels/wasm/index';
import type { PoolRouteMode } from '../model/kernels';
import type { RuleSpec } from '../lrp/rules';
import type { LinearExec, Stab } from './linear';
import type { ConvPlan, DensePlan, LayerPlan, PoolPlan, PTensor, Scratch } from './plan';

export interface PlanarRuleContext {
  k: WasmKernels;
  plan: LayerPlan;
  /** The layer's linear part (Conv3D, Dense), else null. */
  linear: LinearExec | null;
  /** Layer input and output as kept by the forward pass. */
  input: PTensor;
  output: PTensor;
  /** Relevance at the output (output-sized). */
  relevance: F32Buf;
  /** Where to write the relevance at the input (input-sized); never overlaps `relevance`. */
  dest: F32Buf;
  scratch: Scratch;
}

const LINEAR = new Set(['conv3d', 'dense']);

/** Why the planar engine cannot apply this rule to this layer, or null when it can. */
export function unsupportedRule(spec: RuleSpec | undefined, plan: LayerPlan, inLen: number, outLen: number): string | null {
  if (!spec) return 'it has no parameter spec';
  const kind = plan.kind;
  switch (spec.kind) {
    case 'epsilon':
      return LINEAR.has(kind) || kind === 'batchNorm' ? null : `epsilon does not apply to ${kind}`;
    case 'alpha-beta':
    case 'flat':
    case 'w-square':
      return LINEAR.has(kind) ? null : `${spec.kind} does not apply to ${kind}`;
    case 'z-box':
      return 'the z-box rule is not implemented on the planar kernels';
    case 'pass':
      return inLen === outLen ? null : `pass cannot reshape ${outLen} values into ${inLen}`;
    case 'bn-innvestigate':
      return kind === 'batchNorm' ? null : `bn-innvestigate does not apply to ${kind}`;
    case 'winner-takes-all':
      return kind === 'maxPool3d' ? null : `winner-takes-all does not apply to ${kind}`;
    case 'gradient':
      return null;
  }
}

/** Applies the rule; returns the buffer holding the input relevance (dest, or `relevance` itself for pass-through). */
export async function applyPlanarRule(spec: RuleSpec, c: PlanarRuleContext): Promise<F32Buf> {
  const { k, plan, input, relevance: R, dest, scratch } = c;
  const a = input.buf;
  const sub = (b: F32Buf, n: number) => k.sub(b, 0, n);
  switch (spec.kind) {
    case 'pass':
      return R;
    case 'epsilon': {
      const st: Stab = { kind: 'epsilon', eps: spec.eps };
      if (plan.kind === 'batchNorm') {
        // R_in = (a k) R / stab(a k + b) on the true affine map.
        const ka = sub(scratch.tmp, a.length),
          z = sub(scratch.z, a.length);
        k.bnAffine(a, ka, plan.scale, plan.zeros, plan.channels);
        k.bnAffine(a, z, plan.scale, plan.offset, plan.channels);
        k.mul(ka, R, ka);
        k.epsDiv(ka, z, dest, spec.eps);
        return dest;
      }
      const L = c.linear!;
      const z = sub(scratch.z, L.outLen),
        g = sub(scratch.g, L.inLen);
      await L.forward(a, 'all', biasOf(plan), z);
      await L.transposeQuotient(R, z, st, 'all', g);
      k.mul(a, g, dest);
      return dest;
    }
    case 'alpha-beta': {
      const L = c.linear!;
      const innv = spec.bias === 'innvestigate';
      const st: Stab = innv ? { kind: 'safe' } : { kind: 'epsilon', eps: 1e-6 };
      const b = plan as ConvPlan | DensePlan;
      const z = sub(scratch.z, L.outLen),
        g = sub(scratch.g, 2 * L.inLen);
      const group = async (v: 'posneg' | 'negpos', bias: F32Buf, out: F32Buf) => {
        await L.forwardSigned(a, v, bias, z); // contributions a+ w1 + a- w2, plus bias
        await L.transposeQuotient(R, z, st, v, g);
        k.posnegMul(a, k.sub(g, 0, L.inLen), k.sub(g, L.inLen, L.inLen), out);
      };
      await group('posneg', innv ? b.bias : b.biasPos, dest);
      if (spec.beta === 0) {
        if (spec.alpha !== 1) scaleInPlace(k.view(dest), spec.alpha);
        return dest;
      }
      const rNeg = sub(scratch.tmp, L.inLen);
      await group('negpos', innv ? b.bias : b.biasNeg, rNeg);
      alphaMinusBeta(k.view(dest), k.view(rNeg), spec.alpha, spec.beta);
      return dest;
    }
    case 'flat':
    case 'w-square': {
      // Fixed contributions of a constant input: den = W_v 1, R_in = W_v^T (R / stab(den)).
      const L = c.linear!;
      const v = spec.kind === 'flat' ? 'ones' : 'square';
      const ones = sub(scratch.tmp, L.inLen),
        z = sub(scratch.z, L.outLen);
      k.fill(ones, 1);
      await L.forward(ones, v, null, z);
      await L.transposeQuotient(R, z, { kind: 'epsilon', eps: 1e-6 }, v, dest);
      return dest;
    }
    case 'bn-innvestigate': {
      if (plan.kind !== 'batchNorm') throw new Error('bn-innvestigate on a non-BN layer');
      k.lrpBnAlphaBeta(a, R, dest, plan.k, plan.bPrime, plan.channels);
      return dest;
    }
    case 'winner-takes-all':
      return route(k, plan as PoolPlan, input, R, dest, spec.mode);
    case 'gradient':
      return gradient(c, spec.poolMode);
    case 'z-box':
      throw new Error('z-box is not implemented on the planar kernels');
  }
}

async function gradient(c: PlanarRuleContext, poolMode: PoolRouteMode): Promise<F32Buf> {
  const { k, plan, input, output, relevance: R, dest, scratch } = c;
  switch (plan.kind) {
    case 'conv3d':
    case 'dense': {
      const L = c.linear!;
      let g = R;
      if (plan.relu) {
        g = k.sub(scratch.z, 0, L.outLen);
        reluMask(k.view(R), k.view(output.buf), k.view(g));
      }
      await L.transpose(g, 'all', dest);
      return dest;
    }
    case 'activation':
      if (!plan.relu) return R;
      reluMask(k.view(R), k.view(output.buf), k.view(dest));
      return dest;
    case 'batchNorm':
      k.bnAffine(R, dest, plan.scale, plan.zeros, plan.channels);
      return dest;
    case 'maxPool3d':
      return route(k, plan, input, R, dest, poolMode);
    case 'flatten':
    case 'dropout':
      return R;
  }
}

function biasOf(plan: LayerPlan): F32Buf | null {
  return plan.kind === 'conv3d' || plan.kind === 'dense' ? plan.bias : null;
}

/** Winner takes all: to the first maximum (the forward pass's argmax), or TF's ties. */
function route(k: WasmKernels, p: PoolPlan, input: PTensor, R: F32Buf, dest: F32Buf, mode: PoolRouteMode): F32Buf {
  if (mode === 'first') k.maxpool3dRoute(R, p.argmax, dest);
  else routeTies(k.view(input.buf), k.view(R), k.view(dest), p);
  return dest;
}

/** TF CPU MaxPool3DGrad: every element within 1e-5 of its window's maximum gets the full r (float32 like tfjsKernels). */
function routeTies(a: Float32Array, r: Float32Array, out: Float32Array, p: PoolPlan): void {
  const { d: D, h: H, w: W } = p.shape;
  const Do = D >> 1,
    Ho = H >> 1,
    Wo = W >> 1;
  const tol = Math.fround(1e-5);
  out.fill(0);
  const idx = new Array<number>(8);
  let o = 0;
  for (let c = 0; c < p.channels; c++) {
    const base = c * D * H * W;
    for (let od = 0; od < Do; od++)
      for (let oh = 0; oh < Ho; oh++)
        for (let ow = 0; ow < Wo; ow++, o++) {
          let m = -Infinity,
            j = 0;
          for (let dd = 0; dd < 2; dd++)
            for (let hh = 0; hh < 2; hh++)
              for (let ww = 0; ww < 2; ww++) {
                const i = base + ((2 * od + dd) * H + 2 * oh + hh) * W + 2 * ow + ww;
                idx[j++] = i;
                if (a[i]! > m) m = a[i]!;
              }
          for (const i of idx) if (Math.fround(Math.abs(Math.fround(a[i]! - m))) < tol) out[i] = r[o]!;
        }
  }
}

function reluMask(r: Float32Array, out: Float32Array, g: Float32Array): void {
  for (let i = 0; i < g.length; i++) g[i] = out[i]! > 0 ? r[i]! : 0;
}

function scaleInPlace(x: Float32Array, s: number): void {
  for (let i = 0; i < x.length; i++) x[i] = x[i]! * s;
}

/** x = fl(x alpha) - fl(y beta), rounded like the tfjs ops tf.sub(tf.mul(x, alpha), tf.mul(y, beta)). */
function alphaMinusBeta(x: Float32Array, y: Float32Array, alpha: number, beta: number): void {
  const al = Math.fround(alpha),
    be = Math.fround(beta);
  for (let i = 0; i < x.length; i++) x[i] = Math.fround(x[i]! * al) - Math.fround(y[i]! * be);
}
