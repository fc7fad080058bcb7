/**
 * The Colin27-derived images the raw-T1 stage registers to and classifies with (see
 * public/NOTICE-assets.md; all from mricron-data, BSD-3-clause). Hosts fetch or read the files
 * (PREPROCESS_TEMPLATE_FILES, relative to public/) and hand the bytes to parseTemplates.
 */
import { InputError } from '../errors';
import { readNifti } from '../nifti';
import { CAT12_GRID, isOnGrid } from '../volume/grid';
import { levelGrid } from './grid';

export const PREPROCESS_TEMPLATE_FILES = {
  head: 'template/colin27_t1.nii.gz',
  brain: 'template/colin27_brain.nii.gz',
  gm: 'template/tissue3mm_gm.nii.gz',
  wm: 'template/tissue3mm_wm.nii.gz',
  csf: 'template/tissue3mm_csf.nii.gz',
  nonbrain: 'template/tissue3mm_head.nii.gz',
} as const;

export type TemplateFileKey = keyof typeof PREPROCESS_TEMPLATE_FILES;

export interface PreprocessTemplates {
  /** Colin27 whole head (ch2) on the CAT12 grid, 0..255. */
  head: Float32Array;
  /** Colin27 brain-extracted (ch2bet) on the CAT12 grid. */
  brain: Float32Array;
  /** Tissue fractions on the 3 mm level (levelGrid(1)). */
  gm3: Float32Array;
  wm3: Float32Array;
  csf3: Float32Array;
  nonbrain3: Float32Array;
}

export function parseTemplates(files: Record<TemplateFileKey, Uint8Array>): PreprocessTemplates {
  const grid3 = levelGrid(1);
  const load = (key: TemplateFileKey, grid: { dims: readonly number[]; affine: readonly number[] }) => {
    const v = readNifti(files[key]).volume;
    if (!isOnGrid(v, { dims: grid.dims as [number, number, number], affine: grid.affine })) {
      throw new InputError(`The template ${PREPROCESS_TEMPLATE_FILES[key]} is not on its grid; regenerate it (npm run make:tissue-maps).`);
    }
    return v.data;
  };
  return {
    head: load('head', CAT12_GRID),
    brain: load('brain', CAT12_GRID),
    gm3: load('gm', grid3),
    wm3: load('wm', grid3),
    csf3: load('csf', grid3),
    nonbrain3: load('nonbrain', grid3),
  };
}
