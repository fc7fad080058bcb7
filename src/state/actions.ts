/**
 * What the UI can do: load a scan (file, demo, URL), pick model and method, run or cancel
 * the analysis, with results cached per (scan hash, model, method).
 */
import { ATLAS_NAMES_PATH } from '../core/atlas';
import { MODEL_INDEX_PATH, parseModelIndex } from '../core/model/modelIndex';
import type { EngineName } from '../core/model/backend';
import { AnalysisClient, AnalysisError, type AnalysisOutput } from '../worker/client';
import { useStore, type AtlasRegion, type DemoCase, type ScanInfo } from './store';
import { analysisKey, combineRequest } from './prefs';
import { sexCode } from '../core/analysis/covariatesInput';
import { DEFAULT_COVARIATES } from '../core/analysis/residualize';
import type { Message } from '../core/messages';
import { MessageError, say } from './texts';
import { readScanFile } from './scanFile';

const CACHE_LIMIT = 6; // each entry holds about 30 MB of grids and textures

let client: AnalysisClient | null = null;
const cache = new Map<string, AnalysisOutput>();
let current: { cancel: () => void; token: number } | null = null;
let token = 0;

export function worker(): AnalysisClient {
  client ??= new AnalysisClient();
  return client;
}

/** Page assets and demo list; each may be absent (dev), which is reported but never fatal. */
export async function initApp(): Promise<void> {
  const base = new URL('./', document.baseURI);
  const demos = fetchJson<DemoCase[]>(new URL('demo/index.json', base).href).catch(() => [] as DemoCase[]);
  // Only the index: a fold's weights are fetched by the worker when it is chosen.
  const deployed = fetchJson<unknown>(new URL(MODEL_INDEX_PATH, base).href)
    .then(parseModelIndex)
    .then(
      (models) => ({ models, problem: null }),
      (e: unknown) => ({ models: [], problem: `deployed models (models/index.json): ${e instanceof Error ? e.message : String(e)}` }),
    );
  const names = fetchJson<AtlasRegion[]>(new URL(ATLAS_NAMES_PATH, base).href).catch(() => [] as AtlasRegion[]);
  const assets = worker()
    .loadAssets(base.href)
    .catch((e: unknown) => ({ atlasLabels: null, template8: null, missing: [String(e)] }));

  const { models: deployedModels, problem } = await deployed;
  useStore.setState({ demos: await demos, deployedModels });
  const [a, n] = await Promise.all([assets, names]);
  const regionNames = new Map<number, string>(n.map((r) => [r.index, r.name]));
  const missing = [...a.missing];
  if (n.length === 0) missing.push('AAL region names: atlas/aal.json not available');
  if (problem) missing.push(problem);
  useStore.setState({ assets: { atlasLabels: a.atlasLabels, template8: a.template8, regionNames, missing, loaded: true } });

  const url = new URLSearchParams(location.search).get('url');
  if (url) await loadUrl(url);
}

async function fetchJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** A dropped or picked scan; a large file is never read whole (see scanFile.ts). */
export async function loadFile(file: File): Promise<void> {
  await loadScan(file.name, 'file', () => readScanFile(file));
}

export async function loadDemo(id: string): Promise<void> {
  const demo = useStore.getState().demos.find((d) => d.id === id);
  if (!demo) return fail(say('state.unknownDemo', { id }));
  // The demo's own covariates, for models that residualize (index.json: age, sex, tiv, field).
  useStore.setState((s) => ({
    covariates: {
      age: Number.isFinite(demo.age) ? demo.age : s.covariates.age,
      sex: sexCode(demo.sex),
      tiv: Number.isFinite(demo.tiv) ? demo.tiv : s.covariates.tiv,
      field: Number.isFinite(demo.field) ? demo.field : s.covariates.field,
    },
  }));
  const url = new URL(`demo/${demo.file}`, document.baseURI).href;
  await loadScan(demo.file, 'demo', () => download(url));
}

/**
 * `?url=`: a scan from this site only. The Content-Security-Policy (connect-src 'self') would
 * block another origin anyway; refusing first gives the reason instead of a failed download.
 */
export async function loadUrl(url: string): Promise<void> {
  let target: URL;
  try {
    target = new URL(url, document.baseURI);
  } catch {
    return fail(say('state.readFailed', { name: url }));
  }
  if (target.origin !== location.origin) {
    return fail(say('state.urlOtherOrigin', { origin: location.origin, other: target.origin }));
  }
  const name = decodeURIComponent(target.pathname.split('/').pop() || 'scan.nii.gz');
  await loadScan(name, 'url', () => download(target.href));
}

async function download(url: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch {
    throw new MessageError(say('state.downloadFailed', { url }));
  }
  if (!res.ok) throw new MessageError(say('state.downloadHttp', { url, status: res.status }));
  return new Uint8Array(await res.arrayBuffer());
}

