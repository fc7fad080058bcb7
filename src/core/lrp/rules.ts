/**
 * LRP rules (zennit's vocabulary): how ONE layer redistributes the relevance arriving at its
 * output onto its input. A rule only states the arithmetic; the heavy tensor work goes through
 * the `Kernels` interface (src/core/model/kernels.ts), so faster kernels can replace tfjs ops
 * without touching a rule. Conv3D and Dense share the linear-map rules (LinearOps below).
 *
 * Notation (lrp.md): a = layer input, w = weights, b = bias, R = relevance at the output,
 * x+ = max(x,0), x- = min(x,0), s(z) = +1 if z >= 0 else -1, SD(d) = d + 1e-7 where d == 0.
 * A fused ReLU passes relevance unchanged (LRP) and masks the gradient (gradient rule).
 */
import * as tf from '@tensorflow/tfjs';
import type { Kernels, PoolRouteMode } from '../model/kernels';
import type { Layer } from '../model/types';

export interface RuleContext {
  layer: Layer;
  /** The layer's input as kept by the forward pass. */
  input: tf.Tensor;
  /** The layer's output (post-activation; the pre-softmax logits for the last layer). */
  output: tf.Tensor;
  /** Relevance at the output, shaped like `output`. */
  relevance: tf.Tensor;
  kernels: Kernels;
}

export interface Rule {
  readonly id: string;
  /**
   * What the rule computes, by its parameters. An executor other than tfjs (the planar wasm-simd
   * engine, src/core/planar/) implements each spec with its own kernels and must give the same
   * result as `apply`; a rule without a spec (or with one an executor lacks) runs on tfjs.
   */
  readonly spec?: RuleSpec;
  /** Relevance at the layer's input, shaped like ctx.input. Called inside tf.tidy. */
  apply(ctx: RuleContext): tf.Tensor;
}

/** The parameters of the built-in rules (see each factory below for the arithmetic). */
export type RuleSpec =
  | { kind: 'epsilon'; eps: number }
  | { kind: 'alpha-beta'; alpha: number; beta: number; bias: AlphaBetaBias }
  | { kind: 'flat' }
  | { kind: 'w-square' }
  | { kind: 'z-box'; low: number; high: number }
  | { kind: 'pass' }
  | { kind: 'bn-innvestigate' }
  | { kind: 'winner-takes-all'; mode: PoolRouteMode }
  | { kind: 'gradient'; poolMode: PoolRouteMode };

/** How a division is stabilised. */
export type Stabilizer =
  | { kind: 'safe' } // innvestigate SafeDivide: + 1e-7 only where the denominator is exactly 0
  | { kind: 'epsilon'; eps: number }; // z + eps * s(z), s(0) = +1 (innvestigate EpsilonRule, zennit Stabilizer)

export const KERAS_EPSILON = 1e-7;

export function stabilize(d: tf.Tensor, st: Stabilizer): tf.Tensor {
  if (st.kind === 'safe') return tf.add(d, tf.mul(tf.cast(tf.equal(d, 0), 'float32'), KERAS_EPSILON));
  return tf.where(tf.greaterEqual(d, 0), tf.add(d, st.eps), tf.sub(d, st.eps));
}

/** The linear part of a Conv3D or Dense layer: forward with optional bias and its transpose. */
interface LinearOps {
  w: tf.Tensor;
  b: tf.Tensor1D;
  fwd(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor1D | null): tf.Tensor;
  bwd(s: tf.Tensor, w: tf.Tensor): tf.Tensor;
}

function linearOps(layer: Layer, k: Kernels, ruleId: string): LinearOps {
  if (layer.kind === 'conv3d') {
    return {
      w: layer.kernel,
      b: layer.bias,
      fwd: (x, w, b) => k.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, b),
      bwd: (s, w) => k.conv3dBackpropInput(s as tf.Tensor5D, w as tf.Tensor5D),
    };
  }
  if (layer.kind === 'dense') {
    return {
      w: layer.kernel,
      b: layer.bias,
      fwd: (x, w, b) => k.dense(x as tf.Tensor2D, w as tf.Tensor2D, b),
      bwd: (s, w) => k.denseBackpropInput(s as tf.Tensor2D, w as tf.Tensor2D),
    };
  }
  throw new Error(`rule ${ruleId} does not apply to a ${layer.kind} layer (${layer.name})`);
}

const pos = (t: tf.Tensor) => tf.relu(t);
const neg = (t: tf.Tensor) => tf.minimum(t, 0);

