/**
 * Hippocampal gray-matter volume of a modulated GM map on the grid (pure). A CAT12 mwp1 value is a
 * GM fraction times the Jacobian of the warp, so its sum over a region times the voxel volume is the
 * region's GM volume in native space. The hippocampus is the region-score module's (AAL 37 + 38).
 */
import { lobeScores, type AtlasRegion, type LabelArray } from '../analysis/regions';
import { CAT12_GRID } from '../volume/grid';

/** mm3 of one grid voxel, from the grid's affine (1.5^3). */
export function gridVoxelMm3(affine: ArrayLike<number> = CAT12_GRID.affine): number {
  const a = (r: number, c: number) => affine[4 * r + c]!;
  return Math.abs(
    a(0, 0) * (a(1, 1) * a(2, 2) - a(1, 2) * a(2, 1)) - a(0, 1) * (a(1, 0) * a(2, 2) - a(1, 2) * a(2, 0)) + a(0, 2) * (a(1, 0) * a(2, 1) - a(1, 1) * a(2, 0)),
  );
}

/** cm3 of gray matter in the hippocampus (NaN and negative values count as none). */
export function hippocampalVolumeCm3(gm: Float32Array, labels: LabelArray, regions: readonly AtlasRegion[]): number {
  const hippocampus = lobeScores(gm, labels, regions).find((l) => l.key === 'hippocampus')!;
  return (hippocampus.positiveSum * gridVoxelMm3()) / 1000;
}
