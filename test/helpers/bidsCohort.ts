/**
 * A small BIDS dataset of synthetic subjects (the `synth` generator's CAT12-like GM maps), laid out
 * as a CAT12 derivative: derivatives/cat12/sub-XX/anat/mwp1sub-XX_T1w.nii.gz plus participants.tsv.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNifti } from '../../src/core/nifti';
import { CAT12_GRID } from '../../src/core/volume/grid';
import { loadSynthContext } from '../../src/training/node/assets';
import { GM_SLOPE } from '../../src/training/node/cohortFiles';
import { groupOf, synthSubject, type SubjectMeta } from '../../src/training/synth';

export function makeBidsCohort(root: string, n: number, seed = 7): SubjectMeta[] {
  const ctx = loadSynthContext();
  const metas: SubjectMeta[] = [];
  mkdirSync(root, { recursive: true });
  for (let i = 0; i < n; i++) {
    const label = String(i + 1).padStart(2, '0');
    const s = synthSubject(ctx, seed, i, groupOf(i), `sub-${label}`);
    const dir = join(root, 'derivatives', 'cat12', `sub-${label}`, 'anat');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, `mwp1sub-${label}_T1w.nii.gz`),
      writeNifti(
        { dims: CAT12_GRID.dims, affine: Array.from(CAT12_GRID.affine), data: s.gm },
        { datatype: 'uint8', gzip: true, sclSlope: GM_SLOPE, sclInter: 0, description: 'synthetic mwp1' },
      ),
    );
    metas.push(s.meta);
  }
  writeFileSync(
    join(root, 'participants.tsv'),
    ['participant_id\tage\tsex\tgroup\ttiv\tfield', ...metas.map((m) => `${m.id}\t${m.age}\t${m.sex}\t${m.group}\t${m.tiv}\t${m.field}`)].join('\n') + '\n',
  );
  writeFileSync(join(root, 'dataset_description.json'), JSON.stringify({ Name: 'synthetic test cohort', BIDSVersion: '1.9.0' }) + '\n');
  return metas;
}
