/**
 * The model card's relevance figures for one subject (pure; all arrays in model-tensor layout):
 * - hippocampus relevance: sum of max(R, 0) over AAL 37 + 38 on the raw map (lrp.md);
 * - the share of positive relevance inside the ground-truth atrophy region (atrophy > threshold)
 *   and that region's share of the brain (voxels with GM > 0), for comparison.
 */
export interface SubjectRelevance {
  hippocampusRelevance: number;
  totalPositive: number;
  /** NaN when the subject has no ground-truth atrophy. */
  positiveShareInAtrophy: number;
  atrophyShareOfBrain: number;
}

export const ATROPHY_REGION_THRESHOLD = 0.05;

export function subjectRelevance(relevance: Float32Array, aal: Float32Array, gm: Float32Array, atrophy: Float32Array): SubjectRelevance {
  let hip = 0, total = 0, inside = 0, brain = 0, region = 0;
  for (let i = 0; i < relevance.length; i++) {
    const r = relevance[i]! > 0 ? relevance[i]! : 0;
    total += r;
    const lab = aal[i]!;
    if (lab === 37 || lab === 38) hip += r;
    const inRegion = atrophy[i]! > ATROPHY_REGION_THRESHOLD;
    if (inRegion) inside += r;
    if (gm[i]! > 0) { brain++; if (inRegion) region++; }
  }
  return {
    hippocampusRelevance: hip,
    totalPositive: total,
    positiveShareInAtrophy: region > 0 && total > 0 ? inside / total : NaN,
    atrophyShareOfBrain: brain > 0 ? region / brain : NaN,
  };
}
