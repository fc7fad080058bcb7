/**
 * The page's handle on the analysis worker: one request id per call, progress callbacks,
 * cancel, and recovery when the worker itself dies (e.g. killed for memory).
 *
 * A worker that the browser ends fires no event on the page, so requests would wait forever.
 * The worker therefore holds a Web Lock for as long as it lives, and the page asks for the same
 * lock: the page is granted it exactly when the worker is gone (locks of an ended context are
 * released), with no polling and no timeout that a slow analysis could trip.
 */
import type { GateDecision } from '../core/gate';
import type { Message } from '../core/messages';
import type { DicomSeriesSummary } from '../core/dicom/series';
import type { ScanFile } from '../core/input/types';
import type { ImportedModelInfo, ModelInfo } from './habitsProtocol';
import { say } from './messageProtocol';
import type { ReadScanResult } from './scanReadProtocol';
import type { AssetData, ErrorKind, PipelineProgress, PipelineRequest, PipelineResult, TextureData, WorkerRequest, WorkerResponse } from './protocol';

export class AnalysisError extends Error {
  constructor(
    readonly detail: Message,
    readonly kind: ErrorKind,
    readonly gate?: GateDecision,
    readonly series?: DicomSeriesSummary[],
  ) {
    super(detail.text);
    this.name = 'AnalysisError';
  }
}

export interface AnalysisOutput {
  result: PipelineResult;
  textures: TextureData;
}

interface Pending {
  resolve: (value: never) => void;
  reject: (err: AnalysisError) => void;
  onProgress?: (p: PipelineProgress) => void;
}

export class AnalysisClient {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  /** Workers this client ended itself: their released lock is no news. */
  private retired = new WeakSet<Worker>();
  private locks = new Map<Worker, string>();
  /** The site root the page gave (loadAssets), handed to a replacement worker too. */
  private siteBase: string | null = null;

  constructor() {
    this.worker = this.spawn();
  }

  private spawn(): Worker {
    const w = new Worker(new URL('./analysis.worker.ts', import.meta.url), { type: 'module', name: 'analysis' });
    w.onmessage = (ev: MessageEvent<WorkerResponse>) => this.receive(w, ev.data);
    w.onerror = (ev) => {
      ev.preventDefault();
      this.failAll(new AnalysisError(say('worker.stopped', { reason: ev.message || 'unknown reason' }), 'crashed'));
    };
    // Without it a replacement worker could not find the bundled models.
    if (this.siteBase) w.postMessage({ type: 'site', id: 0, baseUrl: this.siteBase } satisfies WorkerRequest);
    if (typeof navigator !== 'undefined' && navigator.locks) {
      const name = `relevance-viewer-analysis-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
      this.locks.set(w, name);
      w.postMessage({ type: 'hold-lock', id: 0, name } satisfies WorkerRequest);
    }
    return w;
  }

  /** Called once the worker holds its lock: the page's request for it is granted when the worker ends. */
  private watch(w: Worker): void {
    const name = this.locks.get(w);
    if (!name) return;
    void navigator.locks.request(name, () => {
      this.locks.delete(w);
      if (this.retired.has(w) || w !== this.worker) return;
      this.failAll(new AnalysisError(say('worker.ended'), 'crashed'));
    });
  }

  private retire(w: Worker): void {
    this.retired.add(w);
    w.terminate();
  }

  /** A worker that crashed (out of memory, say) is replaced so the app stays usable. */
  private failAll(err: AnalysisError): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.retire(this.worker);
    this.worker = this.spawn();
  }

  private receive(from: Worker, msg: WorkerResponse): void {
    if (msg.type === 'lock-held') return this.watch(from);
    const p = this.pending.get(msg.id);
    if (!p) return;
    switch (msg.type) {
      case 'progress': {
        const { type: _t, id: _i, ...progress } = msg;
        p.onProgress?.(progress);
        return;
      }
      case 'result':
        this.pending.delete(msg.id);
        (p.resolve as (v: AnalysisOutput) => void)({ result: msg.result, textures: msg.textures });
        return;
      case 'assets':
        this.pending.delete(msg.id);
        (p.resolve as (v: AssetData) => void)(msg.assets);
        return;
      case 'error':
        this.pending.delete(msg.id);
        p.reject(new AnalysisError(msg.message, msg.kind, msg.gate, msg.series));
        return;
      default:
        // The habits replies (model info, imports): the whole message is the answer.
        this.pending.delete(msg.id);
        (p.resolve as (v: WorkerResponse) => void)(msg);
    }
  }

  private request<T>(msg: WorkerRequest, onProgress?: (p: PipelineProgress) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.set(msg.id, { resolve: resolve as (v: never) => void, reject, onProgress });
      // The scan bytes are copied, not transferred: the page keeps them to re-run other methods.
      this.worker.postMessage(msg);
    });
  }

  analyze(req: PipelineRequest, onProgress: (p: PipelineProgress) => void): { promise: Promise<AnalysisOutput>; cancel: () => void } {
    const id = this.nextId++;
    const promise = this.request<AnalysisOutput>({ type: 'analyze', id, ...req }, onProgress);
    return { promise, cancel: () => this.worker.postMessage({ type: 'cancel', id } satisfies WorkerRequest) };
  }

  /**
   * Reads dropped files (DICOM folder, many files, a zip) in the worker; without `files`, reads the
   * previous ones again (another series). The file buffers are transferred, not copied.
   */
  async readScan(files: ScanFile[] | undefined, series: string | undefined, onProgress: (p: PipelineProgress) => void): Promise<ReadScanResult> {
    const id = this.nextId++;
    const transfer = files ? [...new Set(files.map((f) => f.bytes.buffer))].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer) : [];
    const r = await new Promise<Extract<WorkerResponse, { type: 'scan-read' }>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: never) => void, reject, onProgress });
      this.worker.postMessage({ type: 'read-scan', id, files, series } satisfies WorkerRequest, transfer);
    });
    return r.result;
  }

  loadAssets(baseUrl: string): Promise<AssetData> {
    this.siteBase = baseUrl;
    return this.request<AssetData>({ type: 'assets', id: this.nextId++, baseUrl });
  }

  /** Whether a model residualizes its input (from its model.json metadata). */
  async modelInfo(modelId: string): Promise<ModelInfo> {
    const r = await this.request<Extract<WorkerResponse, { type: 'model-info' }>>({ type: 'model-info', id: this.nextId++, modelId });
    return r.info;
  }

  /** Converts a Keras HDF5 file in the worker and stores it (IndexedDB). */
  async importH5(fileName: string, bytes: Uint8Array, onProgress: (p: PipelineProgress) => void): Promise<ImportedModelInfo> {
    const r = await this.request<Extract<WorkerResponse, { type: 'imported' }>>({ type: 'import-h5', id: this.nextId++, fileName, bytes }, onProgress);
    return r.model;
  }

  async listImported(): Promise<ImportedModelInfo[]> {
    const r = await this.request<Extract<WorkerResponse, { type: 'imported-list' }>>({ type: 'list-imported', id: this.nextId++ });
    return r.models;
  }

  async removeModel(modelId: string): Promise<void> {
    await this.request({ type: 'remove-model', id: this.nextId++, modelId });
  }

  dispose(): void {
    for (const p of this.pending.values()) p.reject(new AnalysisError(say('worker.closed'), 'cancelled'));
    this.pending.clear();
    this.retire(this.worker);
  }
}
