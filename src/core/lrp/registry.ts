/**
 * The one registry of explanation methods (zennit's idea of registering composites by name): each
 * entry names a method, its label and description, and, for the LRP presets, which rule applies to
 * which layer kind, as plain data. Ids, the page's method list and the composites all derive from
 * here. No tfjs: the page lists the methods before the runtime loads; composites.ts turns a rule
 * spec into a rule.
 */
import type { RuleSpec } from './rules';

/** Rule specs by layer kind; Flatten, Dropout and activations always pass relevance through. */
export interface LayerRuleSpecs {
  conv3d: RuleSpec;
  /** The model's first Conv3D (default: `conv3d`). */
  firstConv3d?: RuleSpec;
  dense: RuleSpec;
  batchNorm: RuleSpec;
  /** Max pooling always routes relevance to the winner; the pool mode is the caller's. */
}

export type MethodKind = 'lrp' | 'gradient' | 'gradient-x-input' | 'occlusion';

export interface MethodSpec<Id extends string = string> {
  readonly id: Id;
  readonly label: string;
  readonly description: string;
  readonly kind: MethodKind;
  /** The layer map of an LRP method (kind 'lrp' only). */
  readonly layers?: LayerRuleSpecs;
}

const innvestigateConv: RuleSpec = { kind: 'alpha-beta', alpha: 1, beta: 0, bias: 'innvestigate' };
/** zennit's ZPlus: alpha1-beta0 with zennit's bias convention. */
const zPlus: RuleSpec = { kind: 'alpha-beta', alpha: 1, beta: 0, bias: 'zennit' };
const eps6: RuleSpec = { kind: 'epsilon', eps: 1e-6 };
const pass: RuleSpec = { kind: 'pass' };

const BUILTIN = [
  {
    id: 'paper',
    label: 'LRP-CMP (innvestigate 1.0.9)',
    description:
      "The paper's method: innvestigate 1.0.9 preset A (epsilon 1e-10 on dense layers, alpha1-beta0 with full bias on convolutions, innvestigate's BatchNormalization surrogate), starting from the logit value.",
    kind: 'lrp',
    layers: { conv3d: innvestigateConv, dense: { kind: 'epsilon', eps: 1e-10 }, batchNorm: { kind: 'bn-innvestigate' } },
  },
  {
    id: 'cmp-bn-pass',
    label: 'LRP-CMP, BN pass',
    description:
      "As the paper, but BatchNormalization passes relevance unchanged instead of innvestigate's surrogate (a simplification of ours; zennit would merge BatchNormalization into the neighbouring layer with a canonizer).",
    kind: 'lrp',
    layers: { conv3d: innvestigateConv, dense: { kind: 'epsilon', eps: 1e-10 }, batchNorm: pass },
  },
  {
    id: 'epsilon-plus',
    label: 'LRP epsilon-plus',
    description: 'z+ on convolutions, epsilon 1e-6 on dense layers, BatchNormalization pass.',
    kind: 'lrp',
    layers: { conv3d: zPlus, dense: eps6, batchNorm: pass },
  },
  {
    id: 'epsilon-alpha2-beta1',
    label: 'LRP epsilon-alpha2-beta1',
    description: 'alpha=2, beta=1 on convolutions, epsilon 1e-6 on dense layers, BatchNormalization pass.',
    kind: 'lrp',
    layers: { conv3d: { kind: 'alpha-beta', alpha: 2, beta: 1, bias: 'zennit' }, dense: eps6, batchNorm: pass },
  },
  {
    id: 'epsilon-plus-flat',
    label: 'LRP epsilon-plus-flat',
    description: 'As epsilon-plus, with the flat rule on the first convolution.',
    kind: 'lrp',
    layers: { conv3d: zPlus, firstConv3d: { kind: 'flat' }, dense: eps6, batchNorm: pass },
  },
  {
    id: 'gradient',
    label: 'Gradient',
    description: 'Gradient of the selected logit with respect to the input.',
    kind: 'gradient',
  },
  {
    id: 'gradient-x-input',
    label: 'Gradient x input',
    description: 'Gradient of the selected logit times the input.',
    kind: 'gradient-x-input',
  },
  {
    id: 'occlusion',
    label: 'Occlusion',
    description: 'Drop of the selected logit when a cube of the input is set to zero (slow: one forward pass per cube).',
    kind: 'occlusion',
  },
] as const satisfies readonly MethodSpec[];

export type MethodId = (typeof BUILTIN)[number]['id'];
export type MethodInfo = MethodSpec<MethodId>;

/** Every registered method, built-ins first; the page's method list shows them in this order. */
export const METHODS: readonly MethodInfo[] = BUILTIN;

const registered = new Map<string, MethodSpec>(METHODS.map((m) => [m.id, m]));

/**
 * Registers another method by name (e.g. a composite to try on the tiny fixtures); its id must be
 * new. The page and the CLI list only the built-ins.
 */
export function registerMethod(spec: MethodSpec): void {
  if (registered.has(spec.id)) throw new Error(`an explanation method named "${spec.id}" is already registered`);
  if (spec.kind === 'lrp' && !spec.layers) throw new Error(`LRP method "${spec.id}" needs a layer map`);
  registered.set(spec.id, spec);
}

/** The registered method of that id, or undefined. */
export function methodSpec(id: string): MethodSpec | undefined {
  return registered.get(id);
}

/** A one-line reason when `id` names no method, listing the choices; null when it does. */
export function unknownMethodMessage(id: string): string | null {
  if (registered.has(id)) return null;
  return `Unknown method "${id}"; choose one of ${METHODS.map((m) => m.id).join(', ')}.`;
}
