/**
 * The JSON session report: what was analysed, how, and what came out, so that a result can be
 * reproduced and cited. Pure (no DOM): the page gathers the inputs, this shapes the record.
 */
import type { LobeScore } from '../core/analysis/regions';
import type { GateDecision, GateVerdict, ScanClass } from '../core/gate';
import { DEFAULT_ADAPTIVE_PERCENTILE, DEFAULT_DISPLAY_SIGMA, DEFAULT_FIXED_FACTOR, type DisplayOptions } from '../core/analysis/scale';
import { VOXEL_VOLUME_MM3 } from '../core/analysis/clusters';
import type { Calibration } from '../core/model/bundle';
import type { Combination, PipelineResult } from '../worker/protocol';

/** Faces and edges (scipy generate_binary_structure(3, 2)): what src/core/analysis/clusters.ts labels with. */
const CLUSTER_CONNECTIVITY = 18;

export const SESSION_REPORT_FORMAT = 'relevance-viewer/session-report@1';

export interface SessionReportInput {
  appVersion: string;
  createdAt: Date;
  scan: { fileName: string; sha256: string | null; bytes: number; source: string };
  model: { id: string; label: string };
  method: { id: string; label: string };
  /** Output neuron explained (1 = AD). */
  neuron: number;
  engine: string;
  /** Covariates the model's input was residualized with, or null for a raw model. */
  covariates: Record<string, number> | null;
  /** The result's probability: P(AD), the mean P(AD) of an average, or P_A - P_B of a difference. */
  probability: number;
  logits: number[];
  /** What the input gate made of the scan: a doubtful image's reasons travel with its result. */
  inputGate: GateDecision;
  /** The disclaimer shown with the result (English). */
  disclaimer: string;
  /** The display post-processing that ran (the result's displayOptions). */
  display: DisplayOptions;
  calibration: Calibration;
  /** How a combined result was made; absent for one model and method. */
  combination?: Combination;
  threshold: number;
  transparency: number;
  minClusterSize: number;
  clusters: { shown: number; total: number } | null;
  lobes: LobeScore[] | null;
}

export interface SessionReport {
  format: string;
  app: { name: string; version: string };
  createdAt: string;
  scan: { fileName: string; sha256: string | null; bytes: number; source: string };
  model: { id: string; label: string };
  method: { id: string; label: string; neuron: number };
  engine: string;
  covariates: Record<string, number> | null;
  /**
   * One analysis: its P(AD). An average: the mean P(AD) of its members. A difference: not a
   * probability at all, so it is recorded as probabilityADDifference (P_A - P_B), never as probabilityAD.
   */
  prediction: { probabilityAD: number; logits: number[] } | { probabilityADDifference: number; logitsDifference: number[] };
  /** The combination and each member's own prediction; null for a single analysis. */
  combination: { kind: Combination['kind']; members: Array<{ model: string; method: string; probabilityAD: number; logits: number[] }> } | null;
  /** A fold ensemble's fold-spread map: how it was computed; null for anything else. */
  foldSpread: { folds: number; map: string } | null;
  calibration: { temperature: number };
  /** Warnings: the input gate's reasons to doubt the image (empty when it raised none). */
  inputGate: { scanClass: ScanClass; verdict: GateVerdict; warnings: string[]; figures: Record<string, number> };
  disclaimer: string;
  display: {
    smoothingSigmaVoxels: number;
    scaling: string;
    threshold: number;
    transparency: number;
    minClusterSizeVoxels: number;
    clusterConnectivity: number;
    voxelVolumeMm3: number;
  };
  clusters: { shown: number; total: number } | null;
  /** The paper's score (sum of positive raw relevance) per lobe group, and its negative sum. */
  lobeScores: Array<{ lobe: string; positiveSum: number; negativeSum: number; voxels: number }> | null;
}

/** "fixed: x500, clipped to [-1, 1]" or "adaptive: / 99.99th percentile of |R|, clipped to [-1, 1]". */
function scalingText(d: DisplayOptions): string {
  return d.scaling === 'adaptive'
    ? `adaptive: / ${d.percentile ?? DEFAULT_ADAPTIVE_PERCENTILE}th percentile of |R|, clipped to [-1, 1]`
    : `fixed: x${d.factor ?? DEFAULT_FIXED_FACTOR}, clipped to [-1, 1]`;
}

export function buildSessionReport(input: SessionReportInput): SessionReport {
  return {
    format: SESSION_REPORT_FORMAT,
    app: { name: 'relevance-viewer', version: input.appVersion },
    createdAt: input.createdAt.toISOString(),
    scan: { ...input.scan },
    model: { ...input.model },
    method: { ...input.method, neuron: input.neuron },
    engine: input.engine,
    covariates: input.covariates ? { ...input.covariates } : null,
    prediction:
      input.combination?.kind === 'difference'
        ? { probabilityADDifference: input.probability, logitsDifference: [...input.logits] }
        : { probabilityAD: input.probability, logits: [...input.logits] },
    combination: input.combination
      ? {
          kind: input.combination.kind,
          members: input.combination.members.map((m) => ({ model: m.modelLabel, method: m.methodLabel, probabilityAD: m.probability, logits: [...m.logits] })),
        }
      : null,
    foldSpread:
      input.combination?.kind === 'ensemble'
        ? {
            folds: input.combination.members.length,
            map: 'per-voxel sample SD (n - 1) of the raw relevance across the folds, displayed with the same smoothing and scaling as the mean map',
          }
        : null,
    calibration: { temperature: input.calibration.temperature },
    inputGate: {
      scanClass: input.inputGate.scanClass,
      verdict: input.inputGate.verdict,
      warnings: input.inputGate.reasons.map((m) => m.text),
      figures: { ...input.inputGate.figures },
    },
    disclaimer: input.disclaimer,
    display: {
      smoothingSigmaVoxels: input.display.sigma ?? DEFAULT_DISPLAY_SIGMA,
      scaling: scalingText(input.display),
      threshold: input.threshold,
      transparency: input.transparency,
      minClusterSizeVoxels: input.minClusterSize,
      clusterConnectivity: CLUSTER_CONNECTIVITY,
      voxelVolumeMm3: VOXEL_VOLUME_MM3,
    },
    clusters: input.clusters ? { ...input.clusters } : null,
    lobeScores: input.lobes ? input.lobes.map((l) => ({ lobe: l.label, positiveSum: l.positiveSum, negativeSum: l.negativeSum, voxels: l.voxels })) : null,
  };
}

/** The part of the report that comes from the analysis result itself, so no field is left to the page to fill in. */
export function resultFields(
  result: PipelineResult,
): Pick<SessionReportInput, 'neuron' | 'engine' | 'covariates' | 'probability' | 'logits' | 'display' | 'calibration' | 'combination' | 'inputGate'> {
  return {
    inputGate: result.gate,
    neuron: result.neuron,
    engine: result.backend,
    covariates: result.residualizedWith ? { ...result.residualizedWith } : null,
    probability: result.probability,
    logits: [...result.logits],
    display: result.displayOptions,
    calibration: result.calibration,
    combination: result.combination,
  };
}

/** Full SHA-256 of the scan bytes as hex; null where SubtleCrypto is unavailable (insecure origins). */
export async function sha256Hex(bytes: Uint8Array): Promise<string | null> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return null;
  const digest = await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
