export type * from './types';
export { loadModel, loadModelFromUrl, loadModelFromFiles } from './loadModel';
export { parseTopology, type LayerSpec, type TopologySpec } from './topology';
export { forward, softmax, inputTensor, type ForwardTrace, type ForwardOptions, type ProgressEvent, type ProgressCallback } from './forward';
export { tfjsKernels, flipKernel, type Kernels, type PoolRouteMode } from './kernels';
export { setBackend, type BackendName, type BackendOptions } from './backend';
export {
  makeSeededModelArtifacts, makeSmoothBrainInput, paperTopology, artifactsFromWeights, seededWeights, lcgUniform,
  SEEDED_MODEL_LABEL, type SeededModelOptions, type NamedWeight,
} from './seeded';
