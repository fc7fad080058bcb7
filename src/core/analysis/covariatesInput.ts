/**
 * Covariates as people write them: the sex codes of demo indexes and spreadsheets, and a CSV of
 * many scans (columns id, age, sex, tiv, field; id = the scan's file name without extension).
 * Missing values take the defaults of DEFAULT_COVARIATES, as the page's covariate form does.
 */
import { InputError } from '../errors';
import { DEFAULT_COVARIATES, type Covariates } from './residualize';

/** Sex codes ("F", "M", 1, 0, ...) -> 1 female, 0 male, 0.5 unknown. */
export function sexCode(sex: string | number | undefined): number {
  if (sex === 1 || sex === 0 || sex === 0.5) return sex;
  const s = String(sex ?? '')
    .trim()
    .toLowerCase();
  if (s === 'f' || s === 'female' || s === 'w' || s === '1') return 1;
  if (s === 'm' || s === 'male' || s === '0') return 0;
  return 0.5;
}

type Fields = Partial<Record<'age' | 'sex' | 'tiv' | 'field', string>>;

function numberField(name: string, text: string | undefined, fallback: number, where: string): number {
  if (text === undefined || text.trim() === '') return fallback;
  const v = Number(text);
  if (!Number.isFinite(v)) throw new InputError(`${where}: ${name} must be a number, not "${text}".`);
  return v;
}

/** Covariates from text fields; absent ones take the defaults. */
export function covariatesFromFields(f: Fields, where = 'covariates'): Covariates {
  return {
    age: numberField('age', f.age, DEFAULT_COVARIATES.age, where),
    sex: f.sex === undefined || f.sex.trim() === '' ? DEFAULT_COVARIATES.sex : sexCode(f.sex),
    tiv: numberField('tiv', f.tiv, DEFAULT_COVARIATES.tiv, where),
    field: numberField('field', f.field, DEFAULT_COVARIATES.field, where),
  };
}

/** A covariates CSV: header with id and any of age, sex, tiv, field; one row per scan. */
export function parseCovariatesCsv(text: string, fileName = 'covariates.csv'): Map<string, Covariates> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new InputError(`${fileName} is empty; give a header "id,age,sex,tiv,field" and one row per scan.`);
  const header = lines[0]!.split(',').map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  if (col('id') < 0) throw new InputError(`${fileName} has no "id" column; the header must be "id,age,sex,tiv,field".`);
  const out = new Map<string, Covariates>();
  for (let n = 1; n < lines.length; n++) {
    const cells = lines[n]!.split(',').map((c) => c.trim());
    const id = cells[col('id')] ?? '';
    if (!id) throw new InputError(`${fileName} line ${n + 1} has no id.`);
    if (out.has(id)) throw new InputError(`${fileName} lists "${id}" twice (lines with the same id); keep one.`);
    const get = (name: 'age' | 'sex' | 'tiv' | 'field') => (col(name) >= 0 ? cells[col(name)] : undefined);
    out.set(id, covariatesFromFields({ age: get('age'), sex: get('sex'), tiv: get('tiv'), field: get('field') }, `${fileName} line ${n + 1}`));
  }
  return out;
}
