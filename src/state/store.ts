/**
 * The app's state: the scan, the chosen model and method, the analysis status and results,
 * the page's assets, the view settings and the crosshair. Actions live in actions.ts.
 */
import { create } from 'zustand';
import { GRID_DIMS, MODELS, type PipelineProgress } from '../worker/protocol';
import type { AnalysisOutput } from '../worker/client';
import { DEFAULT_VIEW_SETTINGS, type OverlayMap, type ViewSettings } from './viewSettings';
import { DEFAULT_COVARIATES, type Covariates } from '../core/analysis/residualize';
import type { ImportedModelInfo, ModelInfo } from '../worker/habitsProtocol';
import { initialLang, initialTheme, type CombineSettings, type Lang, type Theme } from './prefs';
import type { GateDecision } from '../core/gate';
import type { DicomSeriesSummary } from '../core/dicom/series';
import type { Message } from '../core/messages';
import type { DeployedModel } from '../core/model/modelIndex';

export type Voxel = [number, number, number];

export interface ScanInfo {
  name: string;
  hash: string;
  bytes: Uint8Array;
  /** Where it came from, for the header line. */
  source: 'file' | 'demo' | 'url' | 'dicom';
}

/** What reading many files, a zip or a DICOM folder found: notices, and the DICOM series to choose from. */
export interface ScanReadState {
  notices: Message[];
  /** The series list (also when none could be read), which one is in use, and the patient (page only). */
  dicom: { series: DicomSeriesSummary[]; chosen: string | null; patient: { name: string; id: string } | null } | null;
}

export interface DemoCase {
  id: string;
  file: string;
  group: string;
  age: number;
  sex: string | number;
  tiv: number;
  field: number;
}

export interface AtlasRegion {
  index: number;
  name: string;
  code?: number | string;
}

export interface AssetsState {
  atlasLabels: Uint8Array | null;
  regionNames: Map<number, string>;
  template8: Uint8Array | null;
  missing: string[];
  loaded: boolean;
}

export interface GpuInfo {
  renderer: string;
  vendor: string;
  maxTextureSize: number;
  max3DTextureSize: number;
  precision: string;
  floatLinear: boolean;
}

export type Status = 'idle' | 'loading' | 'running' | 'done' | 'error';

/** What is being computed now (the views mark it; the menus show the displayed map's choices otherwise). */
export interface Job {
  kind: 'loading' | 'importing' | 'analysis';
  /** The scan or model file's name. */
  name: string;
  modelId: string;
  method: string;
  /** Date.now() at the start, for the time estimate. */
  startedAt: number;
}

/** A scan the input gate refused: no result exists for it, only the reason. */
export interface Refusal {
  scanName: string;
  decision: GateDecision;
}

/** The model and method a displayed result was computed with. */
export interface ResultChoice {
  modelId: string;
  method: string;
}

export interface AppState {
  scan: ScanInfo | null;
  /** Set when the scan came from several files, a zip or DICOM (null for a single NIfTI, a demo, a URL). */
  scanRead: ScanReadState | null;
  modelId: string;
  method: string;
  status: Status;
  progress: PipelineProgress | null;
  /** The result on screen, with its cache key and the choices it was computed with. */
  output: (AnalysisOutput & { key: string; choice: ResultChoice }) | null;
  /** The last scan was refused by the input gate (then output is null). */
  refusal: Refusal | null;
  job: Job | null;
  error: Message | null;
  /** Further sentences shown with the error (e.g. a model that works but could not be stored). */
  errorNotes: Message[];
  /** A problem with the graphics context (lost, not available); views show it. */
  webglProblem: Message | null;
  demos: DemoCase[];
  assets: AssetsState;
  gpu: GpuInfo | null;
  view: ViewSettings;
  crosshair: Voxel;
  /** Covariates for residualizing models (age, sex 1/0/0.5, TIV, field). */
  covariates: Covariates;
  lang: Lang;
  theme: Theme;
  /** The models of models/index.json (cross-validation fold families); empty until read, or where none are deployed. */
  deployedModels: DeployedModel[];
  /** Models converted from dropped Keras HDF5 files (kept in IndexedDB). */
  importedModels: ImportedModelInfo[];
  /** Per model id: does it residualize? (filled on demand) */
  modelInfo: Record<string, ModelInfo>;
  combine: CombineSettings;
  helpOpen: boolean;
}

export const CENTRE_VOXEL: Voxel = [60, 84, 48]; // near MNI (0, 0, 0): x = 0, y = 0, z = 0

export const useStore = create<AppState>(() => ({
  scan: null,
  scanRead: null,
  modelId: MODELS[0]!.id,
  method: 'paper',
  status: 'idle',
  progress: null,
  output: null,
  refusal: null,
  job: null,
  error: null,
  errorNotes: [],
  webglProblem: null,
  demos: [],
  assets: { atlasLabels: null, regionNames: new Map(), template8: null, missing: [], loaded: false },
  gpu: null,
  view: DEFAULT_VIEW_SETTINGS,
  crosshair: CENTRE_VOXEL,
  covariates: { ...DEFAULT_COVARIATES },
  lang: initialLang(),
  theme: initialTheme(),
  deployedModels: [],
  importedModels: [],
  modelInfo: {},
  combine: { mode: 'single', averageIds: [], compareModelId: MODELS[0]!.id, compareMethod: 'paper' },
  helpOpen: false,
}));

/** The overlay on screen: the fold-spread map only when asked for and the result has one (a fold ensemble). */
export function shownOverlay(s: Pick<AppState, 'view' | 'output'>): OverlayMap {
  return s.view.overlayMap === 'fold-spread' && s.output?.textures.spread8 ? 'fold-spread' : 'relevance';
}

export function setView(patch: Partial<ViewSettings>): void {
  useStore.setState((s) => ({ view: { ...s.view, ...patch } }));
}

export function setCrosshair(v: Voxel): void {
  const c: Voxel = [clampInt(v[0], GRID_DIMS[0]), clampInt(v[1], GRID_DIMS[1]), clampInt(v[2], GRID_DIMS[2])];
  const old = useStore.getState().crosshair;
  if (old[0] !== c[0] || old[1] !== c[1] || old[2] !== c[2]) useStore.setState({ crosshair: c });
}

function clampInt(x: number, n: number): number {
  return Math.max(0, Math.min(n - 1, Math.round(x)));
}
