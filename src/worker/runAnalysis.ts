/**
 * The worker's side of the pipeline: picks the engine (webgl -> wasm-simd -> tfjs wasm -> cpu,
 * wasm-simd first where WebGL renders in software; saying why), loads and caches models (with
 * their wasm-simd executors) and the atlas, and runs the one core pipeline for a request.
 */
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { ATLAS_LABELS_PATH, ATLAS_NAMES_PATH, parseAtlasLabels, parseAtlasNames, TEMPLATE_T1_PATH } from '../core/atlas';
import { isStatmapFile, statmapOnGrid } from '../core/cohort/statmap';
import { readNifti } from '../core/nifti';
import { InputError } from '../core/errors';
import { METHODS, type MethodId } from '../core/lrp/methodList';
import { threadsSupported } from '../core/kernels/wasm/index';
import type { KernelWorkerHandle, KernelWorkerReply } from '../core/kernels/wasm/threads';
import { setBackend, type EngineName } from '../core/model/backend';
import { BUNDLED_MODELS, SEEDED_MODEL_ID, type ModelProvenance } from '../core/model/catalog';
import { loadModel, loadModelFromUrl } from '../core/model/loadModel';
import { makeSeededModelArtifacts, SEEDED_MODEL_LABEL } from '../core/model/seeded';
import type { Model } from '../core/model/types';
import { runPipeline, type Atlas } from '../core/pipeline';
import type { DisplayOptions } from '../core/analysis/scale';
import { startWasmEngine, type PlanarExecutor } from '../core/planar/index';
import { isSoftwareRenderer, webglRenderer } from './webglRenderer';
import { GRID_VOXELS, type PipelineProgress, type PipelineRequest, type PipelineResult } from './protocol';
import { DEFAULT_COVARIATES } from '../core/analysis/residualize';
import { regionAndLobeScores } from '../core/analysis/regions';
import { isImportedModelId } from './habitsProtocol';
import { loadImported } from './importH5';
import { covariateModelAt } from './covariates';
import { runCombined } from './combined';

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
  notices: string[];
}
let engineReady: Promise<EngineChoice> | null = null;
const executors = new WeakMap<Model, Promise<{ executor?: PlanarExecutor; label: string; notices: string[] }>>();
const models = new Map<string, Promise<{ model: Model; label: string; notices: string[]; display?: DisplayOptions; provenance: ModelProvenance }>>();
let atlasReady: Promise<Atlas | null> | null = null;
let atlasLabelsReady: Promise<Uint8Array> | null = null;

/** The site root the page was served from; models and assets are resolved against it. */
export function setSiteBase(base: string): void {
  siteBase = base;
}