async function loadScan(name: string, source: ScanInfo['source'], read: () => Promise<Uint8Array>): Promise<void> {
  const { modelId, method } = useStore.getState();
  useStore.setState({
    scanRead: null,
    status: 'loading',
    error: null,
    job: { kind: 'loading', name, modelId, method, startedAt: Date.now() },
    progress: { stage: 'reading', fraction: 0 },
  });
  // A new subject: the previous one's covariates must not carry over (a demo brings its own, set just before).
  if (source !== 'demo') useStore.setState({ covariates: { ...DEFAULT_COVARIATES } });
  let bytes: Uint8Array;
  try {
    bytes = await read();
  } catch (e) {
    // A download failure (MessageError) or the reader's refusal of a huge file (an InputError) says what is wrong.
    if (e instanceof MessageError) return fail(e.detail);
    if (e instanceof Error) return fail((e as Error & { detail?: Message }).detail ?? { key: 'untranslated', text: e.message });
    return fail(say('state.readFailed', { name }));
  }
  const hash = await hashBytes(bytes);
  // The new scan becomes "the scan" only once it has a result: a bad file leaves the old one on screen.
  await analyze({ name, hash, bytes, source });
}

export function setModel(modelId: string): Promise<void> {
  useStore.setState({ modelId });
  return analyze();
}

export function setMethod(method: string): Promise<void> {
  useStore.setState({ method });
  return analyze();
}

/** `?backend=webgl|wasm-simd|wasm|cpu` pins the engine (for comparisons and tests); otherwise the worker picks. */
function forcedBackend(): EngineName | undefined {
  const b = new URLSearchParams(location.search).get('backend');
  return b === 'webgl' || b === 'wasm-simd' || b === 'wasm' || b === 'cpu' ? b : undefined;
}

/** Runs (or fetches from the cache) the analysis of a scan (default: the current one) with the current choices. */
export async function analyze(scan: ScanInfo | null = useStore.getState().scan): Promise<void> {
  const { modelId, method, covariates, combine } = useStore.getState();
  if (!scan) return;
  current?.cancel();
  current = null;
  const key = analysisKey(scan.hash, modelId, method, covariates, combine);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key); // refresh its place in the LRU order
    cache.set(key, hit);
    useStore.setState({ scan, output: { ...hit, key, choice: { modelId, method } }, refusal: null, job: null, status: 'done', progress: null, error: null });
    return;
  }
  const my = ++token;
  const request = { scanBytes: scan.bytes, fileName: scan.name, modelId, method, backend: forcedBackend(), covariates, ...combineRequest(combine) };
  const job = worker().analyze(request, (progress) => {
    if (my === token) useStore.setState({ progress });
  });
  current = { cancel: job.cancel, token: my };
  useStore.setState({
    status: 'running',
    error: null,
    job: { kind: 'analysis', name: scan.name, modelId, method, startedAt: Date.now() },
    progress: { stage: 'reading', fraction: 0 },
  });
  try {
    const out = await job.promise;
    cache.set(key, out);
    while (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    if (my !== token) return;
    // A raw T1 made into a GM map measured its own TIV: it fills the covariates (the pipeline used it).
    const tiv = out.result.preprocessed?.volumes.tiv_ml;
    useStore.setState((s) => ({
      scan,
      output: { ...out, key, choice: { modelId, method } },
      refusal: null,
      job: null,
      status: 'done',
      progress: null,
      covariates: tiv ? { ...s.covariates, tiv: Math.round(tiv) } : s.covariates,
    }));
  } catch (e) {
    if (my !== token) return;
    if (e instanceof AnalysisError && e.kind === 'cancelled') {
      // The menus go back to what the map on screen shows.
      useStore.setState((s) => ({ status: s.output ? 'done' : 'idle', progress: null, job: null, ...(s.output ? s.output.choice : {}) }));
    } else if (e instanceof AnalysisError && e.gate) {
      // Refused by the input gate: the scan is named with its reason, and no result (nor the previous one) is shown.
      useStore.setState({ scan, output: null, refusal: { scanName: scan.name, decision: e.gate }, job: null, status: 'done', progress: null, error: null });
    } else {
      fail(errorMessage(e));
      // The map on screen stays; so must the menus' account of it.
      const shown = useStore.getState().output?.choice;
      if (shown) useStore.setState(shown);
    }
  } finally {
    if (my === token) current = null;
  }
}

export function cancelAnalysis(): void {
  current?.cancel();
}

export function dismissError(): void {
  useStore.setState((s) => ({ error: null, errorNotes: [], status: s.output ? 'done' : 'idle' }));
}

/** The sentence to show for a failed worker request (a crashed worker: in the page's language). */
export function errorMessage(e: unknown): Message {
  if (e instanceof AnalysisError && e.kind === 'crashed') return say('state.workerStopped');
  if (e instanceof AnalysisError) return e.detail;
  return { key: 'untranslated', text: e instanceof Error ? e.message : String(e) };
}

/** Shows a readable message; whatever was on screen stays there and usable. */
export function fail(message: Message): void {
  useStore.setState((s) => ({ error: message, errorNotes: [], status: s.output ? 'done' : 'error', progress: null, job: null }));
}

export async function hashBytes(bytes: Uint8Array): Promise<string> {
  if (globalThis.crypto?.subtle) {
    const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
    return [...new Uint8Array(digest).slice(0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('');
  }
  let h = 0x811c9dc5; // FNV-1a where SubtleCrypto is unavailable (insecure origins)
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return `${h.toString(16)}-${bytes.length}`;
}
