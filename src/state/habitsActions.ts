/**
 * Actions of the habits features: covariates, language and theme, imported Keras models,
 * combined analyses (mean of models, difference A - B), help.
 */
import type { Covariates } from '../core/analysis/residualize';
import { DEFAULT_COVARIATES } from '../core/analysis/residualize';
import { isHdf5 } from '../worker/habitsProtocol';
import { MODELS } from '../worker/protocol';
import { analyze, errorMessage, fail, loadFile, worker } from './actions';
import { say } from './texts';
import type { Message } from '../core/messages';
import { openScanFiles } from './scanActions';
import { remember, type CombineSettings, type Lang, type Theme } from './prefs';
import { setView, useStore } from './store';
import { VIEW_OPTIONS } from './viewSettings';

/** Theme on <html>, imported models from IndexedDB, metadata of the chosen model. */
export async function initHabits(): Promise<void> {
  applyTheme(useStore.getState().theme);
  document.documentElement.lang = useStore.getState().lang;
  try {
    const importedModels = await worker().listImported();
    useStore.setState({ importedModels });
  } catch {
    // no stored models (or no IndexedDB): the bundled list stays
  }
  await refreshModelInfo(useStore.getState().modelId);
}

function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
}

export function setLang(lang: Lang): void {
  remember('lang', lang);
  document.documentElement.lang = lang;
  useStore.setState({ lang });
}

export function toggleTheme(): void {
  const theme: Theme = useStore.getState().theme === 'dark' ? 'light' : 'dark';
  remember('theme', theme);
  applyTheme(theme);
  useStore.setState({ theme });
}

export function setHelpOpen(helpOpen: boolean): void {
  useStore.setState({ helpOpen });
}

/** Does the model residualize? Asked once per model (the covariates panel follows it). */
export async function refreshModelInfo(modelId: string): Promise<void> {
  if (useStore.getState().modelInfo[modelId]) return;
  try {
    const info = await worker().modelInfo(modelId);
    useStore.setState((s) => ({ modelInfo: { ...s.modelInfo, [modelId]: info } }));
  } catch {
    useStore.setState((s) => ({ modelInfo: { ...s.modelInfo, [modelId]: { residualize: false } } }));
  }
}

/** New covariates re-run the analysis (results are cached per covariates too). */
export function setCovariates(patch: Partial<Covariates>): Promise<void> {
  const cur = useStore.getState().covariates;
  const next = { ...cur, ...patch };
  if (next.age === cur.age && next.sex === cur.sex && next.tiv === cur.tiv && next.field === cur.field) return Promise.resolve();
  useStore.setState({ covariates: next });
  return analyze();
}

export function resetCovariates(): Promise<void> {
  return setCovariates({ ...DEFAULT_COVARIATES });
}

export function setCombine(patch: Partial<CombineSettings>): Promise<void> {
  useStore.setState((s) => ({ combine: { ...s.combine, ...patch } }));
  return analyze();
}

async function sniffHdf5(file: File): Promise<boolean> {
  return isHdf5(new Uint8Array(await file.slice(0, 8).arrayBuffer()));
}

/**
 * Dropped or picked files: HDF5 models (by their magic bytes) are imported; one NIfTI file is read
 * as before; anything else (DICOM files or folders, zips, several scans) goes to readScan, which
 * says what it used and what it ignored.
 */
export async function openFiles(files: File[]): Promise<void> {
  const models: File[] = [];
  const scans: File[] = [];
  for (const f of files) ((await sniffHdf5(f)) || /\.(h5|hdf5|keras)$/i.test(f.name) ? models : scans).push(f);
  let imported: string | null = null;
  const notices: Message[] = [];
  for (const f of models) imported = (await importModelFile(f, notices)) ?? imported;
  if (imported) {
    useStore.setState({ modelId: imported });
    void refreshModelInfo(imported);
  }
  if (scans.length === 1 && /\.nii(\.gz)?$/i.test(scans[0]!.name)) await loadFile(scans[0]!);
  else if (scans.length > 0) await openScanFiles(scans);
  else if (imported) await analyze();
  // "Works, but not kept": shown once the analysis is through (after its error, if any).
  if (notices.length) useStore.setState((s) => (s.error ? { errorNotes: notices } : { error: notices[0]!, errorNotes: notices.slice(1) }));
}

/** Bigger than any model this viewer can run (the paper's files are tens of MB). */
const MAX_MODEL_BYTES = 512 * 2 ** 20;

/**
 * Converts one Keras HDF5 file in the worker; returns its model id, or null after showing the
 * error. A model that IndexedDB could not keep adds a sentence to `notices`.
 */
export async function importModelFile(file: File, notices: Message[] = []): Promise<string | null> {
  const name = file.name;
  if (file.size > MAX_MODEL_BYTES) {
    fail(say('state.modelTooLarge', { name, mb: Math.round(file.size / 2 ** 20) }));
    return null;
  }
  const { modelId, method } = useStore.getState();
  useStore.setState({
    status: 'loading',
    error: null,
    job: { kind: 'importing', name, modelId, method, startedAt: Date.now() },
    progress: { stage: 'reading', fraction: 0 },
  });
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const info = await worker().importH5(name, bytes, (p) => useStore.setState({ progress: p }));
    useStore.setState((s) => ({
      importedModels: [...s.importedModels.filter((m) => m.id !== info.id), info],
      modelInfo: { ...s.modelInfo, [info.id]: { residualize: false } },
      status: s.output ? 'done' : 'idle',
      progress: null,
      job: null,
    }));
    if (info.notSaved) notices.push(say(info.notSaved === 'full' ? 'state.notSavedFull' : 'state.notSavedUnavailable', { name }));
    return info.id;
  } catch (e) {
    fail(errorMessage(e));
    return null;
  }
}

export async function removeImportedModel(id: string): Promise<void> {
  await worker()
    .removeModel(id)
    .catch(() => undefined);
  const s = useStore.getState();
  const fallback = MODELS[0]!.id;
  useStore.setState({
    importedModels: s.importedModels.filter((m) => m.id !== id),
    combine: {
      ...s.combine,
      averageIds: s.combine.averageIds.filter((m) => m !== id),
      compareModelId: s.combine.compareModelId === id ? fallback : s.combine.compareModelId,
    },
  });
  if (s.modelId === id) {
    useStore.setState({ modelId: fallback });
    await analyze();
  }
}

// ---- keyboard shortcuts (the hook in ui/ maps keys to these) ----

export function toggleOverlay(): void {
  setView({ hideOverlay: !useStore.getState().view.hideOverlay });
}

/** Threshold step of the t / T keys. */
export const THRESHOLD_STEP = 0.05;

export function nudgeThreshold(direction: 1 | -1): void {
  const { min, max } = VIEW_OPTIONS.threshold;
  const t = useStore.getState().view.threshold + direction * THRESHOLD_STEP;
  setView({ threshold: Math.round(Math.max(min, Math.min(max, t)) * 100) / 100 });
}
