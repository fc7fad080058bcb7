/**
 * Combined analyses: the mean of several models and the difference A - B, checked against plain
 * per-voxel loops; the worker's runCombined with a stand-in for the single-model run.
 */
import { describe, expect, it } from 'vitest';
import { differenceMap, mean, meanMaps, meanVectors } from '../src/core/analysis/combine';
import { displayMap } from '../src/core/analysis/scale';
import { CAT12_GRID } from '../src/core/volume/grid';
import { runCombined } from '../src/worker/combined';
import type { PipelineRequest, PipelineResult } from '../src/worker/protocol';
import { analysisKey, combineRequest, type CombineSettings } from '../src/state/prefs';
import { sexCode } from '../src/core/analysis/covariatesInput';

const N = CAT12_GRID.dims[0] * CAT12_GRID.dims[1] * CAT12_GRID.dims[2];

/** Index of the first differing element, -1 when equal (a deep toEqual of 2 M floats is slow). */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  for (let v = 0; v < a.length; v++) if (!Object.is(a[v], b[v])) return v;
  return -1;
}

describe('meanMaps / differenceMap', () => {
  it('mean and difference equal the per-voxel arithmetic', () => {
    const a = Float32Array.from([1, 2, 3, -4]);
    const b = Float32Array.from([3, 2, 0, 4]);
    const c = Float32Array.from([2, 5, 0, 6]);
    expect([...meanMaps([a, b, c])]).toEqual([2, 3, 1, 2]);
    expect([...differenceMap(a, b)]).toEqual([-2, 0, 3, -8]);
    expect(mean([0.2, 0.4, 0.9])).toBeCloseTo(0.5, 12);
    expect(meanVectors([[1, 2], [3, 6]])).toEqual([2, 4]);
  });
  it('refuses maps of different sizes and an empty list', () => {
    expect(() => meanMaps([])).toThrow();
    expect(() => meanMaps([new Float32Array(2), new Float32Array(3)])).toThrow(/size/);
    expect(() => differenceMap(new Float32Array(2), new Float32Array(3))).toThrow(/size/);
  });
});

/** A fake single run: relevance = a sparse pattern scaled per model/method; probability per model. */
function fakeResult(req: PipelineRequest): PipelineResult {
  const k = req.modelId.length + (req.method === 'paper' ? 0 : 10);
  const relevance = new Float32Array(N);
  for (let v = 0; v < N; v += 997) relevance[v] = (k * ((v % 7) - 3)) / 1000;
  return {
    background: new Float32Array(N),
    relevance,
    display: new Float32Array(N),
    logits: [0, k],
    probability: k / 100,
    modelLabel: `M ${req.modelId}`,
    provenance: 'synthetic-demo',
    methodLabel: `X ${req.method}`,
    notices: [`notice ${req.modelId}`],
    timings: { forward: 10 },
    backend: 'fake',
  };
}

