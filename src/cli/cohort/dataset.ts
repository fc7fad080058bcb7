/** The subjects of a batch run, read from a BIDS dataset folder or a CSV manifest on disk. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { discoverBidsSubjects } from '../../core/cohort/discovery';
import { parseManifest } from '../../core/cohort/manifest';
import type { CohortSubject } from '../../core/cohort/subjects';
import { parseTable } from '../../core/cohort/tables';
import { InputError } from '../../core/errors';
import { listBidsFiles } from './fsio';

export interface Dataset {
  kind: 'bids' | 'manifest';
  /** Absolute: the BIDS root or the manifest's folder (manifest paths are relative to it). */
  root: string;
  /** For SourceDatasets. */
  name: string;
  /** Absolute path of what was given: the BIDS root or the manifest file. */
  source: string;
  subjects: CohortSubject[];
}

export function readDataset(source: string, participantLabels?: readonly string[]): Dataset {
  let isDir: boolean;
  try {
    isDir = statSync(source).isDirectory();
  } catch {
    throw new InputError(`Cannot open ${source}; give a BIDS dataset folder or a manifest .csv.`);
  }
  const labels = participantLabels?.length ? participantLabels : undefined;
  if (!isDir) {
    if (!/\.csv$/i.test(source)) throw new InputError(`${source} is a file but not a .csv manifest; give a BIDS dataset folder or a manifest .csv.`);
    const root = dirname(resolve(source));
    const subjects = parseManifest(readFileSync(source, 'utf8'), basename(source), labels);
    if (!subjects.length) throw new InputError(`${source} lists no subjects${labels ? ' with the labels given' : ''}; add one line per scan under the header.`);
    return { kind: 'manifest', root, name: basename(source), source: resolve(source), subjects };
  }
  const root = resolve(source);
  const tsv = join(root, 'participants.tsv');
  const participants = existsSync(tsv) ? parseTable(readFileSync(tsv, 'utf8'), '\t', 'participants.tsv') : undefined;
  let name = basename(root);
  try {
    name = String((JSON.parse(readFileSync(join(root, 'dataset_description.json'), 'utf8')) as { Name?: unknown }).Name ?? name);
  } catch {
    // No or unreadable dataset_description.json: the folder's name stands for the dataset.
  }
  const subjects = discoverBidsSubjects(listBidsFiles(root), participants, labels ? { participantLabels: labels } : {});
  if (!subjects.length) {
    throw new InputError(`No subjects found in ${source}: expected sub-*/anat/*_T1w.nii[.gz], derivatives/cat12*/**/mwp1*.nii[.gz] or a participants.tsv.`);
  }
  return { kind: 'bids', root, name, source: root, subjects };
}

/** Absolute path of a subject's input. */
export function inputPath(dataset: Dataset, path: string): string {
  return isAbsolute(path) ? path : join(dataset.root, path);
}
