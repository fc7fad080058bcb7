/**
 * The one pipeline, shared by the web worker, the CLI and the tests:
 *
 *   scan bytes -> NIfTI volume -> CAT12 grid -> (residualized) model tensor
 *     -> forward + relevance (model space) -> relevance on the grid -> display map + region scores
 *
 * Hosts supply the loaded model (and the atlas, when they want region scores); everything here is
 * pure TypeScript on tfjs ops, so the same bytes give the same numbers in every host.
 */
import { InputError } from './errors';
import type { PipelineProgress, PipelineStage } from './progress';
import { readNifti, type NiftiHeaderInfo } from './nifti';
import { CAT12_GRID } from './volume/grid';
import { resampleToGrid } from './volume/resample';
import { gridToModelTensor, modelTensorToGrid } from './volume/modelTensor';
import { guessScanKind, type ScanKind } from './volume/sanity';
import type { Volume } from './volume/types';
import { explain, METHODS, type MethodId } from './lrp/methods';
import type { OcclusionOptions } from './lrp/occlusion';
import type { ModelExecutor } from './lrp/executor';
import type { Kernels } from './model/kernels';
import type { Model } from './model/types';
import { displayMap, type DisplayOptions } from './analysis/scale';
import { regionAndLobeScores, type AtlasRegion, type LabelArray, type LobeScore, type RegionScore } from './analysis/regions';
import { DEFAULT_COVARIATES, residualize, type CovariateModel, type Covariates } from './analysis/residualize';
import { runPreprocessIfWanted, type PreprocessHook } from './preprocess/hook';
import type { PreprocessResult } from './preprocess';

export { PIPELINE_STAGES, type PipelineProgress, type PipelineStage } from './progress';

export interface Atlas {
  /** Labels on the CAT12 grid. */
  labels: LabelArray;
  regions: readonly AtlasRegion[];
}

export interface PipelineOptions {
  model: Model;
  method: MethodId;
  /** Output neuron to explain (default 1 = AD). */
  neuron?: number;
  /** Voxel-wise covariate model on the grid; when given, the model sees residuals (the paper's "resmodel"). */
  covariateModel?: CovariateModel;
  covariates?: Covariates;
  /** With an atlas the result carries the paper's region scores. */
  atlas?: Atlas;
  display?: DisplayOptions;
  occlusion?: OcclusionOptions;
  kernels?: Kernels;
  /** A faster engine built for `model` (the wasm-simd planar executor); methods it lacks run on tfjs. */
  executor?: ModelExecutor;
  onProgress?: (p: PipelineProgress) => void;
  signal?: AbortSignal;
  /** The raw-T1 stage: its templates and when to run it (default auto: when the scan looks like a raw T1). */
  preprocess?: PreprocessHook;
}

export interface PipelineOutput {
  header: NiftiHeaderInfo;
  /** The scan as read (its own grid and affine), for resampling results back into its space. */
  scan: Volume<Float32Array>;
  /** The scan on the CAT12 grid (121 x 145 x 121), NaN kept as read. */
  grid: Float32Array;
  /** What the model saw, on the grid (residuals when a covariate model was used; NaN -> 0). */
  input: Float32Array;
  /** Raw relevance on the grid (zeros outside the model's crop). */
  relevance: Float32Array;
  /** Smoothed and scaled to [-1, 1] for display. */
  display: Float32Array;
  logits: number[];
  probabilities: number[];
  /** softmax(logits)[1]: the model's likelihood of AD. */
  probability: number;
  method: MethodId;
  neuron: number;
  scanKind: { kind: ScanKind; message?: string };
  notices: string[];
  /** What computed the model and the relevance: the executor's id (e.g. "wasm-simd") or "tfjs". */
  engine: string;
  /** Milliseconds per stage. */
  timings: Record<PipelineStage, number>;
  regions?: { regions: RegionScore[]; lobes: LobeScore[] };
  /** Present when the raw-T1 stage made the GM map (an approximate CAT12-like map) from the scan. */
  preprocessed?: PreprocessResult;
}

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new DOMException('The analysis was cancelled.', 'AbortError');
}

