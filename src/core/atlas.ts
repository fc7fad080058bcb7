/**
 * The AAL atlas on the CAT12 grid, as the app and the CLI ship it: labels as a NIfTI
 * (public/atlas/aal.nii.gz, uint8) and names as JSON (public/atlas/aal.json).
 */
import { InputError } from './errors';
import { readNifti } from './nifti';
import { CAT12_GRID, isOnGrid } from './volume/grid';
import type { Atlas } from './pipeline';

export const ATLAS_LABELS_PATH = 'atlas/aal.nii.gz';
export const ATLAS_NAMES_PATH = 'atlas/aal.json';
export const TEMPLATE_T1_PATH = 'template/colin27_t1.nii.gz';

export function parseAtlas(labelBytes: Uint8Array, namesJson: string): Atlas {
  return { labels: parseAtlasLabels(labelBytes), regions: parseAtlasNames(namesJson) };
}

/** The label volume alone (the page draws outlines and names regions with it). */
export function parseAtlasLabels(labelBytes: Uint8Array): Uint8Array {
  const image = readNifti(labelBytes);
  if (!isOnGrid(image.volume, CAT12_GRID)) {
    throw new InputError('The atlas is not on the 121x145x121 CAT12 grid; regenerate it with scripts/make_assets.py.');
  }
  const src = image.volume.data;
  const labels = new Uint8Array(src.length);
  for (let v = 0; v < src.length; v++) labels[v] = Math.round(src[v]!);
  return labels;
}

export function parseAtlasNames(namesJson: string): Atlas['regions'] {
  return (JSON.parse(namesJson) as { index: number; name: string }[]).map(({ index, name }) => ({ index, name }));
}
