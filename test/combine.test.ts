/**
 * Combined analyses: the voxel arithmetic of the mean and the difference against plain loops, and
 * the page's combined requests and cache keys (the pipeline's combinations: pipeline-bundle.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { differenceMap, mean, meanMaps, meanVectors } from '../src/core/analysis/combine';
import { analysisKey, combineRequest, type CombineSettings } from '../src/state/prefs';
import { sexCode } from '../src/core/analysis/covariatesInput';

describe('meanMaps / differenceMap', () => {
  it('mean and difference equal the per-voxel arithmetic', () => {
    const a = Float32Array.from([1, 2, 3, -4]);
    const b = Float32Array.from([3, 2, 0, 4]);
    const c = Float32Array.from([2, 5, 0, 6]);
    expect([...meanMaps([a, b, c])]).toEqual([2, 3, 1, 2]);
    expect([...differenceMap(a, b)]).toEqual([-2, 0, 3, -8]);
    expect(mean([0.2, 0.4, 0.9])).toBeCloseTo(0.5, 12);
    expect(
      meanVectors([
        [1, 2],
        [3, 6],
      ]),
    ).toEqual([2, 4]);
  });
  it('refuses maps of different sizes and an empty list', () => {
    expect(() => meanMaps([])).toThrow();
    expect(() => meanMaps([new Float32Array(2), new Float32Array(3)])).toThrow(/size/);
    expect(() => differenceMap(new Float32Array(2), new Float32Array(3))).toThrow(/size/);
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
