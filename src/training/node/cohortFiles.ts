/** Node-only: write and read a synthetic cohort folder (NIfTI maps + cohort.csv). */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNifti } from '../../core/nifti';
import { CAT12_GRID } from '../../core/volume/grid';
import type { Group, Subject, SubjectMeta } from '../synth';
import { InputError } from '../../core/errors';

import { GM_SLOPE } from '../cohortData';

export { GM_SLOPE };

export const CSV_HEADER = 'id,group,age,sex,tiv,field,severity,asymmetry,hippocampal_gm_cm3,file,atrophy_file';

export function writeSubject(dir: string, s: Subject, datatype: 'uint8' | 'float32' = 'uint8'): { file: string; atrophyFile: string } {
  mkdirSync(dir, { recursive: true });
  const file = `${s.meta.id}.nii.gz`,
    atrophyFile = `${s.meta.id}_atrophy.nii.gz`;
  const geom = { dims: CAT12_GRID.dims, affine: Array.from(CAT12_GRID.affine) } as const;
  writeFileSync(
    join(dir, file),
    writeNifti(
      { ...geom, data: s.gm },
      datatype === 'uint8'
        ? { datatype, gzip: true, sclSlope: GM_SLOPE, sclInter: 0, description: `synthetic mwp1 ${s.meta.group} (relevance-viewer demo)` }
        : { datatype, gzip: true, description: `synthetic mwp1 ${s.meta.group} (relevance-viewer demo)` },
    ),
  );
  writeFileSync(
    join(dir, atrophyFile),
    writeNifti(
      { ...geom, data: s.atrophy },
      {
        datatype: 'uint8',
        gzip: true,
        sclSlope: 1 / 255,
        sclInter: 0,
        description: 'ground truth: fraction of GM removed',
      },
    ),
  );
  return { file, atrophyFile };
}

export function csvRow(m: SubjectMeta, file: string, atrophyFile: string): string {
  return [m.id, m.group, m.age, m.sex, m.tiv, m.field, m.severity.toFixed(4), m.asymmetry.toFixed(4), m.hippocampalGm.toFixed(4), file, atrophyFile].join(',');
}

export function writeCsv(dir: string, rows: string[]): void {
  writeFileSync(join(dir, 'cohort.csv'), [CSV_HEADER, ...rows].join('\n') + '\n');
}

export interface CohortEntry extends SubjectMeta {
  file: string;
  atrophyFile: string;
}

export function readCohortCsv(dir: string): CohortEntry[] {
  let text: string;
  try {
    text = readFileSync(join(dir, 'cohort.csv'), 'utf8');
  } catch {
    throw new InputError(`No cohort.csv in ${dir}; create a cohort with the synth command first.`);
  }
  const [head, ...lines] = text.trim().split('\n');
  const cols = head!.split(',');
  const at = (name: string) => cols.indexOf(name);
  return lines.map((l) => {
    const f = l.split(',');
    return {
      id: f[at('id')]!,
      group: f[at('group')] as Group,
      age: Number(f[at('age')]),
      sex: f[at('sex')] as 'F' | 'M',
      tiv: Number(f[at('tiv')]),
      field: Number(f[at('field')]) as 1.5 | 3,
      severity: Number(f[at('severity')]),
      asymmetry: Number(f[at('asymmetry')]),
      hippocampalGm: Number(f[at('hippocampal_gm_cm3')]),
      file: f[at('file')]!,
      atrophyFile: f[at('atrophy_file')]!,
    };
  });
}
