/**
 * The worker's side of the pipeline: picks the engine (webgl -> wasm-simd -> tfjs wasm -> cpu,
 * wasm-simd first where WebGL renders in software; saying why), loads and caches models (with
 * their wasm-simd executors) and the atlas, and runs the one core pipeline for a request.
 */
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { ATLAS_LABELS_PATH, ATLAS_NAMES_PATH, parseAtlasLabels, parseAtlasNames, TEMPLATE_T1_PATH } from '../core/atlas';
import { isStatmapFile, STATMAP_DISPLAY, statmapOnGrid } from '../core/cohort/statmap';
import { readNifti } from '../core/nifti';
import { InputError } from '../core/errors';
import { unknownMethodMessage, type MethodId } from '../core/lrp/registry';
import { threadsSupported } from '../core/kernels/wasm/index';
import type { KernelWorkerHandle, KernelWorkerReply } from '../core/kernels/wasm/threads';
import { setBackend, type EngineName } from '../core/model/backend';
import { BUNDLED_MODELS, SEEDED_MODEL_ID, type BundledModel, type ModelProvenance } from '../core/model/catalog';
import { ensembleFamily, isEnsembleId, MODEL_INDEX_PATH, parseModelIndex, type DeployedModel } from '../core/model/modelIndex';
import { loadArtifactsFromUrl, loadModel } from '../core/model/loadModel';
import { IDENTITY_CALIBRATION, loadModelBundle, plainBundle } from '../core/model/bundle';
import { makeSeededModelArtifacts, SEEDED_MODEL_LABEL } from '../core/model/seeded';
import type { Model } from '../core/model/types';
import { runPipeline, type Atlas, type PipelineCombination } from '../core/pipeline';
import type { DisplayOptions } from '../core/analysis/scale';
import { startWasmEngine } from '../core/planar/index';
import { isSoftwareRenderer, webglRenderer } from './webglRenderer';
import { GRID_VOXELS, type PipelineProgress, type PipelineRequest, type PipelineResult } from './protocol';
import { regionAndLobeScores } from '../core/analysis/regions';
import { isImportedModelId } from './habitsProtocol';
import { loadImported } from './importH5';
import { ModelCache, type CachedModel, type EngineEntry } from './modelCache';
import { say, untranslated } from './messageProtocol';
import type { Message } from '../core/messages';
import { parseTemplates, PREPROCESS_TEMPLATE_FILES, type PreprocessTemplates, type PreprocessResult } from '../core/preprocess';
import type { TemplateFileKey } from '../core/preprocess/templates';
import { preprocessFiles } from '../core/preprocess/outputs';
import { qcMontage } from '../core/preprocess/montage';
import { quantizeRange } from './textures';
import type { PreprocessedView } from './protocol';

const WASM_FILES = {
  'tfjs-backend-wasm.wasm': wasmPlainUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
};

let siteBase = '';
interface EngineChoice {
  name: EngineName;
  /** The tfjs backend beneath (holds the weights; runs what wasm-simd does not cover). */
  tfjs: string;
  /** For Diagnostics. */
  notices: Message[];
}
let engineReady: Promise<EngineChoice> | null = null;
const cache = new ModelCache(startEngineFor);
let atlasReady: Promise<Atlas | null> | null = null;
let atlasLabelsReady: Promise<Uint8Array> | null = null;

/** The site root the page was served from; models and assets are resolved against it. */
export function setSiteBase(base: string): void {
  siteBase = base;
}

function initEngine(preferred?: EngineName): Promise<EngineChoice> {
  engineReady ??= (async () => {
    const notices: Message[] = [];
    let order: EngineName[] = preferred ? [preferred] : ['webgl', 'wasm-simd', 'wasm', 'cpu'];
    const renderer = preferred ? null : webglRenderer();
    if (renderer && isSoftwareRenderer(renderer)) {
      order = ['wasm-simd', 'webgl', 'wasm', 'cpu'];
      notices.push(say('worker.softwareWebgl', { renderer }));
    }
    for (const name of order) {
      try {
        if (name === 'wasm-simd') {
          if (typeof WebAssembly !== 'object') throw new Error('this browser has no WebAssembly');
          return { name, tfjs: await setBackend('cpu'), notices };
        }
        return { name, tfjs: await setBackend(name, { wasmPath: WASM_FILES }), notices };
      } catch (e) {
        notices.push(say('worker.engineUnavailable', { engine: name, reason: e instanceof Error ? e.message : String(e) }));
      }
    }
    return { name: 'cpu', tfjs: await setBackend('cpu'), notices };
  })();
  return engineReady;
}