/** Lets a worker deliver progress and cancel messages between the synchronous stages. */
const yieldToHost = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export async function runPipeline(scanBytes: Uint8Array, options: PipelineOptions): Promise<PipelineOutput> {
  const { model, method, signal } = options;
  const neuron = options.neuron ?? 1;
  if (!METHODS.some((m) => m.id === method)) {
    throw new InputError(`Unknown method "${String(method)}"; choose one of ${METHODS.map((m) => m.id).join(', ')}.`);
  }
  const report = (stage: PipelineStage, fraction: number, message?: string) => options.onProgress?.({ stage, fraction, message });
  const timings: Record<PipelineStage, number> = { reading: 0, preprocess: 0, grid: 0, forward: 0, relevance: 0, post: 0 };
  let t = performance.now();
  const lap = (stage: PipelineStage) => {
    const now = performance.now();
    timings[stage] = now - t;
    t = now;
  };

  report('reading', 0, 'reading the scan');
  const image = readNifti(scanBytes);
  const notices = [...image.notices];
  lap('reading');
  report('reading', 1);
  await yieldToHost();
  checkAborted(signal);

  const scanKind = guessScanKind(image.volume);
  const preprocessed = options.preprocess ? await runPreprocessIfWanted(image, scanKind, options.preprocess, (f, m) => report('preprocess', f, m), signal) : undefined;
  lap('preprocess');
  await yieldToHost();
  checkAborted(signal);

  report('grid', 0, 'placing the scan on the model grid');
  if (preprocessed) notices.push(...preprocessed.qc.reasons.filter(() => preprocessed.qc.verdict !== 'pass').map((r) => r.text));
  else if (scanKind.message) notices.push(scanKind.message);
  const grid = preprocessed ? preprocessed.gm : resampleToGrid(image.volume, CAT12_GRID, 'trilinear').data;
  let input = grid;
  if (options.covariateModel) {
    // A preprocessed scan brings its own TIV, measured from the scan itself: it replaces the given one.
    const given = options.covariates ?? DEFAULT_COVARIATES;
    const covariates = preprocessed ? { ...given, tiv: preprocessed.volumes.tiv_ml } : given;
    input = residualize(grid, options.covariateModel, covariates);
  }
  const tensor = gridToModelTensor(input); // also replaces NaN by 0
  lap('grid');
  report('grid', 1);
  await yieldToHost();
  checkAborted(signal);

  const explanation = await explain(model, tensor, {
    method,
    neuron,
    occlusion: options.occlusion,
    kernels: options.kernels,
    executor: options.executor,
    signal,
    onProgress: (e) => {
      const fraction = e.total > 0 ? e.done / e.total : 1;
      report(e.stage === 'forward' ? 'forward' : 'relevance', fraction, e.layer);
    },
  });
  notices.push(...explanation.notices);
  timings.forward = explanation.timings.forward_ms;
  timings.relevance = explanation.timings.total_ms - explanation.timings.forward_ms;
  t = performance.now();
  checkAborted(signal);

  report('post', 0, 'smoothing and region scores');
  const relevance = modelTensorToGrid(explanation.relevance).data;
  const display = displayMap(relevance, CAT12_GRID.dims, options.display ?? { scaling: 'fixed' });
  const regions = options.atlas ? regionAndLobeScores(relevance, options.atlas.labels, options.atlas.regions) : undefined;
  lap('post');
  report('post', 1);

  return {
    header: image.header,
    scan: image.volume,
    grid,
    input: modelTensorToGrid(tensor).data,
    relevance,
    display,
    logits: explanation.logits,
    probabilities: explanation.probabilities,
    probability: explanation.probabilities[1] ?? Number.NaN,
    method,
    neuron,
    scanKind,
    notices,
    engine: explanation.engine,
    timings,
    regions,
    preprocessed,
  };
}