/** Epsilon rule (LRP-0 for eps = 0): R_i = a_i sum_j w_ij R_j / stab(z_j). On BN: the true affine map. */
export function epsilonRule(eps: number): Rule {
  const st: Stabilizer = { kind: 'epsilon', eps };
  return {
    id: `epsilon(${eps})`,
    spec: { kind: 'epsilon', eps },
    apply({ layer, input, relevance, kernels }) {
      if (layer.kind === 'batchNorm') {
        const ka = tf.mul(input, layer.scale);
        return tf.div(tf.mul(ka, relevance), stabilize(tf.add(ka, layer.offset), st));
      }
      const L = linearOps(layer, kernels, 'epsilon');
      const s = tf.div(relevance, stabilize(L.fwd(input, L.w, L.b), st));
      return tf.mul(input, L.bwd(s, L.w));
    },
  };
}

export type AlphaBetaBias = 'innvestigate' | 'zennit';

/**
 * Alpha-beta rule: R_in = alpha * R(+) - beta * R(-), where R(+) spreads R over the positive
 * contributions a+ w+ + a- w- and R(-) over the negative ones a+ w- + a- w+.
 * Bias convention 'innvestigate' (1.0.9): both denominators hold the FULL bias b+ + b-, divided
 * with SafeDivide. 'zennit': the positive denominator holds b+, the negative one b-, stabilised
 * with 1e-6 * s(z).
 */
export function alphaBetaRule(alpha: number, beta: number, bias: AlphaBetaBias): Rule {
  const st: Stabilizer = bias === 'innvestigate' ? { kind: 'safe' } : { kind: 'epsilon', eps: 1e-6 };
  return {
    id: `alpha${alpha}-beta${beta}(${bias})`,
    spec: { kind: 'alpha-beta', alpha, beta, bias },
    apply({ layer, input, relevance, kernels }) {
      const L = linearOps(layer, kernels, 'alpha-beta');
      const ap = pos(input),
        an = neg(input);
      const wp = pos(L.w),
        wn = neg(L.w);
      const group = (w1: tf.Tensor, w2: tf.Tensor, b: tf.Tensor1D): tf.Tensor => {
        // contributions a+ w1 + a- w2 ; denominator their sum + b
        const z = tf.add(L.fwd(ap, w1, b), L.fwd(an, w2, null));
        const s = tf.div(relevance, stabilize(z, st));
        return tf.add(tf.mul(ap, L.bwd(s, w1)), tf.mul(an, L.bwd(s, w2)));
      };
      const bPos = bias === 'innvestigate' ? L.b : (pos(L.b) as tf.Tensor1D);
      const rPos = group(wp, wn, bPos);
      if (beta === 0) return alpha === 1 ? rPos : tf.mul(rPos, alpha);
      const bNeg = bias === 'innvestigate' ? L.b : (neg(L.b) as tf.Tensor1D);
      const rNeg = group(wn, wp, bNeg);
      return tf.sub(tf.mul(rPos, alpha), tf.mul(rNeg, beta));
    },
  };
}

/** Relevance spread by fixed contributions c_ij = f(w_ij) of a constant input (flat, w^2). */
function constantContributionRule(id: 'flat' | 'w-square', weightMap: (w: tf.Tensor) => tf.Tensor): Rule {
  const st: Stabilizer = { kind: 'epsilon', eps: 1e-6 };
  return {
    id,
    spec: { kind: id },
    apply({ layer, input, relevance, kernels }) {
      const L = linearOps(layer, kernels, id);
      const w = weightMap(L.w);
      const den = L.fwd(tf.onesLike(input), w, null);
      return L.bwd(tf.div(relevance, stabilize(den, st)), w);
    },
  };
}

/** Flat rule: every input in the receptive field gets an equal share (zero padding gets nothing). */
export function flatRule(): Rule {
  return constantContributionRule('flat', (w) => tf.onesLike(w));
}

/** w^2 rule: shares proportional to w_ij^2. */
export function wSquareRule(): Rule {
  return constantContributionRule('w-square', (w) => tf.square(w));
}

