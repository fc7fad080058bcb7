/**
 * Finds each subject's input in a BIDS dataset from its file list (pure; the host walks the disk).
 *
 * Per subject and session, in order of preference:
 *   1. a CAT12 gray-matter map: derivatives/cat12* /.../mwp1<source name>.nii[.gz] (CAT12 writes
 *      them under mri/ or, BIDS-style, anat/; the subject and session come from the file name);
 *   2. a raw T1: sub-<id>/[ses-<s>/]anat/sub-<id>[_ses-<s>]_..._T1w.nii[.gz] (the first in name order);
 *   3. a DICOM folder: sourcedata/sub-<id>/[ses-<s>/] or sub-<id>/[ses-<s>/]dicom/.
 * Subjects listed in participants.tsv with none of these are kept with the reason, so the run
 * records them as failed instead of silently dropping them.
 */
import { participantsById, subjectKey, type CohortSubject, type InputKind, type SubjectInput } from './subjects';
import type { Table } from './tables';

const LABEL = '[A-Za-z0-9]+';
const GM_MAP = new RegExp(`^derivatives/cat12[^/]*/(?:[^/]+/)*mwp1[^/]*\\.nii(?:\\.gz)?$`);
const RAW_T1 = new RegExp(`^sub-(${LABEL})/(?:ses-(${LABEL})/)?anat/(sub-${LABEL}[^/]*_T1w\\.nii(?:\\.gz)?)$`);
const DICOM_DIR = new RegExp(`^(?:sourcedata/sub-(${LABEL})/(?:ses-(${LABEL})/)?|sub-(${LABEL})/(?:ses-(${LABEL})/)?dicom/)`);

const PREFERENCE: readonly InputKind[] = ['gm-map', 'raw-t1', 'dicom'];

interface Found {
  id: string;
  session?: string;
  input: SubjectInput;
}

/** sub-/ses- entities of a BIDS file name ("mwp1sub-01_ses-02_T1w.nii" -> 01, 02). */
function entitiesOf(name: string): { id?: string; session?: string } {
  const id = new RegExp(`sub-(${LABEL})`).exec(name)?.[1];
  const session = new RegExp(`_ses-(${LABEL})`).exec(name)?.[1];
  return { ...(id ? { id } : {}), ...(session ? { session } : {}) };
}

function classify(path: string): Found | null {
  if (GM_MAP.test(path)) {
    const { id, session } = entitiesOf(path.slice(path.lastIndexOf('/') + 1));
    return id ? { id, ...(session ? { session } : {}), input: { kind: 'gm-map', path } } : null;
  }
  const raw = RAW_T1.exec(path);
  if (raw) {
    const [, id, session, name] = raw;
    // The file name must carry the folder's entities (sub-01/anat/sub-02_T1w.nii is not subject 01's).
    const e = entitiesOf(name!);
    if (e.id !== id || e.session !== session) return null;
    return { id: id!, ...(session ? { session } : {}), input: { kind: 'raw-t1', path } };
  }
  const dicom = DICOM_DIR.exec(path);
  if (dicom) {
    const id = dicom[1] ?? dicom[3],
      session = dicom[2] ?? dicom[4];
    return { id: id!, ...(session ? { session } : {}), input: { kind: 'dicom', path: dicom[0].replace(/\/$/, '') } };
  }
  return null;
}

export interface DiscoveryOptions {
  /** Only these participant labels ("01" or "sub-01"). */
  participantLabels?: readonly string[];
}

/** Subjects (one per subject and session), sorted by key; `files` are paths relative to the dataset root with "/" separators. */
export function discoverBidsSubjects(files: readonly string[], participants: Table | undefined, options: DiscoveryOptions = {}): CohortSubject[] {
  const best = new Map<string, Found>();
  for (const path of [...files].sort()) {
    const f = classify(path);
    if (!f) continue;
    const key = subjectKey(f.id, f.session);
    const held = best.get(key);
    if (!held || PREFERENCE.indexOf(f.input.kind) < PREFERENCE.indexOf(held.input.kind)) best.set(key, f);
  }
  const table = participantsById(participants);
  const wanted = options.participantLabels?.map((l) => l.replace(/^sub-/, ''));
  const subjects: CohortSubject[] = [];
  for (const [key, f] of best) {
    const columns = table.get(f.id) ?? { covariates: {} };
    subjects.push({ id: f.id, ...(f.session ? { session: f.session } : {}), key, input: f.input, ...columns });
  }
  const withInput = new Set(subjects.map((s) => s.id));
  for (const [id, columns] of table) {
    if (withInput.has(id)) continue;
    subjects.push({
      id,
      key: subjectKey(id),
      input: null,
      ...columns,
      problem: `no input found for sub-${id} (looked for derivatives/cat12*/**/mwp1*.nii[.gz], sub-${id}/[ses-*/]anat/*_T1w.nii[.gz] and a DICOM folder under sourcedata/sub-${id}/)`,
    });
  }
  return subjects.filter((s) => !wanted || wanted.includes(s.id)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
