/**
 * Composites (zennit's vocabulary): which rule applies to which layer. Named presets are just
 * composites, built from the method registry (registry.ts); 'paper' is innvestigate 1.0.9's
 * lrp.sequential_preset_a as the paper ran it.
 */
import type { PoolRouteMode } from '../model/kernels';
import type { Layer, Model } from '../model/types';
import { methodSpec, type LayerRuleSpecs } from './registry';
import {
  alphaBetaRule,
  bnInnvestigateRule,
  epsilonRule,
  flatRule,
  gradientRule,
  passRule,
  winnerTakesAllRule,
  wSquareRule,
  zBoxRule,
  type Rule,
  type RuleSpec,
} from './rules';

export interface Composite {
  readonly id: string;
  /** Relevance at the output: the selected logit's value (innvestigate) or 1 (gradients). */
  readonly start: 'logit' | 'one';
  ruleFor(layer: Layer, index: number, model: Model): Rule;
}

export interface LayerMap {
  conv3d: Rule;
  /** The first Conv3D of the model (default: `conv3d`). */
  firstConv3d?: Rule;
  dense: Rule;
  batchNorm: Rule;
  maxPool3d: Rule;
}

/** Map layer kinds to rules; Flatten, Dropout and activations pass relevance through. */
export function layerMapComposite(id: string, map: LayerMap, start: 'logit' | 'one' = 'logit'): Composite {
  const pass = passRule();
  return {
    id,
    start,
    ruleFor(layer, index, model) {
      switch (layer.kind) {
        case 'conv3d': {
          const first = model.layers.findIndex((l) => l.kind === 'conv3d') === index;
          return first && map.firstConv3d ? map.firstConv3d : map.conv3d;
        }
        case 'dense':
          return map.dense;
        case 'batchNorm':
          return map.batchNorm;
        case 'maxPool3d':
          return map.maxPool3d;
        default:
          return pass;
      }
    },
  };
}

export interface PaperVariant {
  /** alpha1-beta0 bias convention on the convolutions (default innvestigate). */
  convBias?: 'innvestigate' | 'zennit';
  /** BN rule: innvestigate 1.0.9 surrogate (default), pass, or epsilon on the true affine map. */
  bnRule?: 'innvestigate' | 'pass' | 'epsilon';
  poolMode?: PoolRouteMode;
  eps?: number;
}

/** The rule a registry spec names. */
export function ruleFromSpec(spec: RuleSpec): Rule {
  switch (spec.kind) {
    case 'epsilon':
      return epsilonRule(spec.eps);
    case 'alpha-beta':
      return alphaBetaRule(spec.alpha, spec.beta, spec.bias);
    case 'flat':
      return flatRule();
    case 'w-square':
      return wSquareRule();
    case 'z-box':
      return zBoxRule(spec.low, spec.high);
    case 'pass':
      return passRule();
    case 'bn-innvestigate':
      return bnInnvestigateRule();
    case 'winner-takes-all':
      return winnerTakesAllRule(spec.mode);
    case 'gradient':
      return gradientRule(spec.poolMode);
  }
}

function layerMapOf(id: string, layers: LayerRuleSpecs, poolMode: PoolRouteMode): Composite {
  return layerMapComposite(id, {
    conv3d: ruleFromSpec(layers.conv3d),
    firstConv3d: layers.firstConv3d ? ruleFromSpec(layers.firstConv3d) : undefined,
    dense: ruleFromSpec(layers.dense),
    batchNorm: ruleFromSpec(layers.batchNorm),
    maxPool3d: winnerTakesAllRule(poolMode),
  });
}

/** innvestigate 1.0.9 preset A (LRP-CMP, the registry's 'paper'), optionally varied (the variants of lrp_numpy_tiny.py). */
export function paperComposite(v: PaperVariant = {}): Composite {
  const paper = methodSpec('paper')!.layers!;
  const eps = v.eps;
  const dense: RuleSpec = eps === undefined ? paper.dense : { kind: 'epsilon', eps };
  const bnEps: RuleSpec = { kind: 'epsilon', eps: eps ?? (paper.dense as { eps: number }).eps };
  const batchNorm: RuleSpec = v.bnRule === 'pass' ? { kind: 'pass' } : v.bnRule === 'epsilon' ? bnEps : paper.batchNorm;
  const conv3d: RuleSpec = v.convBias ? { kind: 'alpha-beta', alpha: 1, beta: 0, bias: v.convBias } : paper.conv3d;
  return layerMapOf('paper', { conv3d, dense, batchNorm }, v.poolMode ?? 'first');
}

/** Epsilon everywhere (BN on its true affine map): equals gradient x input when biases are 0 and eps -> 0. */
export function epsilonAllComposite(eps: number, poolMode: PoolRouteMode = 'first'): Composite {
  const e = epsilonRule(eps);
  return layerMapComposite('epsilon-all', { conv3d: e, dense: e, batchNorm: e, maxPool3d: winnerTakesAllRule(poolMode) });
}

export function gradientComposite(poolMode: PoolRouteMode = 'first'): Composite {
  const g = gradientRule(poolMode);
  return { id: 'gradient', start: 'one', ruleFor: () => g };
}

/**
 * The composite of a registered method: its layer map for LRP methods, the gradient rule for the
 * gradient methods. Occlusion is not a backward pass and has none.
 */
export function compositeFor(id: string, poolMode: PoolRouteMode = 'first'): Composite {
  const spec = methodSpec(id);
  if (!spec) throw new Error(`unknown explanation method ${id}`);
  if (spec.kind === 'gradient' || spec.kind === 'gradient-x-input') return gradientComposite(poolMode);
  if (spec.kind === 'occlusion' || !spec.layers) throw new Error(`method ${id} has no composite`);
  return layerMapOf(spec.id, spec.layers, poolMode);
}

/** The composite of a named LRP preset (kept for callers that name presets). */
export function presetComposite(id: string, poolMode: PoolRouteMode = 'first'): Composite {
  if (methodSpec(id)?.kind !== 'lrp') throw new Error(`unknown LRP preset ${id}`);
  return compositeFor(id, poolMode);
}