function initEngine(preferred?: EngineName): Promise<EngineChoice> {
  engineReady ??= (async () => {
    const notices: string[] = [];
    let order: EngineName[] = preferred ? [preferred] : ['webgl', 'wasm-simd', 'wasm', 'cpu'];
    const renderer = preferred ? null : webglRenderer();
    if (renderer && isSoftwareRenderer(renderer)) {
      order = ['wasm-simd', 'webgl', 'wasm', 'cpu'];
      notices.push(`WebGL renders in software here (${renderer}), which is slower than the WebAssembly SIMD kernels, so those run the model.`);
    }
    for (const name of order) {
      try {
        if (name === 'wasm-simd') {
          if (typeof WebAssembly !== 'object') throw new Error('this browser has no WebAssembly');
          return { name, tfjs: await setBackend('cpu'), notices };
        }
        return { name, tfjs: await setBackend(name, { wasmPath: WASM_FILES }), notices };
      } catch (e) {
        notices.push(`The ${name} engine is not available (${e instanceof Error ? e.message : String(e)}); falling back.`);
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

/** The wasm-simd executor of a model: weights uploaded and buffers planned once per model. */
function executorFor(model: Model): Promise<{ executor?: PlanarExecutor; label: string; notices: string[] }> {
  let entry = executors.get(model);
  if (!entry) {
    entry = (async () => {
      const { threads, why } = kernelThreadCount();
      if (threads > 1) {
        const spawned: KernelWorkerHandle[] = [];
        const spawn = () => { const h = spawnKernelWorker(); spawned.push(h); return h; };
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
    })();
    executors.set(model, entry);
  }
  return entry;
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(message)), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e: unknown) => { clearTimeout(t); reject(e instanceof Error ? e : new Error(String(e))); });
  });
}

/** model.json of a bundled model with a URL, absolute (null for the seeded and imported ones). */
export function bundledModelUrl(modelId: string): string | null {
  const bundled = BUNDLED_MODELS.find((m) => m.id === modelId);
  return bundled?.url && siteBase ? new URL(bundled.url, siteBase).href : null;
}

/** An imported model just converted: cached so it runs even where IndexedDB is unavailable. */
export function rememberModel(modelId: string, model: Model, label: string): void {
  models.set(modelId, Promise.resolve({ model, label, notices: [] as string[], provenance: 'imported' as const }));
}

export function forgetModel(modelId: string): void {
  void models.get(modelId)?.then((m) => m.model.dispose(), () => undefined);
  models.delete(modelId);
}

function getModel(modelId: string) {
  let entry = models.get(modelId);
  if (!entry) {
    entry = (async () => {
      if (isImportedModelId(modelId)) {
        const { model, info } = await loadImported(modelId);
        return { model, label: info.label, notices: [] as string[], provenance: 'imported' as ModelProvenance };
      }
      const bundled = BUNDLED_MODELS.find((m) => m.id === modelId);
      if (!bundled) throw new InputError(`Unknown model "${modelId}"; pick one from the model list.`);
      if (modelId === SEEDED_MODEL_ID || !bundled.url) {
        return { model: await loadModel(makeSeededModelArtifacts(1), SEEDED_MODEL_LABEL), label: bundled.label, notices: [], display: bundled.display, provenance: bundled.provenance };
      }
      try {
        const model = await loadModelFromUrl(new URL(bundled.url, siteBase).href, bundled.label);
        return { model, label: bundled.label, notices: [], display: bundled.display, provenance: bundled.provenance };
      } catch (e) {
        // A deployment without the trained model still works, clearly labelled.
        const seeded = BUNDLED_MODELS.find((m) => m.id === SEEDED_MODEL_ID)!;
        return {
          model: await loadModel(makeSeededModelArtifacts(1), SEEDED_MODEL_LABEL),
          label: seeded.label,
          notices: [
            `The ${bundled.label} could not be loaded (${e instanceof Error ? e.message : String(e)}), so the untrained seeded model ran instead.`,
          ],
          display: seeded.display,
          provenance: seeded.provenance,
        };
      }
    })();
    entry.catch(() => models.delete(modelId)); // a failed load may succeed later
    models.set(modelId, entry);
  }
  return entry;
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
    atlasLabelsReady.catch(() => { atlasLabelsReady = null; });
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
    templateReady.catch(() => { templateReady = null; });
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

/** The paper's model tensor: [100, 100, 120, 1] (docs/model-grid.md). */
const MODEL_INPUT = [100, 100, 120, 1];

export function runAnalysis(
  req: PipelineRequest,
  onProgress: (p: PipelineProgress) => void,
  signal: AbortSignal,
): Promise<PipelineResult> {
  if (isStatmapFile(req.fileName)) return openStatmap(req);
  if (req.averageModelIds?.length || req.compareWith) return runCombined(req, onProgress, signal, runSingle);
  return runSingle(req, onProgress, signal);
}

async function runSingle(
  req: PipelineRequest,
  onProgress: (p: PipelineProgress) => void,
  signal: AbortSignal,
): Promise<PipelineResult> {
  const method = req.method as MethodId;
  const methodInfo = METHODS.find((m) => m.id === method);
  if (!methodInfo) throw new InputError(`Unknown method "${req.method}"; pick one from the method list.`);
  onProgress({ stage: 'reading', fraction: 0, message: 'starting the model runtime' });
  const engine = await initEngine(req.backend);
  const [{ model, label, notices: modelNotices, display, provenance }, atlas, covariateModel] = await Promise.all([
    getModel(req.modelId),
    getAtlas(),
    covariateModelAt(bundledModelUrl(req.modelId)),
  ]);
  if (model.inputShape.some((d, i) => d !== MODEL_INPUT[i])) {
    throw new InputError(
      `The model "${label}" takes inputs of ${model.inputShape.join(' x ')}, but this app feeds the paper's ${MODEL_INPUT.join(' x ')} crop of the 1.5 mm MNI grid; use a model trained on that input.`,
    );
  }
  const covariates = covariateModel ? (req.covariates ?? { ...DEFAULT_COVARIATES }) : undefined;
  const wasm = engine.name === 'wasm-simd' ? await executorFor(model) : { executor: undefined, label: engine.tfjs, notices: [] };
  const out = await runPipeline(req.scanBytes, {
    model, method, neuron: req.neuron, atlas: atlas ?? undefined, executor: wasm.executor, display, onProgress, signal,
    covariateModel: covariateModel ?? undefined, covariates,
  });
  return {
    background: out.grid,
    relevance: out.relevance,
    display: out.display,
    logits: out.logits,
    probability: out.probability,
    modelLabel: label,
    methodLabel: methodInfo.label,
    notices: [...modelNotices, ...engine.notices, ...wasm.notices, ...out.notices],
    timings: out.timings,
    backend: out.engine === 'tfjs' ? engine.tfjs : wasm.label,
    regions: out.regions,
    residualizedWith: covariates,
    displayOptions: display,
    provenance,
  };
}

/**
 * A precomputed map (e.g. a batch group report's *_statmap.nii.gz) shown as the overlay over the
 * template, with its region scores; no model runs, so there is no probability.
 */
async function openStatmap(req: PipelineRequest): Promise<PipelineResult> {
  const [{ map, display, notices }, background, atlas] = await Promise.all([
    Promise.resolve().then(() => statmapOnGrid(req.scanBytes)), templateOnGrid().catch(() => new Float32Array(GRID_VOXELS)), getAtlas(),
  ]);
  return {
    background: background.slice(), relevance: map, display, logits: [], probability: Number.NaN,
    modelLabel: req.fileName, methodLabel: '', notices, timings: {}, backend: 'none',
    ...(atlas ? { regions: regionAndLobeScores(map, atlas.labels, atlas.regions) } : {}),
    provenance: 'imported', fromFile: req.fileName,
  };
}
