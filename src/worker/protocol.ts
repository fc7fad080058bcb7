/**
 * The contract between the page and the analysis worker, and between the worker and the one
 * pipeline function (`runPipeline`, src/core/pipeline.ts at integration).
 *
 * Everything on the model grid: 121 x 145 x 121 voxels, Float32Array,
 * index = i + 121 * (j + 145 * k); voxel -> world: x = -1.5 i + 90, y = 1.5 j - 126, z = 1.5 k - 72.
 */

import type { EngineName } from '../core/model/backend';
import type { ModelProvenance } from '../core/model/catalog';
import type { LobeScore, RegionScore } from '../core/analysis/regions';
import type { PipelineProgress } from '../core/progress';
import { CAT12_GRID } from '../core/volume/grid';
import type { Covariates } from '../core/analysis/residualize';
import type { DisplayOptions } from '../core/analysis/scale';
import type { DicomSeriesSummary } from '../core/dicom/series';
import type { Calibration } from '../core/model/bundle';
import type { FoldSpread, PipelineCombinationRecord } from '../core/pipeline';
import type { HabitsRequest, HabitsResponse } from './habitsProtocol';
import type { GateDecision } from '../core/gate';
import type { Message } from '../core/messages';
import type { ScanReadRequest, ScanReadResponse } from './scanReadProtocol';

export { PIPELINE_STAGES, type PipelineProgress, type PipelineStage } from '../core/progress';
export { BUNDLED_MODELS as MODELS } from '../core/model/catalog';

export const GRID_DIMS = CAT12_GRID.dims;
export const GRID_VOXELS = GRID_DIMS[0] * GRID_DIMS[1] * GRID_DIMS[2];
/** Row-major 4x4 voxel -> world (mm) affine of the grid. Note: i runs right -> left in world. */
export const GRID_AFFINE = CAT12_GRID.affine;

export interface PipelineRequest {
  scanBytes: Uint8Array;
  fileName: string;
  modelId: string;
  method: string;
  /** Output neuron to explain; default 1 (AD). */
  neuron?: number;
  /**
   * Force an engine (?backend= in the page URL); default: webgl, then wasm-simd, then tfjs wasm,
   * then cpu (wasm-simd first where WebGL renders in software).
   */
  backend?: EngineName;
  /** Covariates for models that residualize their input (default: DEFAULT_COVARIATES). */
  covariates?: Covariates;
  /** Mean of these models (modelId is then ignored), run one after another. */
  averageModelIds?: string[];
  /** Difference map A - B, where A is (modelId, method) and B this. */
  compareWith?: { modelId: string; method: string };
}

/** What the page shows of the raw-T1 stage (an approximate CAT12-like map, never called CAT12). */
export interface PreprocessedView {
  label: Message;
  verdict: 'pass' | 'doubtful' | 'fail';
  reason: Message;
  reasons: Message[];
  figures: Record<string, number>;
  volumes: { gm_ml: number; wm_ml: number; csf_ml: number; tiv_ml: number };
  seconds: Record<string, number>;
  /** The warped, bias-corrected scan on the grid as an R8 texture (the "warped T1" background). */
  warped8: Uint8Array;
  /** The QC picture: slices of the warped scan with the template's outline (RGBA). */
  montage: { width: number; height: number; rgba: Uint8ClampedArray };
  /** mwp1.nii.gz, wm.nii.gz, csf.nii.gz, qc.json, for export. */
  files: { name: string; bytes: Uint8Array }[];
}