describe('runCombined', () => {
  const base: PipelineRequest = { scanBytes: new Uint8Array(0), fileName: 's.nii', modelId: 'a', method: 'paper' };
  it('averages probability, logits and raw relevance of the models, run in turn, and displays the mean', async () => {
    const order: string[] = [];
    const messages: string[] = [];
    const out = await runCombined(
      { ...base, averageModelIds: ['bb', 'c', 'dddd'] },
      (p) => messages.push(p.message ?? ''),
      new AbortController().signal,
      async (req, onProgress) => {
        order.push(req.modelId);
        expect(req.averageModelIds).toBeUndefined();
        onProgress({ stage: 'forward', fraction: 0.5, message: 'x' });
        return fakeResult(req);
      },
    );
    expect(order).toEqual(['bb', 'c', 'dddd']);
    expect(messages).toContain('model 2 of 3: x');
    expect(out.probability).toBeCloseTo((0.02 + 0.01 + 0.04) / 3, 10);
    expect(out.logits[1]).toBeCloseTo(7 / 3, 10);
    const parts = ['bb', 'c', 'dddd'].map((m) => fakeResult({ ...base, modelId: m }).relevance);
    for (let v = 0; v < N; v += 997) expect(out.relevance[v]).toBeCloseTo((parts[0][v] + parts[1][v] + parts[2][v]) / 3, 6);
    expect(firstDifference(out.display, displayMap(out.relevance, CAT12_GRID.dims, { scaling: 'fixed' }))).toBe(-1);
    expect(out.combination?.kind).toBe('average');
    expect(out.combination?.members.map((m) => m.probability)).toEqual([0.02, 0.01, 0.04]);
    expect(out.notices).toEqual(['notice bb', 'notice c', 'notice dddd']);
  });
  it('A - B of two methods on one model: relevance difference, displayed with the same post-processing', async () => {
    const out = await runCombined({ ...base, modelId: 'aa', compareWith: { modelId: 'aa', method: 'gradient' } }, () => {}, new AbortController().signal, async (r) => fakeResult(r));
    const a = fakeResult({ ...base, modelId: 'aa' });
    const b = fakeResult({ ...base, modelId: 'aa', method: 'gradient' });
    for (let v = 0; v < N; v += 997) expect(out.relevance[v]).toBeCloseTo(a.relevance[v] - b.relevance[v], 6);
    expect(firstDifference(out.display, displayMap(out.relevance, CAT12_GRID.dims, { scaling: 'fixed' }))).toBe(-1);
    expect(out.probability).toBeCloseTo(a.probability - b.probability, 12);
    expect(out.modelLabel).toBe('M aa');
    expect(out.methodLabel).toBe('X paper − X gradient');
    expect(out.combination?.kind).toBe('difference');
  });
  it('the combined display map uses the members\' display post-processing (e.g. a model\'s own factor)', async () => {
    const opts = { scaling: 'fixed' as const, factor: 4000 };
    const out = await runCombined({ ...base, averageModelIds: ['a', 'bb'] }, () => {}, new AbortController().signal, async (r) => ({ ...fakeResult(r), displayOptions: opts }));
    expect(firstDifference(out.display, displayMap(out.relevance, CAT12_GRID.dims, opts))).toBe(-1);
    expect(firstDifference(out.display, displayMap(out.relevance, CAT12_GRID.dims, { scaling: 'fixed' }))).not.toBe(-1);
    expect(out.displayOptions).toEqual(opts);
  });
  it('stops between runs when cancelled', async () => {
    const ctl = new AbortController();
    let runs = 0;
    const p = runCombined({ ...base, averageModelIds: ['a', 'b', 'c'] }, () => {}, ctl.signal, async (r) => {
      runs++;
      ctl.abort();
      return fakeResult(r);
    });
    await expect(p).rejects.toThrow(/cancelled/);
    expect(runs).toBe(1);
  });
  it('refuses an average of one model', async () => {
    await expect(runCombined({ ...base, averageModelIds: ['a'] }, () => {}, new AbortController().signal, async (r) => fakeResult(r))).rejects.toThrow(/two/);
  });
});

describe('combined requests and cache keys', () => {
  const single: CombineSettings = { mode: 'single', averageIds: ['a', 'b'], compareModelId: 'b', compareMethod: 'gradient' };
  const cov = { age: 73, sex: 0.5, tiv: 1400, field: 3 };
  it('single mode adds nothing; average needs two models; difference names B', () => {
    expect(combineRequest(single)).toEqual({});
    expect(combineRequest({ ...single, mode: 'average', averageIds: ['x'] })).toEqual({});
    expect(combineRequest({ ...single, mode: 'average', averageIds: ['b', 'a'] })).toEqual({ averageModelIds: ['a', 'b'] });
    expect(combineRequest({ ...single, mode: 'difference' })).toEqual({ compareWith: { modelId: 'b', method: 'gradient' } });
  });
  it('the cache key changes with covariates and combination, not with unused settings', () => {
    const k = analysisKey('h', 'a', 'paper', cov, single);
    expect(analysisKey('h', 'a', 'paper', { ...cov, age: 60 }, single)).not.toBe(k);
    expect(analysisKey('h', 'a', 'paper', cov, { ...single, mode: 'difference' })).not.toBe(k);
    expect(analysisKey('h', 'a', 'paper', cov, { ...single, compareModelId: 'zzz' })).toBe(k);
    // The average ignores the single model choice.
    const avg = { ...single, mode: 'average' as const };
    expect(analysisKey('h', 'a', 'paper', cov, avg)).toBe(analysisKey('h', 'other', 'paper', cov, avg));
  });
  it('demo sex codes map to 1 female, 0 male, 0.5 unknown', () => {
    expect(['F', 'female', 1, 'M', 'male', 0, '', 'x', undefined].map(sexCode)).toEqual([1, 1, 1, 0, 0, 0, 0.5, 0.5, 0.5]);
  });
});
