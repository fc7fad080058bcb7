/**
 * Opening what is not a single NIfTI file — a DICOM folder, many files, a zip — and choosing
 * another DICOM series: the worker reads them (readScan), the page keeps the series list and the
 * notices (what was used, what was ignored and why), and the chosen volume is analysed like any scan.
 */
import type { ReadScanResult } from '../worker/scanReadProtocol';
import { AnalysisError } from '../worker/client';
import { message } from '../core/messages';
import { analyze, fail, hashBytes, worker } from './actions';
import { useStore } from './store';

/** More than this together is not one scan (a whole PACS export, say); refused before reading. */
const MAX_TOTAL_BYTES = 2 * 1024 ** 3;

export async function openScanFiles(files: File[]): Promise<void> {
  const total = files.reduce((n, f) => n + f.size, 0);
  if (total > MAX_TOTAL_BYTES) {
    // state/ does not translate (imports point ui -> state); the key is there for when errors become Messages.
    const mb = (total / 2 ** 20).toFixed(0);
    return fail(message('error.filesTooLarge', `The dropped files are ${mb} MB together, too much for one scan; drop the folder of one series.`, { mb }).text);
  }
  // What the previous drop found no longer applies; the scan on screen stays until the new one has a result.
  useStore.setState({
    scanRead: null,
    status: 'loading',
    error: null,
    progress: { stage: 'reading', fraction: 0 }, // the page names the stage in its language
  });
  let scanFiles;
  try {
    scanFiles = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
  } catch (e) {
    return fail(e instanceof Error ? e.message : `Could not read "${files[0]?.name ?? ''}"; try again.`);
  }
  await readInWorker(scanFiles, undefined);
}

/** Reads another series of the files last opened (the worker still has them). */
export async function chooseSeries(id: string): Promise<void> {
  if (useStore.getState().scanRead?.dicom?.chosen === id) return;
  useStore.setState({ status: 'loading', error: null, progress: { stage: 'reading', fraction: 0 } });
  await readInWorker(undefined, id);
}

async function readInWorker(files: { name: string; bytes: Uint8Array }[] | undefined, series: string | undefined): Promise<void> {
  let result: ReadScanResult;
  try {
    // The worker's substage ("parsing", "decoding") is not shown: the page names the stage itself.
    result = await worker().readScan(files, series, (p) => useStore.setState({ progress: { stage: p.stage, fraction: p.fraction } }));
  } catch (e) {
    // A DICOM set that cannot be analysed still shows its series, so that another can be picked.
    if (e instanceof AnalysisError && e.series) {
      useStore.setState((s) => ({ scanRead: { notices: [], dicom: { series: e.series!, chosen: null, patient: s.scanRead?.dicom?.patient ?? null } } }));
    }
    return fail(e instanceof Error ? e.message : String(e));
  }
  useStore.setState({
    scanRead: {
      notices: result.notices,
      dicom: result.dicom ? { series: result.dicom.series, chosen: result.dicom.chosen, patient: result.dicom.patient } : null,
    },
  });
  const bytes = result.niftiBytes;
  await analyze({ name: result.name, hash: await hashBytes(bytes), bytes, source: result.format === 'dicom' ? 'dicom' : 'file' });
}
