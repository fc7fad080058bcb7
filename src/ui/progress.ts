/** How far a job is, over all pipeline stages, and a time estimate from its pace so far. */
import { PIPELINE_STAGES, type PipelineProgress } from '../core/progress';
import type { MessageKey } from './i18n';

export const STAGE_KEY: Record<string, MessageKey> = {
  reading: 'stage.reading',
  preprocess: 'stage.preprocess',
  grid: 'stage.grid',
  forward: 'stage.forward',
  relevance: 'stage.relevance',
  post: 'stage.post',
};

/**
 * The share of the job done. In a combination the model stages (forward pass and relevance) run once
 * per analysis, so their span is shared out among the analyses: fold 2 of 10 never looks like 90 %.
 */
export function overallFraction(p: PipelineProgress | null): number {
  if (!p) return 0;
  const i = Math.max(0, PIPELINE_STAGES.indexOf(p.stage));
  const first = PIPELINE_STAGES.indexOf('forward');
  if (!p.member || (p.stage !== 'forward' && p.stage !== 'relevance')) return (i + p.fraction) / PIPELINE_STAGES.length;
  const withinModel = (i - first + p.fraction) / 2; // 0..1 over this analysis's forward + relevance
  const done = (p.member.index - 1 + withinModel) / p.member.count;
  return (first + 2 * done) / PIPELINE_STAGES.length;
}

/** Seconds left at the pace so far; null while too early to say (under 3 s or 5 %). */
export function secondsLeft(startedAt: number, fraction: number, now = Date.now()): number | null {
  const elapsed = (now - startedAt) / 1000;
  if (elapsed < 3 || fraction < 0.05 || fraction >= 1) return null;
  return Math.max(1, Math.round((elapsed * (1 - fraction)) / fraction));
}
