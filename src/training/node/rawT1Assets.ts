/** The raw-T1 simulator's assets (Colin27 head, brain, GM map, AAL) read from the repository's public/ folder. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAtlasLabels, ATLAS_LABELS_PATH } from '../../core/atlas';
import { readNifti } from '../../core/nifti';
import { PREPROCESS_TEMPLATE_FILES } from '../../core/preprocess/templates';
import type { SimulatorAssets } from '../rawT1Sim';
import { REPO_ROOT } from './assets';

const publicFile = (path: string) => new Uint8Array(readFileSync(join(REPO_ROOT, 'public', path)));

export const GM_TEMPLATE_PATH = 'template/gm_template.nii.gz';

export function loadSimulatorAssetsNode(): SimulatorAssets {
  return {
    head: readNifti(publicFile(PREPROCESS_TEMPLATE_FILES.head)).volume.data,
    brain: readNifti(publicFile(PREPROCESS_TEMPLATE_FILES.brain)).volume.data,
    gm: readNifti(publicFile(GM_TEMPLATE_PATH)).volume.data,
    labels: parseAtlasLabels(publicFile(ATLAS_LABELS_PATH)),
  };
}