/** z^B rule for bounded inputs low <= a <= high: c_ij = a_i w_ij - low w_ij+ - high w_ij- (no bias). */
export function zBoxRule(low: number, high: number): Rule {
  const st: Stabilizer = { kind: 'epsilon', eps: 1e-6 };
  return {
    id: `z-box(${low},${high})`,
    spec: { kind: 'z-box', low, high },
    apply({ layer, input, relevance, kernels }) {
      const L = linearOps(layer, kernels, 'z-box');
      const lo = tf.fill(input.shape, low),
        hi = tf.fill(input.shape, high);
      const wp = pos(L.w),
        wn = neg(L.w);
      const den = tf.sub(tf.sub(L.fwd(input, L.w, null), L.fwd(lo, wp, null)), L.fwd(hi, wn, null));
      const s = tf.div(relevance, stabilize(den, st));
      return tf.sub(tf.sub(tf.mul(input, L.bwd(s, L.w)), tf.mul(lo, L.bwd(s, wp))), tf.mul(hi, L.bwd(s, wn)));
    },
  };
}

/** Pass: relevance goes through unchanged (reshaped to the input, for Flatten). */
export function passRule(): Rule {
  return { id: 'pass', spec: { kind: 'pass' }, apply: ({ input, relevance }) => tf.reshape(relevance, input.shape) };
}

/**
 * innvestigate 1.0.9's BatchNormalization rule, bugs included (lrp.md): the backward pass uses
 * the surrogate y' = k a + b' with t = sqrt(var^2 + eps) (variance squared), k = gamma / t,
 * b' = beta - mean / t (gamma missing), and the alpha-beta-X rule R_in = 2 r_pp - r_pn,
 * r_pp = a+ k+ R / SD(a+ k+ + b'+), r_pn = a+ k- R / SD(a+ k- + b'-).
 */
export function bnInnvestigateRule(): Rule {
  const st: Stabilizer = { kind: 'safe' };
  return {
    id: 'bn-innvestigate-1.0.9',
    spec: { kind: 'bn-innvestigate' },
    apply({ layer, input, relevance }) {
      if (layer.kind !== 'batchNorm') throw new Error(`bn-innvestigate applies to BatchNormalization, not ${layer.kind} (${layer.name})`);
      const t = tf.sqrt(tf.add(tf.square(layer.movingVariance), layer.epsilon));
      const k = tf.div(layer.gamma, t);
      const b = tf.sub(layer.beta, tf.div(layer.movingMean, t));
      const ap = pos(input);
      const cpp = tf.mul(ap, pos(k)),
        cpn = tf.mul(ap, neg(k));
      const rpp = tf.mul(cpp, tf.div(relevance, stabilize(tf.add(cpp, pos(b)), st)));
      const rpn = tf.mul(cpn, tf.div(relevance, stabilize(tf.add(cpn, neg(b)), st)));
      return tf.sub(tf.mul(rpp, 2), rpn);
    },
  };
}

/** Max-pooling: winner takes all (the gradient), to the first maximum or TF's ties. */
export function winnerTakesAllRule(mode: PoolRouteMode = 'first'): Rule {
  return {
    id: `winner-takes-all(${mode})`,
    spec: { kind: 'winner-takes-all', mode },
    apply({ layer, input, relevance, kernels }) {
      if (layer.kind !== 'maxPool3d') throw new Error(`winner-takes-all applies to MaxPooling3D, not ${layer.kind} (${layer.name})`);
      return kernels.maxPool3dRoute(input as tf.Tensor5D, relevance as tf.Tensor5D, mode);
    },
  };
}

/** The plain gradient (chain rule) of the output w.r.t. the layer input; ReLU masks where z <= 0. */
export function gradientRule(poolMode: PoolRouteMode = 'first'): Rule {
  const wta = winnerTakesAllRule(poolMode);
  return {
    id: 'gradient',
    spec: { kind: 'gradient', poolMode },
    apply(ctx) {
      const { layer, input, output, relevance, kernels } = ctx;
      const reluMask = (g: tf.Tensor) => tf.mul(g, tf.cast(tf.greater(output, 0), 'float32'));
      switch (layer.kind) {
        case 'conv3d':
        case 'dense': {
          const g = layer.activation === 'relu' ? reluMask(relevance) : relevance;
          return linearOps(layer, kernels, 'gradient').bwd(g, layer.kernel);
        }
        case 'activation':
          return layer.activation === 'relu' ? reluMask(relevance) : relevance;
        case 'batchNorm':
          return tf.mul(relevance, layer.scale);
        case 'maxPool3d':
          return wta.apply(ctx);
        case 'flatten':
        case 'dropout':
          return tf.reshape(relevance, input.shape);
      }
    },
  };
}
