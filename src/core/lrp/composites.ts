/**
 * Composites (zennit's vocabulary): which rule applies to which layer. Named presets are just
 * composites; 'paper' is innvestigate 1.0.9's lrp.sequential_preset_a as the paper ran it.
 */
import type { PoolRouteMode } from '../model/kernels';
import type { Layer, Model } from '../model/types';
import {
  alphaBetaRule, bnInnvestigateRule, epsilonRule, flatRule, gradientRule, passRule,
  winnerTakesAllRule, zPlusRule, type Rule,
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
        case 'dense': return map.dense;
        case 'batchNorm': return map.batchNorm;
        case 'maxPool3d': return map.maxPool3d;
        default: return pass;
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

/** innvestigate 1.0.9 preset A (LRP-CMP), optionally varied (the variants of lrp_numpy_tiny.py). */
export function paperComposite(v: PaperVariant = {}): Composite {
  const eps = v.eps ?? 1e-10;
  const bn = v.bnRule === 'pass' ? passRule() : v.bnRule === 'epsilon' ? epsilonRule(eps) : bnInnvestigateRule();
  return layerMapComposite('paper', {
    conv3d: alphaBetaRule(1, 0, v.convBias ?? 'innvestigate'),
    dense: epsilonRule(eps),
    batchNorm: bn,
    maxPool3d: winnerTakesAllRule(v.poolMode ?? 'first'),
  });
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

/** The named LRP presets (gradient-based baselines live in methods.ts). */
export function presetComposite(id: string, poolMode: PoolRouteMode = 'first'): Composite {
  const wta = winnerTakesAllRule(poolMode);
  const eps = epsilonRule(1e-6);
  switch (id) {
    case 'paper':
      return paperComposite({ poolMode });
    case 'cmp-bn-pass':
      return layerMapComposite(id, { conv3d: alphaBetaRule(1, 0, 'innvestigate'), dense: epsilonRule(1e-10), batchNorm: passRule(), maxPool3d: wta });
    case 'epsilon-plus':
      return layerMapComposite(id, { conv3d: zPlusRule(), dense: eps, batchNorm: passRule(), maxPool3d: wta });
    case 'epsilon-alpha2-beta1':
      return layerMapComposite(id, { conv3d: alphaBetaRule(2, 1, 'zennit'), dense: eps, batchNorm: passRule(), maxPool3d: wta });
    case 'epsilon-plus-flat':
      return layerMapComposite(id, { conv3d: zPlusRule(), firstConv3d: flatRule(), dense: eps, batchNorm: passRule(), maxPool3d: wta });
    default:
      throw new Error(`unknown LRP preset ${id}`);
  }
}
