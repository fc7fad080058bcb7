/**
 * The contract between the page and the analysis worker, and between the worker and the one
 * pipeline function (`runPipeline`, src/core/pipeline.ts at integration).
 *
 * Everything on the model grid: 121 x 145 x 121 voxels, Float32Array,
 * index = i + 121 * (j + 145 * k); voxel -> world: x = -1.5 i + 90, y = 1.5 j - 126, z = 1.5 k - 72.
 */

export const GRID_DIMS = [121, 145, 121] as const;
export const GRID_VOXELS = 121 * 145 * 121;
/** Row-major 4x4 voxel -> world (mm) affine of the grid. Note: i runs right -> left in world. */
export const GRID_AFFINE: readonly number[] = [-1.5, 0, 0, 90, 0, 1.5, 0, -126, 0, 0, 1.5, -72, 0, 0, 0, 1];

export type PipelineStage = 'reading' | 'grid' | 'forward' | 'relevance' | 'post';
export const PIPELINE_STAGES: readonly PipelineStage[] = ['reading', 'grid', 'forward', 'relevance', 'post'];

export interface PipelineRequest {
  scanBytes: Uint8Array;
  fileName: string;
  modelId: string;
  method: string;
  /** Output neuron to explain; default 1 (AD). */
  neuron?: number;
}

export interface PipelineProgress {
  stage: PipelineStage;
  /** 0..1 within the stage. */
  fraction: number;
  message?: string;
}

export interface PipelineResult {
  /** The scan on the grid. */
  background: Float32Array;
  /** Raw relevance on the grid. */
  relevance: Float32Array;
  /** Smoothed and scaled to [-1, 1]. */
  display: Float32Array;
  logits: number[];
  /** softmax(logits)[1]: the likelihood of AD. */
  probability: number;
  modelLabel: string;
  methodLabel: string;
  notices: string[];
  /** Milliseconds per stage (or any named step). */
  timings: Record<string, number>;
  /** The tfjs backend that ran it (with the fallback reason, if any, in notices). */
  backend: string;
}

export type RunPipeline = (
  req: PipelineRequest,
  onProgress: (p: PipelineProgress) => void,
  signal: AbortSignal,
) => Promise<PipelineResult>;

/**
 * Textures ready for upload, computed in the worker so that the page does no voxel loops:
 * background as R8 (0..255 over [bgMin, bgMax]), display map as R8 (v = (b - 128) / 127).
 */
export interface TextureData {
  background8: Uint8Array;
  bgMin: number;
  bgMax: number;
  display8: Uint8Array;
}

/** Decoded page assets (atlas, template), all on the grid; absent parts are null. */
export interface AssetData {
  atlasLabels: Uint8Array | null;
  template8: Uint8Array | null;
  /** Reasons an asset could not be loaded (shown in diagnostics, never fatal). */
  missing: string[];
}

export type ErrorKind = 'input' | 'memory' | 'cancelled' | 'internal';

// ---- page -> worker ----
export type AnalyzeRequest = { type: 'analyze'; id: number } & PipelineRequest;
export interface CancelRequest {
  type: 'cancel';
  id: number;
}
export interface AssetsRequest {
  type: 'assets';
  id: number;
  /** Absolute URLs (the worker's base differs from the page's). */
  atlasUrl: string;
  templateUrl: string;
}
export type WorkerRequest = AnalyzeRequest | CancelRequest | AssetsRequest;

// ---- worker -> page ----
export type ProgressMessage = { type: 'progress'; id: number } & PipelineProgress;
export interface ResultMessage {
  type: 'result';
  id: number;
  result: PipelineResult;
  textures: TextureData;
}
export interface AssetsMessage {
  type: 'assets';
  id: number;
  assets: AssetData;
}
export interface ErrorMessage {
  type: 'error';
  id: number;
  message: string;
  kind: ErrorKind;
}
export type WorkerResponse = ProgressMessage | ResultMessage | AssetsMessage | ErrorMessage;

export const MODELS = [{ id: 'dyrba2021-demo', label: 'Dyrba et al. 2021 CNN (demo weights)' }] as const;

export const METHODS = [
  { id: 'paper', label: 'LRP as in the paper' },
  { id: 'cmp-bn-pass', label: 'LRP-CMP, BatchNorm pass-through' },
  { id: 'epsilon-plus', label: 'LRP epsilon + (z+)' },
  { id: 'epsilon-alpha2-beta1', label: 'LRP epsilon + alpha2-beta1' },
  { id: 'epsilon-plus-flat', label: 'LRP epsilon + z+ + flat' },
  { id: 'gradient', label: 'Gradient (saliency)' },
  { id: 'gradient-x-input', label: 'Gradient x input' },
  { id: 'occlusion', label: 'Occlusion' },
] as const;