/** A kernel worker sharing the engine's memory (threads.ts), as a module worker Vite bundles. */
function spawnKernelWorker(): KernelWorkerHandle {
  const w = new Worker(new URL('../core/kernels/wasm/kernel-worker.ts', import.meta.url), { type: 'module' });
  return {
    post: (msg) => w.postMessage(msg),
    onMessage: (h) => w.addEventListener('message', (e: MessageEvent<KernelWorkerReply>) => h(e.data)),
    terminate: () => w.terminate(),
  };
}

/**
 * Threads need a shared memory, which browsers give only to cross-origin-isolated pages (COOP +
 * COEP headers: the Vite servers and public/_headers send them). Elsewhere: one thread.
 */
function kernelThreadCount(): { threads: number; why?: string } {
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== true) return { threads: 1, why: 'the page is not cross-origin isolated' };
  if (!threadsSupported()) return { threads: 1, why: 'no shared WebAssembly memory here' };
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2;
  return { threads: Math.max(1, Math.min(cores, 4)) };
}

/** The wasm-simd executor of a model: weights uploaded and buffers planned once per model (cached by ModelCache). */
async function startEngineFor(model: Model): Promise<EngineEntry> {
  const { threads, why } = kernelThreadCount();
  if (threads > 1) {
    const spawned: KernelWorkerHandle[] = [];
    const spawn = () => {
      const h = spawnKernelWorker();
      spawned.push(h);
      return h;
    };
    try {
      const executor = await withTimeout(startWasmEngine(model, { threads, spawnWorker: spawn }), 15000, 'the kernel workers did not start');
      return { executor, label: executor.id, notices: [] };
    } catch (e) {
      for (const h of spawned) h.terminate();
      const executor = await startWasmEngine(model);
      return { executor, label: `${executor.id} (1 thread: ${e instanceof Error ? e.message : String(e)})`, notices: [] };
    }
  }
  try {
    const executor = await startWasmEngine(model);
    return { executor, label: `${executor.id} (1 thread: ${why})`, notices: [] };
  } catch (e) {
    return { label: 'cpu', notices: [`The wasm-simd engine could not run this model (${e instanceof Error ? e.message : String(e)}); tfjs cpu ran it.`] };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(message)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** An imported model just converted: cached so it runs even where IndexedDB is unavailable. */
export function rememberModel(modelId: string, model: Model, label: string): void {
  cache.remember(modelId, { bundle: plainBundle(model, label, { provenance: 'imported' }), notices: [] });
}

/** Whether a model (or any fold of an ensemble) takes residuals (the page then asks for covariates); loads it once. */
export async function modelResidualizes(modelId: string): Promise<boolean> {
  try {
    const ids = isEnsembleId(modelId) ? await ensembleMemberIds(modelId) : [modelId];
    const loaded = await Promise.all(ids.map(getModel));
    return loaded.some((m) => m.bundle.covariateModel !== null);
  } catch {
    return false;
  }
}

let deployedReady: Promise<DeployedModel[]> | null = null;

/**
 * The deployed models of models/index.json (fold families), read once; a site without the index
 * has none (a failed read is retried next time).
 */
function deployedModels(): Promise<DeployedModel[]> {
  if (!deployedReady) {
    deployedReady = fetchOk(MODEL_INDEX_PATH).then(async (r) => parseModelIndex(await r.json()));
    deployedReady.catch(() => {
      deployedReady = null;
    });
  }
  return deployedReady.catch(() => []);
}

/** The fold models an ensemble id averages, in fold order; InputError for an unknown ensemble. */
async function ensembleMemberIds(modelId: string): Promise<string[]> {
  const family = ensembleFamily(await deployedModels(), modelId);
  if (!family) throw new InputError(say('worker.unknownModel', { model: modelId }));
  return family.folds.map((f) => f.id);
}

/** Drops a model and everything built for it (weights, wasm memory, kernel workers). */
export function forgetModel(modelId: string): void {
  cache.forget(modelId);
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new InputError(`The file ${url} could not be loaded (HTTP ${res.status}); put it next to model.json.`);
  return new Uint8Array(await res.arrayBuffer());
}

function seededBundle(label: string, display: DisplayOptions | undefined, provenance: ModelProvenance) {
  return loadModel(makeSeededModelArtifacts(1), SEEDED_MODEL_LABEL).then((model) => plainBundle(model, label, { display, provenance }));
}

/** The resolved bundle of a model id: bundled (with its covariate model and calibration), seeded or imported. */
function getModel(modelId: string): Promise<CachedModel> {
  return cache.get(modelId, async () => {
    if (isImportedModelId(modelId)) {
      const { model, info } = await loadImported(modelId);
      return { bundle: plainBundle(model, info.label, { provenance: 'imported' }), notices: [] };
    }
    const bundled = BUNDLED_MODELS.find((m) => m.id === modelId);
    if (bundled && (modelId === SEEDED_MODEL_ID || !bundled.url)) {
      return { bundle: await seededBundle(bundled.label, bundled.display, bundled.provenance), notices: [] };
    }
    if (bundled) return loadBundled(bundled, bundled.url!);
    // A deployed model (a fold family's member): fetched only now, when it is chosen.
    const deployed = (await deployedModels()).find((m) => m.id === modelId);
    if (!deployed) throw new InputError(say('worker.unknownModel', { model: modelId }));
    const url = new URL(deployed.url, siteBase).href;
    let artifacts;
    try {
      artifacts = await loadArtifactsFromUrl(url);
    } catch (e) {
      // No seeded stand-in here: a fold ensemble with a noise member would look like a real result.
      throw new InputError(say('worker.deployedMissing', { model: deployed.label, reason: e instanceof Error ? e.message : String(e) }));
    }
    return { bundle: await bundleOf(artifacts, deployed, url), notices: [] };
  });
}

async function loadBundled(bundled: BundledModel, path: string): Promise<CachedModel> {
  const url = new URL(path, siteBase).href;
  let artifacts;
  try {
    artifacts = await loadArtifactsFromUrl(url);
  } catch (e) {
    // A deployment without the trained model still works, clearly labelled.
    const seeded = BUNDLED_MODELS.find((m) => m.id === SEEDED_MODEL_ID)!;
    return {
      bundle: await seededBundle(seeded.label, seeded.display, seeded.provenance),
      notices: [say('worker.modelFallback', { model: bundled.label, reason: e instanceof Error ? e.message : String(e) })],
    };
  }
  return { bundle: await bundleOf(artifacts, bundled, url), notices: [] };
}

function bundleOf(artifacts: Awaited<ReturnType<typeof loadArtifactsFromUrl>>, entry: BundledModel, url: string) {
  return loadModelBundle(artifacts, {
    label: entry.label,
    display: entry.display,
    provenance: entry.provenance,
    read: (path) => fetchBytes(new URL(path, url).href),
  });
}

function fetchOk(path: string): Promise<Response> {
  return fetch(new URL(path, siteBase)).then((r) => (r.ok ? r : Promise.reject(new Error(`HTTP ${r.status}`))));
}

/**
 * The AAL label volume, fetched and decoded once per worker: the region scores and the page's
 * outlines and region names share it. A failed load is forgotten so that a later call retries.
 */
export function atlasLabels(): Promise<Uint8Array> {
  if (!atlasLabelsReady) {
    atlasLabelsReady = fetchOk(ATLAS_LABELS_PATH).then(async (r) => parseAtlasLabels(new Uint8Array(await r.arrayBuffer())));
    atlasLabelsReady.catch(() => {
      atlasLabelsReady = null;
    });
  }
  return atlasLabelsReady;
}

let templateReady: Promise<Float32Array> | null = null;

/** The Colin27 T1 on the grid (the page's background), fetched once; a failed load is retried later. */
export function templateOnGrid(): Promise<Float32Array> {
  if (!templateReady) {
    templateReady = fetchOk(TEMPLATE_T1_PATH).then(async (r) => {
      const img = readNifti(new Uint8Array(await r.arrayBuffer()));
      if (img.volume.data.length !== GRID_VOXELS) throw new Error('not on the 121x145x121 grid');
      return img.volume.data;
    });
    templateReady.catch(() => {
      templateReady = null;
    });
  }
  return templateReady;
}

/** Region scores need the atlas; without it (e.g. a trimmed deployment) results simply lack them. */
function getAtlas(): Promise<Atlas | null> {
  atlasReady ??= (async () => {
    try {
      const [labels, names] = await Promise.all([atlasLabels(), fetchOk(ATLAS_NAMES_PATH).then((r) => r.text())]);
      return { labels, regions: parseAtlasNames(names) };
    } catch {
      return null;
    }
  })();
  return atlasReady;
}

/**
 * One request through the one pipeline: the worker resolves the model bundles (and the engine for
 * each) and translates the result for the page; runPipeline does everything else, combinations
 * included.
 */
let templatesReady: Promise<PreprocessTemplates> | null = null;

/** The raw-T1 stage's templates (about 1.7 MB), fetched only when a raw T1 arrives, then kept. */
function preprocessTemplates(): Promise<PreprocessTemplates> {
  if (!templatesReady) {
    templatesReady = Promise.all(
      Object.entries(PREPROCESS_TEMPLATE_FILES).map(async ([key, path]) => [key, new Uint8Array(await (await fetchOk(path)).arrayBuffer())] as const),
    ).then((entries) => parseTemplates(Object.fromEntries(entries) as Record<TemplateFileKey, Uint8Array>));
    templatesReady.catch(() => {
      templatesReady = null;
    });
  }
  return templatesReady;
}

/** The page's share of a preprocessing result: textures, the QC picture, the export files. */
export function preprocessedView(r: PreprocessResult, templates: PreprocessTemplates): PreprocessedView {
  return {
    label: r.label,
    verdict: r.qc.verdict,
    reason: r.qc.reason,
    reasons: r.qc.reasons,
    figures: r.qc.figures,
    volumes: r.volumes,
    seconds: r.seconds,
    warped8: quantizeRange(r.warpedT1, 0, 1.4),
    montage: qcMontage(r.warpedT1, templates.brain),
    files: preprocessFiles(r),
  };
}

export async function runAnalysis(req: PipelineRequest, onProgress: (p: PipelineProgress) => void, signal: AbortSignal): Promise<PipelineResult> {
  if (isStatmapFile(req.fileName)) return openStatmap(req);
  const unknown = unknownMethodMessage(req.method);
  if (unknown) throw new InputError(unknown);
  onProgress({ stage: 'reading', fraction: 0, message: 'starting the model runtime' });
  const engine = await initEngine(req.backend);
  // A fold ensemble: its folds; averages: each distinct model once (the pipeline refuses fewer than two).
  const ensemble = !req.averageModelIds?.length && isEnsembleId(req.modelId);
  // Said, not ignored: the difference of an ensemble (with its spread) is not defined here.
  if (ensemble && req.compareWith) throw new InputError(say('worker.ensembleDifference'));
  const ids = ensemble ? await ensembleMemberIds(req.modelId) : req.averageModelIds?.length ? [...new Set(req.averageModelIds)] : [req.modelId];
  const compareId = req.averageModelIds?.length || ensemble ? undefined : req.compareWith?.modelId;
  const [loaded, other, atlas] = await Promise.all([
    Promise.all(ids.map(getModel)),
    compareId !== undefined ? getModel(compareId) : Promise.resolve(undefined),
    getAtlas(),
  ]);
  const [primary, ...others] = loaded as [CachedModel, ...CachedModel[]];
  const engineOf = async (model: Model): Promise<EngineEntry> => (engine.name === 'wasm-simd' ? cache.engineFor(model) : { label: engine.tfjs, notices: [] });
  const primaryEngine = await engineOf(primary.bundle.model);
  const engineNotices = new Set<string>(primaryEngine.notices);
  const combine: PipelineCombination | undefined = ensemble
    ? { kind: 'ensemble', others: others.map((m) => m.bundle) }
    : req.averageModelIds?.length
      ? { kind: 'average', others: others.map((m) => m.bundle) }
      : other && req.compareWith
        ? { kind: 'difference', other: other.bundle, method: req.compareWith.method as MethodId }
        : undefined;
  const out = await runPipeline(req.scanBytes, {
    bundle: primary.bundle,
    method: req.method as MethodId,
    neuron: req.neuron,
    covariates: req.covariates,
    atlas: atlas ?? undefined,
    combine,
    executor: primaryEngine.executor,
    executorFor: async (model) => {
      const e = await engineOf(model);
      for (const n of e.notices) engineNotices.add(n);
      return e.executor;
    },
    // Ten fold engines (wasm memory, kernel workers each) need not live at once: each goes once its fold is done.
    doneWith: ensemble ? (model) => cache.releaseEngine(model) : undefined,
    onProgress,
    signal,
    preprocess: { templates: preprocessTemplates, mode: 'auto' },
  });
  const modelNotices = [...loaded, ...(other ? [other] : [])].flatMap((m) => m.notices);
  return {
    background: out.grid,
    relevance: out.relevance,
    display: out.display,
    logits: out.logits,
    probability: out.probability,
    neuron: out.neuron,
    modelLabel: out.modelLabel,
    methodLabel: out.methodLabel,
    notices: uniqueByText([...modelNotices, ...out.notices]),
    engineNotes: uniqueByText([...engine.notices, ...[...engineNotices, ...out.engineNotices].map(untranslated)]),
    gate: out.gate,
    timings: out.timings,
    backend: out.engine === 'tfjs' ? engine.tfjs : primaryEngine.label,
    regions: out.regions,
    residualizedWith: out.residualizedWith,
    displayOptions: out.displayOptions,
    calibration: out.calibration,
    combination: out.combination,
    spread: out.spread,
    provenance: primary.bundle.provenance ?? 'imported',
    preprocessed: out.preprocessed ? preprocessedView(out.preprocessed, await preprocessTemplates()) : undefined,
  };
}

/** The same sentence once (the members of a combination repeat their notices). */
function uniqueByText(messages: Message[]): Message[] {
  return [...new Map(messages.map((m) => [m.text, m])).values()];
}

/**
 * A precomputed map (e.g. a batch group report's *_statmap.nii.gz) shown as the overlay over the
 * template, with its region scores; no model runs, so there is no probability.
 */
async function openStatmap(req: PipelineRequest): Promise<PipelineResult> {
  const [{ map, display, notices }, background, atlas] = await Promise.all([
    Promise.resolve().then(() => statmapOnGrid(req.scanBytes)),
    templateOnGrid().catch(() => new Float32Array(GRID_VOXELS)),
    getAtlas(),
  ]);
  return {
    // neuron: a file's map names none; the page shows no neuron or likelihood for it (Prediction.tsx).
    background: background.slice(),
    relevance: map,
    display,
    logits: [],
    probability: Number.NaN,
    neuron: 1,
    modelLabel: req.fileName,
    methodLabel: '',
    notices,
    timings: {},
    backend: 'none',
    ...(atlas ? { regions: regionAndLobeScores(map, atlas.labels, atlas.regions) } : {}),
    provenance: 'imported',
    displayOptions: STATMAP_DISPLAY,
    calibration: { ...IDENTITY_CALIBRATION },
    fromFile: req.fileName,
    engineNotes: [],
    gate: { scanClass: 'relevance-map', verdict: 'analyze', reasons: [], figures: {} },
  };
}
