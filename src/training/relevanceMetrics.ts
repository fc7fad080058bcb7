/**
 * The model card's relevance-in-atrophy figures for one subject (pure; arrays on the CAT12 grid,
 * as runPipeline returns them): the share of positive relevance inside the ground-truth atrophy
 * region (atrophy > threshold) and that region's share of the brain (voxels where the subject
 * has GM > 0; not the model input, which a residualizing model makes signed), for comparison.
 * The hippocampus score is the pipeline's own (regions.ts, AAL 37 + 38).
 */
import { lobeScores } from '../core/analysis/regions';
import type { Atlas } from '../core/pipeline';
import { VOXEL_CM3 } from './synth';

export interface AtrophyOverlap {
  totalPositive: number;
  /** NaN when the subject has no ground-truth atrophy. */
  positiveShareInAtrophy: number;
  atrophyShareOfBrain: number;
}

export const ATROPHY_REGION_THRESHOLD = 0.05;

/**
 * Hippocampal GM (cm3) of what the model saw, over the pipeline's own hippocampus (its lobe scores,
 * AAL 37 + 38, the region its hippocampus relevance is summed over). For a residualizing model that
 * is the covariate-adjusted volume: the subject's hippocampal GM minus what a control of the same
 * age, sex, TIV and field strength has (its covariate model's prediction), the only part of the
 * volume such a model can see; for a raw-input model it is the volume itself.
 */
export function hippocampalInputVolume(input: Float32Array, atlas: Atlas): number {
  const hippocampus = lobeScores(input, atlas.labels, atlas.regions).find((l) => l.key === 'hippocampus')!;
  return (hippocampus.positiveSum + hippocampus.negativeSum) * VOXEL_CM3;
}

export function atrophyOverlap(relevance: Float32Array, gm: Float32Array, atrophy: Float32Array): AtrophyOverlap {
  let total = 0,
    inside = 0,
    brain = 0,
    region = 0;
  for (let i = 0; i < relevance.length; i++) {
    const r = relevance[i]! > 0 ? relevance[i]! : 0;
    total += r;
    const inRegion = atrophy[i]! > ATROPHY_REGION_THRESHOLD;
    if (inRegion) inside += r;
    if (gm[i]! > 0) {
      brain++;
      if (inRegion) region++;
    }
  }
  return {
    totalPositive: total,
    positiveShareInAtrophy: region > 0 && total > 0 ? inside / total : NaN,
    atrophyShareOfBrain: brain > 0 ? region / brain : NaN,
  };
}
