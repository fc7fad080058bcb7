/// <reference lib="webworker" />
/**
 * The analysis worker: runs the one pipeline off the page's thread, reports progress,
 * honours cancel, transfers the result buffers, and decodes the page's grid assets.
 */
import { atlasLabels as sharedAtlasLabels, runAnalysis, setSiteBase, templateOnGrid } from './runAnalysis';
import { describeError } from './errorKinds';
import { quantizeRange, textureData } from './textures';
import { handleHabits, isHabitsRequest } from './habitsHandler';
import { handleReadScan } from './readScanHandler';
import { type AssetData, type AssetsRequest, type WorkerRequest, type WorkerResponse } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

const running = new Map<number, AbortController>();

function post(msg: WorkerResponse, transfer: Transferable[] = []): void {
  self.postMessage(msg, transfer);
}

self.onmessage = (ev: MessageEvent<WorkerRequest>) => {
  const msg = ev.data;
  if (msg.type === 'cancel') {
    running.get(msg.id)?.abort();
    return;
  }
  if (msg.type === 'site') {
    setSiteBase(msg.baseUrl);
    return;
  }
  if (msg.type === 'hold-lock') {
    // Never released while this worker lives: the page learns of its death when it is granted the lock.
    void navigator.locks.request(msg.name, () => {
      post({ type: 'lock-held', id: 0 });
      return new Promise<never>(() => undefined);
    });
    return;
  }
  if (isHabitsRequest(msg)) {
    void handleHabits(msg, (m) => post(m));
    return;
  }
  if (msg.type === 'read-scan') {
    void handleReadScan(msg, post);
    return;
  }
  if (msg.type === 'assets') {
    void loadAssets(msg).then((assets) => {
      const transfer = [assets.atlasLabels?.buffer, assets.template8?.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
      post({ type: 'assets', id: msg.id, assets }, transfer);
    });
    return;
  }
  void analyze(msg);
};

async function analyze(msg: Extract<WorkerRequest, { type: 'analyze' }>): Promise<void> {
  const ctl = new AbortController();
  running.set(msg.id, ctl);
  try {
    const { type: _t, id: _i, ...req } = msg;
    const result = await runAnalysis(req, (p) => post({ type: 'progress', id: msg.id, ...p }), ctl.signal);
    if (ctl.signal.aborted) throw new DOMException('cancelled', 'AbortError');
    const textures = textureData(result.background, result.display, result.spread?.display);
    const transfer = [result.background.buffer, result.relevance.buffer, result.display.buffer, textures.background8.buffer, textures.display8.buffer];
    if (result.spread && textures.spread8) transfer.push(result.spread.relevance.buffer, result.spread.display.buffer, textures.spread8.buffer);
    const pre = result.preprocessed;
    if (pre) transfer.push(pre.warped8.buffer, pre.montage.rgba.buffer, ...pre.files.map((f) => f.bytes.buffer));
    post({ type: 'result', id: msg.id, result, textures }, unique(transfer));
  } catch (err) {
    post({ type: 'error', id: msg.id, ...describeError(err) });
  } finally {
    running.delete(msg.id);
  }
}

function unique(buffers: ArrayBufferLike[]): Transferable[] {
  return [...new Set(buffers)].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

/** Each asset is optional: a missing one is reported, never fatal. */
async function loadAssets(req: AssetsRequest): Promise<AssetData> {
  setSiteBase(req.baseUrl);
  const missing: string[] = [];
  const reason = (what: string) => (e: unknown) => {
    missing.push(`${what}: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  };
  // The labels are shared with the region scores; the page gets its own copy (it is transferred).
  const [atlasLabels, template] = await Promise.all([
    sharedAtlasLabels().then((l) => l.slice(), reason('AAL atlas')),
    templateOnGrid().catch(reason('template')),
  ]);
  let template8: Uint8Array | null = null;
  if (template) {
    let max = 0;
    for (let v = 0; v < template.length; v++) if (template[v] > max) max = template[v];
    template8 = quantizeRange(template, 0, max || 1);
  }
  return { atlasLabels, template8, missing };
}
