/**
 * Shared inputs of the raw-T1 stage tests: the templates and simulator assets (committed files under
 * public/), Colin27 (ch2) as a volume on the grid, and images that must be refused or flagged.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPreprocessTemplatesNode } from '../../src/cli/preprocessAssetsNode';
import { loadSimulatorAssetsNode } from '../../src/training/node/rawT1Assets';
import { REPO_ROOT } from '../../src/cli/repoRoot';
import { readNifti } from '../../src/core/nifti';
import { CAT12_GRID } from '../../src/core/volume/grid';
import type { Volume } from '../../src/core/volume/types';

export const templates = loadPreprocessTemplatesNode();
export const simAssets = loadSimulatorAssetsNode();

export const onGrid = (data: Float32Array): Volume<Float32Array> => ({ dims: CAT12_GRID.dims, affine: Array.from(CAT12_GRID.affine), data });

/** public/template/colin27_t1.nii.gz: Debian's ch2.nii.gz (whole head) on the grid, read as a file. */
export const ch2Bytes = new Uint8Array(readFileSync(join(REPO_ROOT, 'public/template/colin27_t1.nii.gz')));
export const ch2betBytes = new Uint8Array(readFileSync(join(REPO_ROOT, 'public/template/colin27_brain.nii.gz')));
export const ch2 = readNifti(ch2Bytes);

/** T2-like: ch2's head contrast inverted (CSF bright, WM dark), air kept dark. */
export function t2Like(): Volume<Float32Array> {
  const h = templates.head;
  return onGrid(h.map((x) => (x > 15 ? 280 - x : x)));
}

/** CT-like: brain and soft tissue alike (about 40 HU + noise), the skull (dark in T1) very bright, air 0. */
export function ctLike(): Volume<Float32Array> {
  const h = templates.head,
    brain = templates.brain;
  let seed = 1;
  const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 6;
  return onGrid(h.map((x, v) => (brain[v]! > 0 ? 40 + noise() : x < 12 ? 0 : x < 45 ? 1000 : 45 + noise())));
}

/** A head cut in half: ch2 above z = 10 mm only (a slab that misses the lower brain). */
export function headCutInHalf(): Volume<Float32Array> {
  const [nx, ny] = CAT12_GRID.dims;
  const kCut = Math.round((10 + 72) / 1.5);
  return onGrid(templates.head.map((x, v) => (Math.floor(v / (nx * ny)) < kCut ? 0 : x)));
}
