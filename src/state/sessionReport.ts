/**
 * The JSON session report: what was analysed, how, and what came out, so that a result can be
 * reproduced and cited. Pure (no DOM): the page gathers the inputs, this shapes the record.
 */
import type { LobeScore } from '../core/analysis/regions';
import type { GateDecision, GateVerdict, ScanClass } from '../core/gate';

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
  /** Covariates the model's input was residualized with, or null for a raw model / none given. */
  covariates: Record<string, number> | null;
  probability: number;
  logits: number[];
  /** What the input gate made of the scan: a doubtful image's reasons travel with its result. */
  inputGate: GateDecision;
  /** The disclaimer shown with the result (English). */
  disclaimer: string;
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
  prediction: { probabilityAD: number; logits: number[] };
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
    prediction: { probabilityAD: input.probability, logits: [...input.logits] },
    inputGate: {
      scanClass: input.inputGate.scanClass,
      verdict: input.inputGate.verdict,
      warnings: input.inputGate.reasons.map((m) => m.text),
      figures: { ...input.inputGate.figures },
    },
    disclaimer: input.disclaimer,
    display: {
      smoothingSigmaVoxels: 0.8,
      scaling: 'fixed: x500, clipped to [-1, 1]',
      threshold: input.threshold,
      transparency: input.transparency,
      minClusterSizeVoxels: input.minClusterSize,
      clusterConnectivity: 18,
      voxelVolumeMm3: 3.375,
    },
    clusters: input.clusters ? { ...input.clusters } : null,
    lobeScores: input.lobes ? input.lobes.map((l) => ({ lobe: l.label, positiveSum: l.positiveSum, negativeSum: l.negativeSum, voxels: l.voxels })) : null,
  };
}

/** Full SHA-256 of the scan bytes as hex; null where SubtleCrypto is unavailable (insecure origins). */
export async function sha256Hex(bytes: Uint8Array): Promise<string | null> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return null;
  const digest = await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
