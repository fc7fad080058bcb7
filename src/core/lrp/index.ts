export { METHODS, explain, predict, type MethodId, type MethodInfo, type ExplainOptions, type Explanation, type Timings } from './methods';
export { methodSpec, registerMethod, unknownMethodMessage, type MethodSpec, type MethodKind, type LayerRuleSpecs } from './registry';
export { backward, type BackwardOptions } from './backward';
export * from './composites';
export * from './rules';
export { occlusion, type OcclusionOptions } from './occlusion';
export type { ModelExecutor, ExecutorRelevance, ExecutorRunOptions } from './executor';
