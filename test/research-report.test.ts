/**
 * The JSON session report: what it records comes from the analysis result (covariates, display
 * post-processing, calibration, combination), and the scan hash (against Node's own SHA-256).
 */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { buildSessionReport, resultFields, sha256Hex, SESSION_REPORT_FORMAT, type SessionReportInput } from '../src/state/sessionReport';
import type { PipelineResult } from '../src/worker/protocol';

/** A result as the worker returns it (maps left empty: the report does not read them). */
function result(over: Partial<PipelineResult> = {}): PipelineResult {
  return {
    background: new Float32Array(0),
    relevance: new Float32Array(0),
    display: new Float32Array(0),
    logits: [-0.5, 0.97],
    probability: 0.8125,
    neuron: 1,
    modelLabel: 'Demo model',
    methodLabel: 'LRP (paper)',
    notices: [],
    engineNotes: [],
    timings: {},
    backend: 'wasm-simd',
    provenance: 'synthetic-demo',
    gate: {
      scanClass: 'partial-coverage',
      verdict: 'doubtful',
      figures: { brainCoverage: 0.72 },
      reasons: [{ key: 'gate.doubtCoverage', params: { coverage: 72 }, text: 'The image covers 72% of the brain.' }],
    },
    displayOptions: { scaling: 'fixed', sigma: 1.25, factor: 4000 },
    calibration: { temperature: 1.6 },
    residualizedWith: { age: 61, sex: 1, tiv: 1333, field: 1.5 },
    ...over,
  };
}

function input(r: PipelineResult): SessionReportInput {
  return {
    appVersion: '9.9.9',
    createdAt: new Date(Date.UTC(2025, 0, 2, 3, 4, 5)),
    scan: { fileName: 'sub-01_mwp1.nii.gz', sha256: 'ab'.repeat(32), bytes: 1234, source: 'file' },
    model: { id: 'demo', label: r.modelLabel },
    method: { id: 'paper', label: r.methodLabel },
    ...resultFields(r),
    disclaimer: 'Not a diagnosis.',
    threshold: 0.4,
    transparency: 0.3,
    minClusterSize: 50,
    clusters: { shown: 3, total: 12 },
    lobes: [
      { key: 'hippocampus' as const, label: 'Hippocampus', regionIndices: [37, 38], voxels: 900, positiveSum: 0.25, negativeSum: -0.01, meanRelevance: 0 },
    ],
  };
}

describe('session report', () => {
  it("records the result's covariates, display scaling and smoothing, calibration and engine", () => {
    const r = buildSessionReport(input(result()));
    expect(r.format).toBe(SESSION_REPORT_FORMAT);
    expect(r.app).toEqual({ name: 'relevance-viewer', version: '9.9.9' });
    expect(r.createdAt).toBe('2025-01-02T03:04:05.000Z');
    expect(r.method).toEqual({ id: 'paper', label: 'LRP (paper)', neuron: 1 });
    expect(buildSessionReport(input(result({ neuron: 0 }))).method.neuron).toBe(0); // the result's, not a constant
    expect(r.covariates).toEqual({ age: 61, sex: 1, tiv: 1333, field: 1.5 });
    expect(r.engine).toBe('wasm-simd');
    expect(r.prediction).toEqual({ probabilityAD: 0.8125, logits: [-0.5, 0.97] });
    expect(r.calibration).toEqual({ temperature: 1.6 });
    expect(r.combination).toBeNull();
    expect(r.display.scaling).toBe('fixed: x4000, clipped to [-1, 1]');
    expect(r.display.smoothingSigmaVoxels).toBe(1.25);
    expect(r.display).toMatchObject({ threshold: 0.4, transparency: 0.3, minClusterSizeVoxels: 50 });
    expect(r.display.voxelVolumeMm3).toBeCloseTo(1.5 ** 3, 12); // the CAT12 grid's 1.5 mm voxels
    expect(r.clusters).toEqual({ shown: 3, total: 12 });
    // A doubtful image's warnings and the disclaimer travel with the numbers.
    expect(r.inputGate).toEqual({
      scanClass: 'partial-coverage',
      verdict: 'doubtful',
      warnings: ['The image covers 72% of the brain.'],
      figures: { brainCoverage: 0.72 },
    });
    expect(r.disclaimer).toBe('Not a diagnosis.');
    expect(r.lobeScores).toEqual([{ lobe: 'Hippocampus', positiveSum: 0.25, negativeSum: -0.01, voxels: 900 }]);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('adaptive scaling is described with its percentile', () => {
    const r = buildSessionReport(input(result({ displayOptions: { scaling: 'adaptive', sigma: 0.8, percentile: 99.5 } })));
    expect(r.display.scaling).toMatch(/adaptive.*99\.5/);
  });

  it('a difference is recorded as a difference, never as a probability of AD, with both members', () => {
    const members = [
      { modelLabel: 'A', method: 'paper' as const, methodLabel: 'LRP', probability: 0.9, logits: [0, 2] },
      { modelLabel: 'B', method: 'paper' as const, methodLabel: 'LRP', probability: 0.6, logits: [0, 0.4] },
    ];
    const r = buildSessionReport(input(result({ probability: 0.3, logits: [0, 1.6], combination: { kind: 'difference', members } })));
    expect(r.prediction).toEqual({ probabilityADDifference: 0.3, logitsDifference: [0, 1.6] });
    expect(r.prediction).not.toHaveProperty('probabilityAD');
    expect(r.combination).toEqual({
      kind: 'difference',
      members: [
        { model: 'A', method: 'LRP', probabilityAD: 0.9, logits: [0, 2] },
        { model: 'B', method: 'LRP', probabilityAD: 0.6, logits: [0, 0.4] },
      ],
    });
    const avg = buildSessionReport(input(result({ combination: { kind: 'average', members } })));
    expect(avg.prediction).toEqual({ probabilityAD: 0.8125, logits: [-0.5, 0.97] });
    expect(avg.combination?.kind).toBe('average');
    expect(avg.foldSpread).toBeNull();
    const ens = buildSessionReport(input(result({ combination: { kind: 'ensemble', members } })));
    expect(ens.combination?.members.map((m) => m.model)).toEqual(['A', 'B']);
    expect(ens.foldSpread).toMatchObject({ folds: 2 });
    expect(ens.foldSpread?.map).toMatch(/SD .* across the folds/);
  });

  it("a raw model's report has covariates null, and absent clusters and lobes are null, not missing", () => {
    const r = buildSessionReport({ ...input(result({ residualizedWith: undefined })), clusters: null, lobes: null });
    expect(r).toHaveProperty('covariates', null);
    expect(r).toHaveProperty('clusters', null);
    expect(r).toHaveProperty('lobeScores', null);
  });

  it('sha256Hex is the full SHA-256 of the bytes', async () => {
    const bytes = new Uint8Array(100_003).map((_, i) => (i * 31) & 255);
    expect(await sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});
