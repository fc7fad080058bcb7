/** The raw-T1 stage's templates, read from the repository's public/ folder. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTemplates, PREPROCESS_TEMPLATE_FILES, type PreprocessTemplates, type TemplateFileKey } from '../core/preprocess/templates';
import { REPO_ROOT } from './repoRoot';

const publicFile = (path: string) => new Uint8Array(readFileSync(join(REPO_ROOT, 'public', path)));

let cached: PreprocessTemplates | undefined;
export function loadPreprocessTemplatesNode(): PreprocessTemplates {
  if (!cached) {
    const files = Object.fromEntries(Object.entries(PREPROCESS_TEMPLATE_FILES).map(([key, path]) => [key, publicFile(path)])) as Record<
      TemplateFileKey,
      Uint8Array
    >;
    cached = parseTemplates(files);
  }
  return cached;
}
