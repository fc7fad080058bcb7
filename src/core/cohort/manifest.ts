/**
 * A CSV manifest instead of a BIDS dataset (pure): one line per scan with the columns
 * path, id, group, age, sex, tiv, field (only path and id are required; optional: session, kind,
 * hippocampal_volume). `kind` is gm-map, raw-t1 or dicom; without it a folder or .zip is DICOM, a
 * CAT12 mwp1* map a gray-matter map, a name ending in _T1w.nii[.gz] a raw T1, any other NIfTI a
 * gray-matter map.
 */
import { InputError } from '../errors';
import { subjectColumns, subjectKey, type CohortSubject, type InputKind } from './subjects';
import { parseTable, textCell } from './tables';

const KINDS: readonly InputKind[] = ['gm-map', 'raw-t1', 'dicom'];

export function guessInputKind(path: string): InputKind | null {
  if (/\.zip$/i.test(path) || /\/$/.test(path) || !/\.[A-Za-z0-9]+$/.test(path.slice(path.lastIndexOf('/') + 1))) return 'dicom';
  // CAT12 keeps the source's name after its prefix (mwp1sub-01_T1w.nii): the prefix decides.
  if (/^mwp1[^/]*\.nii(\.gz)?$/i.test(path.slice(path.lastIndexOf('/') + 1))) return 'gm-map';
  if (/_T1w\.nii(\.gz)?$/i.test(path)) return 'raw-t1';
  if (/\.nii(\.gz)?$/i.test(path)) return 'gm-map';
  if (/\.dcm$/i.test(path)) return 'dicom';
  return null;
}

export function parseManifest(text: string, source: string, participantLabels?: readonly string[]): CohortSubject[] {
  const table = parseTable(text, ',', source);
  for (const col of ['path', 'id']) {
    if (!table.columns.includes(col))
      throw new InputError(`${source} has no "${col}" column; a manifest needs at least path and id (and may give group, age, sex, tiv, field).`);
  }
  const wanted = participantLabels?.map((l) => l.replace(/^sub-/, ''));
  const seen = new Set<string>();
  const subjects: CohortSubject[] = [];
  table.rows.forEach((row, i) => {
    const id = textCell(row.id)?.replace(/^sub-/, '');
    const path = textCell(row.path);
    const line = i + 2;
    if (!id || !/^[A-Za-z0-9]+$/.test(id))
      throw new InputError(`${source} line ${line}: the id "${row.id ?? ''}" must be letters and digits only (it names BIDS output files).`);
    const session = textCell(row.session)?.replace(/^ses-/, '');
    if (session !== undefined && !/^[A-Za-z0-9]+$/.test(session))
      throw new InputError(`${source} line ${line}: the session "${session}" must be letters and digits only.`);
    const key = subjectKey(id, session);
    if (seen.has(key)) throw new InputError(`${source} line ${line}: ${key} is listed twice; give each subject (and session) one line.`);
    seen.add(key);
    if (wanted && !wanted.includes(id)) return;
    const given = textCell(row.kind);
    if (given !== undefined && !KINDS.includes(given as InputKind))
      throw new InputError(`${source} line ${line}: kind must be one of ${KINDS.join(', ')}, not "${given}".`);
    const kind = (given as InputKind | undefined) ?? (path ? guessInputKind(path) : null);
    const base = { id, ...(session ? { session } : {}), key, ...subjectColumns(row) };
    if (!path) subjects.push({ ...base, input: null, problem: `${source} line ${line} gives no path for ${key}` });
    else if (!kind) subjects.push({ ...base, input: null, problem: `${path} is neither a NIfTI (.nii, .nii.gz) nor a DICOM folder or zip; give one of those` });
    else subjects.push({ ...base, input: { kind, path } });
  });
  return subjects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
