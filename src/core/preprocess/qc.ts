/**
 * The QC verdict of the raw-T1 stage from its figures: fail (no analysis), doubtful (analysis with
 * the reasons shown and exported as a warning) or pass. Thresholds: plausible adult ranges (TIV,
 * GM/TIV, raw-t1.md) and what our simulated scans and Colin27 reach (docs/raw-t1-stage.md).
 */
import type { Message } from '../messages';
import { QC_MESSAGES } from './messages';

export type QcVerdict = 'pass' | 'doubtful' | 'fail';

export interface QcResult {
  figures: Record<string, number>;
  verdict: QcVerdict;
  /** The first (most serious) reason, one sentence. */
  reason: Message;
  reasons: Message[];
}

const hasT1Contrast = (f: Record<string, number>) => f.csf_mean! < f.gm_mean! && f.gm_mean! < f.wm_mean! && f.wm_mean! - f.gm_mean! > 1.2 * f.gm_sd!;

/** The failures known before the nonlinear step (contrast, coverage, affine registration). */
function earlyFailures(f: Record<string, number>): Message[] {
  const fail: Message[] = [];
  if (f.coverage! < 0.95) fail.push(QC_MESSAGES.coverage(f.coverage!));
  if (f.registration_r! < 0.5) fail.push(QC_MESSAGES.lowRegistration(f.registration_r!));
  if (!hasT1Contrast(f)) fail.push(QC_MESSAGES.notT1());
  return fail;
}

export const earlyFailure = (f: Record<string, number>): boolean => earlyFailures(f).length > 0;

export function judge(f: Record<string, number>): QcResult {
  const fail = earlyFailures(f);
  const doubt: Message[] = [];
  if (f.coverage! >= 0.95 && f.coverage! < 0.98) doubt.push(QC_MESSAGES.coverage(f.coverage!));
  if (f.registration_r! >= 0.5 && f.registration_r! < 0.75) doubt.push(QC_MESSAGES.lowRegistration(f.registration_r!));
  if (f.tiv_ml! < 800 || f.tiv_ml! > 2500) fail.push(QC_MESSAGES.tiv(f.tiv_ml!));
  else if (f.tiv_ml! < 1000 || f.tiv_ml! > 2100) doubt.push(QC_MESSAGES.tiv(f.tiv_ml!));
  if (f.gm_tiv! < 0.2 || f.gm_tiv! > 0.65) fail.push(QC_MESSAGES.gmRatio(f.gm_tiv!));
  else if (f.gm_tiv! < 0.3 || f.gm_tiv! > 0.55) doubt.push(QC_MESSAGES.gmRatio(f.gm_tiv!));
  if (f.gm_r_nonlinear! < 0.6) doubt.push(QC_MESSAGES.gmOverlap(f.gm_r_nonlinear!));
  if (f.bias_p95! / f.bias_p05! > 1.8) doubt.push(QC_MESSAGES.bias(f.bias_p05!, f.bias_p95!));
  if (f.sform_qform_flip === 1) doubt.push(QC_MESSAGES.leftRightFlip());
  else if ((f.sform_qform_mm ?? 0) > 5) doubt.push(QC_MESSAGES.formsDisagree(f.sform_qform_mm!));
  if (f.brain_extracted === 1) doubt.push(QC_MESSAGES.brainExtracted());
  const verdict: QcVerdict = fail.length ? 'fail' : doubt.length ? 'doubtful' : 'pass';
  const reasons = [...fail, ...doubt];
  return { figures: f, verdict, reason: reasons[0] ?? QC_MESSAGES.pass(), reasons };
}
