/** Node-only: load the GM template and AAL atlas from public/ and build the generator context. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNifti } from '../../core/nifti';
import type { Volume } from '../../core/volume/types';
import { makeSynthContext, type SynthContext } from '../synth';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function readVolume(path: string): Volume<Float32Array> {
  return readNifti(readFileSync(path)).volume;
}

export function loadAal(): Volume<Float32Array> {
  return readVolume(join(REPO_ROOT, 'public', 'atlas', 'aal.nii.gz'));
}

let cached: SynthContext | null = null;
export function loadSynthContext(): SynthContext {
  if (cached) return cached;
  const t = readVolume(join(REPO_ROOT, 'public', 'template', 'gm_template.nii.gz'));
  cached = makeSynthContext(t.data, loadAal().data, t.dims);
  return cached;
}
