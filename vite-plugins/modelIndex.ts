/**
 * models/index.json from the folders of models/ (each with a model.json), for the build, the dev
 * server and the service worker's file lists: the page then lists exactly what is deployed.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { familiesOf, modelIndexFromFolders, parseModelIndex, type ModelIndex } from '../src/core/model/modelIndex';

export function modelIndexOf(modelsDir: string): ModelIndex {
  const folders = existsSync(modelsDir) ? readdirSync(modelsDir).filter((d) => existsSync(join(modelsDir, d, 'model.json'))) : [];
  return modelIndexFromFolders(folders);
}

export function modelIndexJson(modelsDir: string): string {
  return `${JSON.stringify(modelIndexOf(modelsDir), null, 2)}\n`;
}

/**
 * The folders of cross-validation family members: their files are cached by the service worker on
 * first use only, so a visit fetches a fold's weights only when the person chooses it.
 */
export function familyMemberFolders(modelsDir: string): string[] {
  return familiesOf(parseModelIndex(modelIndexOf(modelsDir))).flatMap((f) => [...(f.whole ? [f.whole] : []), ...f.folds].map((m) => m.id));
}
