/**
 * The model card's relevance-in-atrophy figures for one subject (pure; arrays on the CAT12 grid,
 * as runPipeline returns them): the share of positive relevance inside the ground-truth atrophy
 * region (atrophy > threshold) and that region's share of the brain (voxels where the subject
 * has GM > 0; not the model input, which a residualizing model makes signed), for comparison.
 * The hippocampus score is the pipeline's own (regions.ts, AAL 37 + 38).
 */
export interface AtrophyOverlap {
  totalPositive: number;
  /** NaN when the subject has no ground-truth atrophy. */
  positiveShareInAtrophy: number;
  atrophyShareOfBrain: number;
}

export const ATROPHY_REGION_THRESHOLD = 0.05;

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
