/** The raw-T1 stage's templates and the simulator's assets, read from the repository's public/ folder. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAtlasLabels, ATLAS_LABELS_PATH } from '../core/atlas';
import { readNifti } from '../core/nifti';
import { parseTemplates, PREPROCESS_TEMPLATE_FILES, type PreprocessTemplates, type TemplateFileKey } from '../core/preprocess/templates';
import type { SimulatorAssets } from '../training/rawT1Sim';
import { REPO_ROOT } from './repoRoot';

const publicFile = (path: string) => new Uint8Array(readFileSync(join(REPO_ROOT, 'public', path)));

let cached: PreprocessTemplates | undefined;
export function loadPreprocessTemplatesNode(): PreprocessTemplates {
  if (!cached) {
    const files = Object.fromEntries(
      Object.entries(PREPROCESS_TEMPLATE_FILES).map(([key, path]) => [key, publicFile(path)]),
    ) as Record<TemplateFileKey, Uint8Array>;
    cached = parseTemplates(files);
  }
  return cached;
}

export const GM_TEMPLATE_PATH = 'template/gm_template.nii.gz';

export function loadSimulatorAssetsNode(): SimulatorAssets {
  const t = loadPreprocessTemplatesNode();
  return {
    head: t.head,
    brain: t.brain,
    gm: readNifti(publicFile(GM_TEMPLATE_PATH)).volume.data,
    labels: parseAtlasLabels(publicFile(ATLAS_LABELS_PATH)),
  };
}
