/**
 * A precomputed map opened on the page (a batch run's relevance or group map, named *_statmap.nii[.gz]
 * as BIDS derivatives are): placed on the grid and scaled for display, without running any model.
 * Adaptive scaling (|value| / its 99.99th percentile), because a group mean or difference has no
 * fixed relevance scale.
 */
import type { Message } from '../messages';
import { DEFAULT_ADAPTIVE_PERCENTILE, DEFAULT_DISPLAY_SIGMA, displayMap, type DisplayOptions } from '../analysis/scale';
import { readNifti } from '../nifti';
import { CAT12_GRID } from '../volume/grid';
import { resampleToGrid } from '../volume/resample';

export const STATMAP_DISPLAY: Readonly<DisplayOptions> = Object.freeze({
  scaling: 'adaptive',
  sigma: DEFAULT_DISPLAY_SIGMA,
  percentile: DEFAULT_ADAPTIVE_PERCENTILE,
});

export function isStatmapFile(name: string): boolean {
  return /_statmap\.nii(\.gz)?$/i.test(name);
}

export function statmapOnGrid(bytes: Uint8Array): { map: Float32Array; display: Float32Array; notices: Message[] } {
  const image = readNifti(bytes);
  const map = resampleToGrid(image.volume, CAT12_GRID, 'trilinear').data;
  for (let v = 0; v < map.length; v++) if (map[v] !== map[v]) map[v] = 0;
  return { map, display: displayMap(map, CAT12_GRID.dims, STATMAP_DISPLAY), notices: image.notices };
}
