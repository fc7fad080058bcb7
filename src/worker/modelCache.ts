/**
 * The worker's models, loaded once each: the resolved bundle per model id and, per model, the
 * engine built for it (the wasm-simd executor holds a copy of the weights in wasm memory and, with
 * threads, kernel workers). Forgetting a model releases both, not only the tfjs weights.
 */
import type { ModelExecutor } from '../core/lrp/executor';
import type { ModelBundle } from '../core/model/bundle';
import type { Model } from '../core/model/types';
import type { Message } from '../core/messages';

export interface CachedModel {
  bundle: ModelBundle;
  /** Said with every result of this model (e.g. "the seeded model ran instead"), as translatable Messages. */
  notices: Message[];
}

export interface EngineEntry {
  executor?: ModelExecutor;
  /** What ran it, for the result (e.g. "wasm-simd (1 thread: the page is not cross-origin isolated)"). */
  label: string;
  /** For Diagnostics (e.g. "tfjs cpu ran it"). */
  notices: string[];
}

const ignore = () => undefined;

export class ModelCache {
  private readonly bundles = new Map<string, Promise<CachedModel>>();
  private readonly engines = new Map<Model, Promise<EngineEntry>>();

  constructor(private readonly startEngine: (model: Model) => Promise<EngineEntry>) {}

  /** The model of that id, loading it with `load` the first time; a failed load is retried next time. */
  get(modelId: string, load: () => Promise<CachedModel>): Promise<CachedModel> {
    let entry = this.bundles.get(modelId);
    if (!entry) {
      entry = load();
      entry.catch(() => {
        if (this.bundles.get(modelId) === entry) this.bundles.delete(modelId);
      });
      this.bundles.set(modelId, entry);
    }
    return entry;
  }

  /** A model loaded elsewhere (an imported file just converted). */
  remember(modelId: string, model: CachedModel): void {
    this.bundles.set(modelId, Promise.resolve(model));
  }

  /** The engine of a model, built once. */
  engineFor(model: Model): Promise<EngineEntry> {
    let entry = this.engines.get(model);
    if (!entry) {
      entry = this.startEngine(model);
      entry.catch(() => this.engines.delete(model));
      this.engines.set(model, entry);
    }
    return entry;
  }

  /** Releases the engine built for a model (it is built again when next needed); the model stays. */
  releaseEngine(model: Model): void {
    const engine = this.engines.get(model);
    this.engines.delete(model);
    void engine?.then((e) => e.executor?.dispose(), ignore);
  }

  /** Drops a model: its executor (wasm memory, kernel workers) and its weights are released. */
  forget(modelId: string): void {
    const entry = this.bundles.get(modelId);
    this.bundles.delete(modelId);
    void entry?.then(({ bundle }) => {
      const engine = this.engines.get(bundle.model);
      this.engines.delete(bundle.model);
      void engine?.then((e) => e.executor?.dispose(), ignore);
      bundle.model.dispose();
    }, ignore);
  }
}
