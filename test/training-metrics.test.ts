import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { auc, pearson } from '../src/training/metrics';
import { atrophyOverlap, hippocampalInputVolume } from '../src/training/relevanceMetrics';
import { createGraph, forwardGraph, graphWeights } from '../src/training/graph';
import { exportModel } from '../src/training/node/exportModel';
import { loadModelFromDir } from '../src/cli/loadModelNode';
import { predict } from '../src/core/lrp/methods';
import { makeRng } from '../src/training/prng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('metrics', () => {
  it('AUC matches the scikit-learn documentation example and counts ties as 1/2', () => {
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 12);
    expect(auc([0.5, 0.5], [0, 1])).toBe(0.5);
    expect(auc([0.9, 0.1], [1, 0])).toBe(1);
  });
  it('Pearson r of exact linear relations is +-1 and of a hand-computed case 0.8', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    // x = 1..5, y = 2,4,5,4,5: sxy = 6, sxx = 10, syy = 6 -> r = 6 / sqrt(60)
    expect(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])).toBeCloseTo(6 / Math.sqrt(60), 12);
  });
  it('relevance in the atrophy sums only positive relevance; shares against the brain (GM > 0)', () => {
    const R = Float32Array.from([1, -2, 3, 0.5, 0.5, 0]);
    const gm = Float32Array.from([1, 1, 1, 1, 1, 0]);
    const atrophy = Float32Array.from([0.3, 0.2, 0, 0, 0, 0.9]);
    const r = atrophyOverlap(R, gm, atrophy);
    expect(r.totalPositive).toBeCloseTo(5, 6);
    expect(r.positiveShareInAtrophy).toBeCloseTo((1 + 0) / 5, 6);
    expect(r.atrophyShareOfBrain).toBeCloseTo(2 / 5, 6);
  });
  it('hippocampal volume of the model input: the signed sum over AAL 37 + 38 in cm3 (1.5 mm voxels)', () => {
    // residuals: -0.2 and +0.05 in the left and right hippocampus, the rest elsewhere (36, 39, 0)
    const input = Float32Array.from([-0.2, 0.05, 0.7, -0.4, 0.3]);
    const labels = Uint8Array.from([37, 38, 36, 39, 0]);
    const regions = [
      { index: 36, name: 'Cingulum_Post_R' },
      { index: 37, name: 'Hippocampus_L' },
      { index: 38, name: 'Hippocampus_R' },
      { index: 39, name: 'ParaHippocampal_L' },
    ];
    expect(hippocampalInputVolume(input, { labels, regions })).toBeCloseTo(-0.15 * 3.375e-3, 9);
  });
});

describe('export', () => {
  it('writes a float16 layers-model that the app runtime loads and runs like the training graph', async () => {
    const g = createGraph(21);
    const dir = mkdtempSync(join(tmpdir(), 'rv-export-'));
    exportModel(await graphWeights(g), dir, { test: true });
    const model = await loadModelFromDir(dir);
    const rng = makeRng(2);
    const x = Float32Array.from({ length: 100 * 100 * 120 }, () => rng.uniform(0, 1));
    const ours = tf.tidy(() => tf.softmax(forwardGraph(g, tf.tensor5d(x, [1, 100, 100, 120, 1]), false).logits).dataSync());
    const theirs = await predict(model, x);
    expect(Math.abs(ours[1]! - theirs.probabilities[1]!)).toBeLessThan(2e-3);
    model.dispose();
  });
});

describe('evaluate summary', () => {
  it('medians per group, ECE AD vs CN and the atrophy enrichment, by hand', async () => {
    const { summarize } = await import('../src/cli/commands/evaluate');
    const row = (group: string, pAD: number, share = NaN, region = NaN) => ({
      id: `${group}${pAD}`,
      group,
      pAD,
      hippocampalGm: 1,
      hippocampalInputGm: 1,
      rel: { hippocampusRelevance: 0, totalPositive: 1, positiveShareInAtrophy: share, atrophyShareOfBrain: region },
    });
    const s = summarize([row('CN', 0.1), row('CN', 0.3), row('CN', 0.2), row('AD', 0.9, 0.6, 0.2), row('AD', 0.7, 0.4, 0.2)]);
    expect(s.medianPADCN).toBeCloseTo(0.2, 12);
    expect(s.medianPADAD).toBeCloseTo(0.8, 12);
    expect(s.medianPADMCI).toBeNaN();
    // top-label confidences 0.9, 0.7, 0.8 (CN) and 0.9, 0.7 (AD), all correct: the 0.9 bin is off by
    // 0.1 (two subjects), the 0.7 bin by 0.3 (two), the 0.8 bin by 0.2 (one)
    expect(s.eceADvsCN).toBeCloseTo((2 * 0.1 + 0.2 + 2 * 0.3) / 5, 10);
    expect(s.atrophyRelevanceEnrichment).toBeCloseTo(0.5 / 0.2, 12);
  });
});
