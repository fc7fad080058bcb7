/**
 * Writes the raw-T1 stage's tissue maps on the 3 mm level of the CAT12 grid (61 x 73 x 61, uint8,
 * scl_slope 1/255), all derived from Colin27 (mricron-data, BSD-3-clause) assets already committed:
 *   public/template/tissue3mm_gm.nii.gz   GM fraction: public/template/gm_template.nii.gz (ch2bet, GMM+PV), halved
 *   public/template/tissue3mm_wm.nii.gz   WM fraction: the rest of a ch2bet voxel brighter than the GM mean
 *   public/template/tissue3mm_csf.nii.gz  CSF fraction: the rest of a ch2bet voxel darker than the GM mean
 *   public/template/tissue3mm_head.nii.gz non-brain head tissue (scalp, skull, muscle): filled head mask of
 *                                         ch2 (colin27_t1) minus the brain
 * The stage blurs these into its spatial priors at run time and registers to the sharp GM/WM maps.
 * Run: npm run make:tissue-maps
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readNifti, writeNifti } from '../src/core/nifti';
import { gaussianSmooth } from '../src/core/analysis/smooth';
import { halve, levelGrid } from '../src/core/preprocess/grid';
import { fillFromOutside } from '../src/core/preprocess/morphology';
import { fitGmm3 } from '../src/training/gmTemplate';
import { CAT12_GRID } from '../src/core/volume/grid';

const read = (name: string) => readNifti(readFileSync(`public/template/${name}`)).volume.data;
const t1 = read('colin27_t1.nii.gz');
const bet = read('colin27_brain.nii.gz');
const gm = read('gm_template.nii.gz');
const n = t1.length;
const fit = fitGmm3(bet);
const gmMean = fit.means[1];

const wm = new Float32Array(n),
  csf = new Float32Array(n),
  head = new Float32Array(n);
const brain = new Float32Array(n);
for (let v = 0; v < n; v++) {
  if (bet[v]! <= 0) continue;
  brain[v] = 1;
  const rest = Math.max(0, 1 - gm[v]!);
  if (bet[v]! >= gmMean) wm[v] = rest;
  else csf[v] = rest;
}
// Head: ch2 smoothed a little, above the air level (air < 10, scalp/skull/brain > 20), holes filled.
const smoothT1 = gaussianSmooth(t1, CAT12_GRID.dims, 1);
const inHead = new Uint8Array(n);
for (let v = 0; v < n; v++) inHead[v] = smoothT1[v]! > 15 ? 1 : 0;
const filled = fillFromOutside(inHead, CAT12_GRID.dims);
for (let v = 0; v < n; v++) head[v] = filled[v] ? Math.max(0, 1 - Math.min(1, gm[v]! + wm[v]! + csf[v]!)) * (brain[v] ? 0 : 1) : 0;
// Brain voxels whose GM fraction left no rest, and the thin shell ch2bet cut away: nothing else to fix.

const grid3 = levelGrid(1);
for (const [name, data] of [
  ['gm', gm],
  ['wm', wm],
  ['csf', csf],
  ['head', head],
] as const) {
  const h = halve(data, CAT12_GRID.dims);
  const bytes = writeNifti(
    { dims: h.dims, data: h.data, affine: grid3.affine },
    {
      datatype: 'uint8',
      gzip: true,
      sclSlope: 1 / 255,
      sclInter: 0,
      description: `Colin27 ${name} fraction, 3 mm, relevance-viewer`,
    },
  );
  writeFileSync(`public/template/tissue3mm_${name}.nii.gz`, bytes);
  let sum = 0;
  for (const x of h.data) sum += x;
  console.log(`${name}: ${((sum * 27) / 1000).toFixed(0)} ml, ${bytes.length} bytes`);
}
console.log(`ch2bet GMM means ${fit.means.map((m) => m.toFixed(1)).join(' ')}`);
