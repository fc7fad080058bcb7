/**
 * Page <-> worker messages beyond the analysis itself: model metadata (does it residualize?),
 * importing Keras HDF5 files, and the list of imported models (kept in IndexedDB by the worker).
 */

/** A model converted from a dropped Keras HDF5 file. */
export interface ImportedModelInfo {
  /** "h5:" + file name. */
  id: string;
  /** Shown in the model list: the file name. */
  label: string;
  fileName: string;
  totalParams: number;
  /** Without batch: [D, H, W, C]. */
  inputShape: number[];
  kerasVersion: string | null;
  /** ms since the epoch. */
  importedAt: number;
  /** Set when IndexedDB could not keep it: usable in this tab only ('full': over quota). */
  notSaved?: 'full' | 'unavailable';
}

export interface ModelInfo {
  /** The model's metadata asks for covariate residualization (the paper's "resmodel"). */
  residualize: boolean;
}

export const IMPORTED_PREFIX = 'h5:';

export function importedModelId(fileName: string): string {
  return IMPORTED_PREFIX + fileName;
}

export function isImportedModelId(id: string): boolean {
  return id.startsWith(IMPORTED_PREFIX);
}

// ---- page -> worker ----
export type HabitsRequest =
  | { type: 'model-info'; id: number; modelId: string }
  | { type: 'import-h5'; id: number; fileName: string; bytes: Uint8Array }
  | { type: 'list-imported'; id: number }
  | { type: 'remove-model'; id: number; modelId: string };

// ---- worker -> page ----
export type HabitsResponse =
  | { type: 'model-info'; id: number; info: ModelInfo }
  | { type: 'imported'; id: number; model: ImportedModelInfo }
  | { type: 'imported-list'; id: number; models: ImportedModelInfo[] }
  | { type: 'removed'; id: number };

/** HDF5 files start with \x89HDF\r\n\x1a\n (at offset 0 for every file Keras writes). */
export function isHdf5(bytes: Uint8Array): boolean {
  const magic = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  return bytes.length >= 8 && magic.every((b, i) => bytes[i] === b);
}
