/**
 * The worker's model cache: one load per model id, one engine per model, and forgetting a model
 * releases its executor (wasm memory, kernel workers) as well as its weights.
 */
import { describe, expect, it } from 'vitest';
import { plainBundle } from '../src/core/model/bundle';
import type { ModelExecutor } from '../src/core/lrp/executor';
import type { Model } from '../src/core/model/types';
import { ModelCache, type CachedModel } from '../src/worker/modelCache';

function fakeModel(name: string) {
  const model = {
    name,
    inputShape: [100, 100, 120, 1],
    layers: [],
    outputs: 2,
    disposed: 0,
    dispose() {
      this.disposed++;
    },
  };
  return model as unknown as Model & { disposed: number };
}

function fakeExecutor(model: Model) {
  const ex = {
    id: 'fake',
    model,
    disposed: 0,
    dispose() {
      this.disposed++;
    },
    unsupported: () => null,
    predict: async () => [0, 0],
    relevance: async () => {
      throw new Error('unused');
    },
  };
  return ex as unknown as ModelExecutor & { disposed: number };
}

describe('ModelCache', () => {
  it('forget releases the executor and the weights; the next use builds both again', async () => {
    const started: Array<ModelExecutor & { disposed: number }> = [];
    const cache = new ModelCache(async (model) => {
      const executor = fakeExecutor(model);
      started.push(executor);
      return { executor, label: 'fake', notices: [] };
    });
    let loads = 0;
    const load = async (): Promise<CachedModel> => ({ bundle: plainBundle(fakeModel(`m${++loads}`), 'm'), notices: [] });

    const first = await cache.get('m', load);
    expect(await cache.get('m', load)).toBe(first);
    expect(loads).toBe(1);
    await cache.engineFor(first.bundle.model);
    await cache.engineFor(first.bundle.model);
    expect(started).toHaveLength(1);

    cache.forget('m');
    await new Promise((r) => setTimeout(r, 0));
    expect((first.bundle.model as Model & { disposed: number }).disposed).toBe(1);
    expect(started[0]!.disposed).toBe(1);

    const again = await cache.get('m', load);
    expect(loads).toBe(2);
    await cache.engineFor(again.bundle.model);
    expect(started).toHaveLength(2);
  });

  it('a failed load is retried on the next request', async () => {
    const cache = new ModelCache(async () => ({ label: 'cpu', notices: [] }));
    let n = 0;
    const load = async (): Promise<CachedModel> => {
      if (n++ === 0) throw new Error('network down');
      return { bundle: plainBundle(fakeModel('ok'), 'ok'), notices: [] };
    };
    await expect(cache.get('x', load)).rejects.toThrow(/network/);
    await new Promise((r) => setTimeout(r, 0));
    expect((await cache.get('x', load)).bundle.label).toBe('ok');
  });

  it("releaseEngine (after an ensemble's fold) disposes only the engine: the model stays loaded, the next use builds a new engine", async () => {
    const started: Array<ModelExecutor & { disposed: number }> = [];
    const cache = new ModelCache(async (model) => {
      const executor = fakeExecutor(model);
      started.push(executor);
      return { executor, label: 'fake', notices: [] };
    });
    const fold = await cache.get('demo-fold-0', async () => ({ bundle: plainBundle(fakeModel('f0'), 'f0'), notices: [] }));
    await cache.engineFor(fold.bundle.model);
    cache.releaseEngine(fold.bundle.model);
    await Promise.resolve();
    await Promise.resolve();
    expect(started[0]!.disposed).toBe(1);
    expect((fold.bundle.model as Model & { disposed: number }).disposed).toBe(0);
    expect(await cache.get('demo-fold-0', async () => Promise.reject(new Error('must not reload')))).toBe(fold);
    await cache.engineFor(fold.bundle.model);
    expect(started).toHaveLength(2);
  });
});