/** How a combined result was made, with each member's own prediction (the pipeline's record). */
export type Combination = PipelineCombinationRecord;

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
  /** The output neuron explained (1 = AD). */
  neuron: number;
  modelLabel: string;
  methodLabel: string;
  /** For the person beside the result (e.g. the seeded model ran instead of the trained one). */
  notices: Message[];
  /** For Diagnostics: which engine ran and why (software WebGL, fallbacks). */
  engineNotes: Message[];
  /** What the input gate made of the scan; 'doubtful' reasons are shown and exported with the result. */
  gate: GateDecision;
  /** Milliseconds per stage (or any named step). */
  timings: Record<string, number>;
  /** The engine that ran it: a tfjs backend or e.g. "wasm-simd, 4 threads" (fallback reasons in engineNotes). */
  backend: string;
  /** The paper's region scores on the raw map (absent when the atlas could not be loaded). */
  regions?: { regions: RegionScore[]; lobes: LobeScore[] };
  /** The covariates the input was residualized with; absent when the model takes raw maps. */
  residualizedWith?: Covariates;
  /** Present for the mean of several models or a difference of two analyses. */
  combination?: Combination;
  /** Present for a fold ensemble: the SD of the relevance across its folds (raw and displayed, >= 0). */
  spread?: FoldSpread;
  /** Which disclaimer the page shows with this result (a combination: its first member's). */
  provenance: ModelProvenance;
  /** The display post-processing that ran, every default filled in (a combination: its first member's). */
  displayOptions: DisplayOptions;
  /** The (first) model's temperature calibration; temperature 1 when it has none. */
  calibration: Calibration;
  /** Present when the scan was a raw T1 made into a GM map by the raw-T1 stage. */
  preprocessed?: PreprocessedView;
  /** Set when the map was read from this file (a precomputed *_statmap), not computed: no model ran, probability is NaN. */
  fromFile?: string;
}

/**
 * Textures ready for upload, computed in the worker so that the page does no voxel loops:
 * background as R8 (0..255 over [bgMin, bgMax]), display map as R8 (v = (b - 128) / 127).
 */
export interface TextureData {
  background8: Uint8Array;
  bgMin: number;
  bgMax: number;
  display8: Uint8Array;
  /** A fold ensemble's fold-spread display map, quantized as display8 (so 0 is 128 and full spread 255). */
  spread8?: Uint8Array;
}

/** Decoded page assets (atlas, template), all on the grid; absent parts are null. */
export interface AssetData {
  atlasLabels: Uint8Array | null;
  template8: Uint8Array | null;
  /** Reasons an asset could not be loaded (shown in diagnostics, never fatal). */
  missing: string[];
}

/** 'crashed': the worker itself ended (killed by the browser, say) or threw outside any request. */
export type ErrorKind = 'input' | 'memory' | 'cancelled' | 'internal' | 'crashed';

// ---- page -> worker ----
export type AnalyzeRequest = { type: 'analyze'; id: number } & PipelineRequest;
export interface CancelRequest {
  type: 'cancel';
  id: number;
}
export interface AssetsRequest {
  type: 'assets';
  id: number;
  /** The site root as an absolute URL (the worker's own base differs from the page's). */
  baseUrl: string;
}
/** The site root for a replacement worker (a first worker learns it from its AssetsRequest). */
export interface SiteRequest {
  type: 'site';
  id: 0;
  baseUrl: string;
}
/** Asks the worker to hold a Web Lock of this name for as long as it lives (see client.ts). */
export interface HoldLockRequest {
  type: 'hold-lock';
  id: 0;
  name: string;
}
export type WorkerRequest = AnalyzeRequest | CancelRequest | AssetsRequest | SiteRequest | HoldLockRequest | HabitsRequest | ScanReadRequest;

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
  message: Message;
  kind: ErrorKind;
  /** Present when the input gate refused the scan: what it is, and the figures. */
  gate?: GateDecision;
  /** Reading a DICOM set that failed still lists the series found (the user may pick another). */
  series?: DicomSeriesSummary[];
}
export interface LockHeldMessage {
  type: 'lock-held';
  id: 0;
}
export type WorkerResponse = ProgressMessage | ResultMessage | AssetsMessage | ErrorMessage | LockHeldMessage | HabitsResponse | ScanReadResponse;
