/**
 * What a batch run knows about each subject before it runs (pure): where its input is, what kind
 * of input that is, and its covariates. Built from a BIDS dataset's file list (discovery.ts) or a
 * CSV manifest (manifest.ts); both give the same records.
 */
import type { Covariates } from '../analysis/residualize';
import { numberCell, textCell, type Table } from './tables';

/** gm-map: a CAT12 mwp1 map (the model's input); raw-t1: a T1-weighted scan; dicom: a DICOM folder or zip. */
export type InputKind = 'gm-map' | 'raw-t1' | 'dicom';

export interface SubjectInput {
  kind: InputKind;
  /** Relative to the dataset root (BIDS) or as written in the manifest. */
  path: string;
}

export interface CohortSubject {
  /** The participant label without "sub-" (BIDS), or the manifest's id. */
  id: string;
  session?: string;
  /** sub-<id>[_ses-<session>]: names the subject's output files. */
  key: string;
  /** null: nothing usable was found; `problem` says what was looked for. */
  input: SubjectInput | null;
  problem?: string;
  group?: string;
  /** Covariates as given (any may be missing); TIV in cm3, sex 1 female / 0 male. */
  covariates: Partial<Covariates>;
  /** Hippocampal volume (cm3) given with the subject; otherwise the group level measures it on the GM map. */
  hippocampalVolume?: number;
}

export function subjectKey(id: string, session?: string): string {
  return `sub-${id}${session ? `_ses-${session}` : ''}`;
}

/** BIDS participants.tsv and manifests write sex as M/F, male/female (any case), or 0/1 as the model's covariate. */
export function sexCovariate(value: string | undefined): number | undefined {
  const v = textCell(value)?.toLowerCase();
  if (v === undefined) return undefined;
  if (v === 'f' || v === 'female' || v === 'w' || v === '1') return 1;
  if (v === 'm' || v === 'male' || v === '0') return 0;
  return undefined;
}

/** Demographic columns shared by participants.tsv and manifests: age, sex, group, tiv, field, hippocampal_volume. */
export interface SubjectColumns {
  group?: string;
  covariates: Partial<Covariates>;
  hippocampalVolume?: number;
}

export function subjectColumns(row: Record<string, string>): SubjectColumns {
  const covariates: Partial<Covariates> = {};
  const age = numberCell(row.age),
    sex = sexCovariate(row.sex),
    tiv = numberCell(row.tiv),
    field = numberCell(row.field ?? row.field_strength);
  if (age !== undefined) covariates.age = age;
  if (sex !== undefined) covariates.sex = sex;
  if (tiv !== undefined) covariates.tiv = tiv;
  if (field !== undefined) covariates.field = field;
  const group = textCell(row.group ?? row.diagnosis ?? row.dx);
  const hippocampalVolume = numberCell(row.hippocampal_volume);
  return { covariates, ...(group ? { group } : {}), ...(hippocampalVolume !== undefined ? { hippocampalVolume } : {}) };
}

/** participants.tsv rows by participant label (without "sub-"). */
export function participantsById(table: Table | undefined): Map<string, SubjectColumns> {
  const out = new Map<string, SubjectColumns>();
  for (const row of table?.rows ?? []) {
    const id = textCell(row.participant_id)?.replace(/^sub-/, '');
    if (id) out.set(id, subjectColumns(row));
  }
  return out;
}
