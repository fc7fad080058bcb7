/**
 * The named explanation methods, without tfjs: the page lists them without loading the runtime.
 */

export type MethodId =
  | 'paper' | 'cmp-bn-pass' | 'epsilon-plus' | 'epsilon-alpha2-beta1' | 'epsilon-plus-flat'
  | 'gradient' | 'gradient-x-input' | 'occlusion';

export interface MethodInfo { id: MethodId; label: string; description: string }

export const METHODS: readonly MethodInfo[] = [
  { id: 'paper', label: 'LRP-CMP (innvestigate 1.0.9)', description: "The paper's method: innvestigate 1.0.9 preset A (epsilon 1e-10 on dense layers, alpha1-beta0 with full bias on convolutions, innvestigate's BatchNormalization surrogate), starting from the logit value." },
  { id: 'cmp-bn-pass', label: 'LRP-CMP, BN pass', description: 'As the paper, but BatchNormalization passes relevance unchanged (zennit default).' },
  { id: 'epsilon-plus', label: 'LRP epsilon-plus', description: 'z+ on convolutions, epsilon 1e-6 on dense layers, BatchNormalization pass.' },
  { id: 'epsilon-alpha2-beta1', label: 'LRP epsilon-alpha2-beta1', description: 'alpha=2, beta=1 on convolutions, epsilon 1e-6 on dense layers, BatchNormalization pass.' },
  { id: 'epsilon-plus-flat', label: 'LRP epsilon-plus-flat', description: 'As epsilon-plus, with the flat rule on the first convolution.' },
  { id: 'gradient', label: 'Gradient', description: 'Gradient of the selected logit with respect to the input.' },
  { id: 'gradient-x-input', label: 'Gradient x input', description: 'Gradient of the selected logit times the input.' },
  { id: 'occlusion', label: 'Occlusion', description: 'Drop of the selected logit when a cube of the input is set to zero (slow: one forward pass per cube).' },
];

