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

export function overallFraction(p: PipelineProgress | null): number {
  if (!p) return 0;
  const i = Math.max(0, PIPELINE_STAGES.indexOf(p.stage));
  return (i + p.fraction) / PIPELINE_STAGES.length;
}

/** Seconds left at the pace so far; null while too early to say (under 3 s or 5 %). */
export function secondsLeft(startedAt: number, fraction: number, now = Date.now()): number | null {
  const elapsed = (now - startedAt) / 1000;
  if (elapsed < 3 || fraction < 0.05 || fraction >= 1) return null;
  return Math.max(1, Math.round((elapsed * (1 - fraction)) / fraction));
}
