/** The JSON session report's content and the scan hash (against Node's own SHA-256). */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { buildSessionReport, sha256Hex, SESSION_REPORT_FORMAT } from '../src/state/sessionReport';

describe('session report', () => {
  const input = {
    appVersion: '9.9.9',
    createdAt: new Date(Date.UTC(2025, 0, 2, 3, 4, 5)),
    scan: { fileName: 'sub-01_mwp1.nii.gz', sha256: 'ab'.repeat(32), bytes: 1234, source: 'file' },
    model: { id: 'demo', label: 'Demo model' },
    method: { id: 'paper', label: 'LRP (paper)' },
    neuron: 1,
    engine: 'wasm-simd',
    covariates: { age: 73, sex: 0.5, tiv: 1400, field: 3 },
    probability: 0.8125,
    logits: [-0.5, 0.97],
    inputGate: {
      scanClass: 'partial-coverage' as const,
      verdict: 'doubtful' as const,
      reasons: [{ key: 'gate.doubtCoverage', params: { coverage: 72 }, text: 'The image covers 72% of the brain.' }],
      figures: { brainCoverage: 0.72 },
    },
    disclaimer: 'Not a diagnosis.',
    threshold: 0.4,
    transparency: 0.3,
    minClusterSize: 50,
    clusters: { shown: 3, total: 12 },
    lobes: [{ key: 'hippocampus' as const, label: 'Hippocampus', regionIndices: [37, 38], voxels: 900, positiveSum: 0.25, negativeSum: -0.01, meanRelevance: 0 }],
  };

  it('records scan, model, method, covariates, probability, thresholds, cluster size and version', () => {
    const r = buildSessionReport(input);
    expect(r.format).toBe(SESSION_REPORT_FORMAT);
    expect(r.app).toEqual({ name: 'relevance-viewer', version: '9.9.9' });
    expect(r.createdAt).toBe('2025-01-02T03:04:05.000Z');
    expect(r.scan).toEqual(input.scan);
    expect(r.model).toEqual(input.model);
    expect(r.method).toEqual({ id: 'paper', label: 'LRP (paper)', neuron: 1 });
    expect(r.covariates).toEqual(input.covariates);
    expect(r.prediction).toEqual({ probabilityAD: 0.8125, logits: [-0.5, 0.97] });
    expect(r.display).toMatchObject({ threshold: 0.4, transparency: 0.3, minClusterSizeVoxels: 50, clusterConnectivity: 18, voxelVolumeMm3: 3.375, smoothingSigmaVoxels: 0.8 });
    expect(r.clusters).toEqual({ shown: 3, total: 12 });
    // A doubtful image's warnings and the disclaimer travel with the numbers.
    expect(r.inputGate).toEqual({ scanClass: 'partial-coverage', verdict: 'doubtful', warnings: ['The image covers 72% of the brain.'], figures: { brainCoverage: 0.72 } });
    expect(r.disclaimer).toBe('Not a diagnosis.');
    expect(r.lobeScores).toEqual([{ lobe: 'Hippocampus', positiveSum: 0.25, negativeSum: -0.01, voxels: 900 }]);
    // A plain JSON document: survives a round trip unchanged.
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('absent covariates and clusters are null, not missing', () => {
    const r = buildSessionReport({ ...input, covariates: null, clusters: null, lobes: null });
    expect(r).toHaveProperty('covariates', null);
    expect(r).toHaveProperty('clusters', null);
    expect(r).toHaveProperty('lobeScores', null);
  });

  it('sha256Hex is the full SHA-256 of the bytes', async () => {
    const bytes = new Uint8Array(100_003).map((_, i) => (i * 31) & 255);
    expect(await sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});
