/**
 * Writes public/template/gm_template.nii.gz (uint8, scl_slope 1/255) from
 * public/template/colin27_brain.nii.gz (Colin27 ch2bet on the CAT12 grid). Run: npm run make:gm-template
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readNifti, writeNifti } from '../src/core/nifti';
import { gmTemplateFromT1 } from '../src/training/gmTemplate';

const src = readNifti(readFileSync('public/template/colin27_brain.nii.gz'));
const t0 = Date.now();
const { gm, fit } = gmTemplateFromT1(src.volume.data, src.volume.dims);
const bytes = writeNifti(
  { dims: src.volume.dims, data: gm, affine: src.volume.affine },
  {
    datatype: 'uint8',
    gzip: true,
    sclSlope: 1 / 255,
    sclInter: 0,
    description: 'GM map of Colin27 ch2bet (GMM+PV), relevance-viewer',
  },
);
writeFileSync('public/template/gm_template.nii.gz', bytes);
let sum = 0;
for (const v of gm) sum += v;
console.log(
  `GMM means ${fit.means.map((m) => m.toFixed(1)).join(' ')} sds ${fit.sds.map((m) => m.toFixed(1)).join(' ')} weights ${fit.weights.map((m) => m.toFixed(2)).join(' ')} (${fit.iterations} it)`,
);
console.log(`GM volume ${((sum * 3.375) / 1000).toFixed(0)} cm3, ${bytes.length} bytes, ${Date.now() - t0} ms`);
