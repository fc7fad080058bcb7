/**
 * Writes public/demo/: 9 synthetic mwp1-like GM maps (3 CN, 3 MCI, 3 AD; uint8 gz on the CAT12
 * grid, seed 3000, not used in training) and index.json = [{id, file, group, age, sex, tiv, field}].
 * Run: npx tsx scripts/make-demo-cases.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNifti } from '../src/core/nifti';
import { CAT12_GRID } from '../src/core/volume/grid';
import { loadSynthContext, REPO_ROOT } from '../src/training/node/assets';
import { GM_SLOPE } from '../src/training/node/cohortFiles';
import { groupOf, synthSubject } from '../src/training/synth';

const DEMO_SEED = 3000;
const dir = join(REPO_ROOT, 'public', 'demo');
mkdirSync(dir, { recursive: true });
const ctx = loadSynthContext();
const index: object[] = [];
for (let i = 0; i < 9; i++) {
  const group = groupOf(i);
  const s = synthSubject(ctx, DEMO_SEED, i, group, `demo-${String(i + 1).padStart(2, '0')}-${group}`);
  const file = `${s.meta.id}.nii.gz`;
  const bytes = writeNifti(
    { dims: CAT12_GRID.dims, affine: Array.from(CAT12_GRID.affine), data: s.gm },
    {
      datatype: 'uint8',
      gzip: true,
      sclSlope: GM_SLOPE,
      sclInter: 0,
      description: `synthetic mwp1 ${group}; demo, not a patient`,
    },
  );
  writeFileSync(join(dir, file), bytes);
  index.push({ id: s.meta.id, file, group, age: s.meta.age, sex: s.meta.sex, tiv: s.meta.tiv, field: s.meta.field });
  console.log(file, bytes.length, 'bytes', JSON.stringify(s.meta));
}
writeFileSync(join(dir, 'index.json'), JSON.stringify(index, null, 1) + '\n');
