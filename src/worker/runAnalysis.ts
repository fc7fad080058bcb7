/**
 * The worker's side of the pipeline: picks the tfjs backend (webgl -> wasm -> cpu, saying why),
 * loads and caches models and the atlas, and runs the one core pipeline for a request.
 */
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { ATLAS_LABELS_PATH, ATLAS_NAMES_PATH, parseAtlas } from '../core/atlas';
import { InputError } from '../core/errors';
import { METHODS, type MethodId } from '../core/lrp/methodList';
import { setBackend, type BackendName } from '../core/model/backend';
import { BUNDLED_MODELS, SEEDED_MODEL_ID } from '../core/model/catalog';
import { loadModel, loadModelFromUrl } from '../core/model/loadModel';
import { makeSeededModelArtifacts, SEEDED_MODEL_LABEL } from '../core/model/seeded';
import type { Model } from '../core/model/types';
import { runPipeline, type Atlas } from '../core/pipeline';
import type { PipelineProgress, PipelineRequest, PipelineResult } from './protocol';

const WASM_FILES = {
  'tfjs-backend-wasm.wasm': wasmPlainUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
};

let siteBase = '';
let backendReady: Promise<{ name: string; notices: string[] }> | null = null;
const models = new Map<string, Promise<{ model: Model; label: string; notices: string[] }>>();
let atlasReady: Promise<Atlas | null> | null = null;

/** The site root the page was served from; models and assets are resolved against it. */
export function setSiteBase(base: string): void {
  siteBase = base;
}

function initBackend(preferred?: BackendName): Promise<{ name: string; notices: string[] }> {
  backendReady ??= (async () => {
    const order: BackendName[] = preferred ? [preferred] : ['webgl', 'wasm', 'cpu'];
    const notices: string[] = [];
    for (const name of order) {
      try {
        const active = await setBackend(name, { wasmPath: WASM_FILES });
        return { name: active, notices };
      } catch (e) {
        notices.push(`The ${name} backend is not available (${e instanceof Error ? e.message : String(e)}); falling back.`);
      }
    }
    const active = await setBackend('cpu');
    return { name: active, notices };
  })();
  return backendReady;
}

function getModel(modelId: string) {
  let entry = models.get(modelId);
  if (!entry) {
    entry = (async () => {
      const bundled = BUNDLED_MODELS.find((m) => m.id === modelId);
      if (!bundled) throw new InputError(`Unknown model "${modelId}"; pick one from the model list.`);
      if (modelId === SEEDED_MODEL_ID || !bundled.url) {
        return { model: await loadModel(makeSeededModelArtifacts(1), SEEDED_MODEL_LABEL), label: bundled.label, notices: [bundled.caveat] };
      }
      try {
        return { model: await loadModelFromUrl(new URL(bundled.url, siteBase).href, bundled.label), label: bundled.label, notices: [bundled.caveat] };
      } catch (e) {
        // A deployment without the trained model still works, clearly labelled.
        const seeded = BUNDLED_MODELS.find((m) => m.id === SEEDED_MODEL_ID)!;
        return {
          model: await loadModel(makeSeededModelArtifacts(1), SEEDED_MODEL_LABEL),
          label: seeded.label,
          notices: [
            `The ${bundled.label} could not be loaded (${e instanceof Error ? e.message : String(e)}), so the untrained seeded model ran instead.`,
            seeded.caveat,
          ],
        };
      }
    })();
    entry.catch(() => models.delete(modelId)); // a failed load may succeed later
    models.set(modelId, entry);
  }
  return entry;
}

/** Region scores need the atlas; without it (e.g. a trimmed deployment) results simply lack them. */
function getAtlas(): Promise<Atlas | null> {
  atlasReady ??= (async () => {
    try {
      const [labels, names] = await Promise.all([
        fetch(new URL(ATLAS_LABELS_PATH, siteBase)).then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(new Error(`HTTP ${r.status}`)))),
        fetch(new URL(ATLAS_NAMES_PATH, siteBase)).then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`)))),
      ]);
      return parseAtlas(new Uint8Array(labels), names);
    } catch {
      return null;
    }
  })();
  return atlasReady;
}

export async function runAnalysis(
  req: PipelineRequest,
  onProgress: (p: PipelineProgress) => void,
  signal: AbortSignal,
): Promise<PipelineResult> {
  const method = req.method as MethodId;
  const methodInfo = METHODS.find((m) => m.id === method);
  if (!methodInfo) throw new InputError(`Unknown method "${req.method}"; pick one from the method list.`);
  onProgress({ stage: 'reading', fraction: 0, message: 'starting the model runtime' });
  const backend = await initBackend(req.backend);
  const [{ model, label, notices: modelNotices }, atlas] = await Promise.all([getModel(req.modelId), getAtlas()]);
  const out = await runPipeline(req.scanBytes, { model, method, neuron: req.neuron, atlas: atlas ?? undefined, onProgress, signal });
  return {
    background: out.grid,
    relevance: out.relevance,
    display: out.display,
    logits: out.logits,
    probability: out.probability,
    modelLabel: label,
    methodLabel: methodInfo.label,
    notices: [...modelNotices, ...backend.notices, ...out.notices],
    timings: out.timings,
    backend: backend.name,
    regions: out.regions,
  };
}
