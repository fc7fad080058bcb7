/**
 * Keras HDF5 import in the worker: convert (core converter), check that it loads, keep the
 * artifacts in IndexedDB, and load stored ones after a reload.
 */
import { convertKerasH5 } from '../core/model/h5/convert';
import { loadModel } from '../core/model/loadModel';
import { InputError } from '../core/errors';
import type { Model } from '../core/model/types';
import type { PipelineProgress } from '../core/progress';
import { importedModelId, isHdf5, type ImportedModelInfo } from './habitsProtocol';
import { getModel, putModel } from './modelStore';

const yieldToHost = () => new Promise<void>((r) => setTimeout(r, 0));

export async function importH5(
  fileName: string,
  bytes: Uint8Array,
  onProgress: (p: PipelineProgress) => void,
): Promise<{ info: ImportedModelInfo; model: Model }> {
  onProgress({ stage: 'reading', fraction: 0.05, message: `reading ${fileName}` });
  if (!isHdf5(bytes)) throw new InputError(`"${fileName}" is not an HDF5 file (no HDF5 signature); drop a Keras .h5/.hdf5 model file.`);
  await yieldToHost();
  onProgress({ stage: 'reading', fraction: 0.3, message: `converting ${fileName}` });
  const copy = bytes.slice().buffer; // the converter wants a whole ArrayBuffer of the file
  let converted;
  try {
    converted = convertKerasH5(copy, { fileName });
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${fileName}: ${e.message}`);
    throw e;
  }
  await yieldToHost();
  onProgress({ stage: 'reading', fraction: 0.6, message: `checking ${fileName}` });
  const id = importedModelId(fileName);
  const model = await loadModel(converted.artifacts, fileName);
  const info: ImportedModelInfo = {
    id,
    label: fileName,
    fileName,
    totalParams: converted.summary.totalParams,
    inputShape: [...model.inputShape],
    kerasVersion: converted.summary.kerasVersion,
    importedAt: Date.now(),
  };
  onProgress({ stage: 'reading', fraction: 0.85, message: `storing ${fileName}` });
  try {
    await putModel({ id, info, artifacts: converted.artifacts });
  } catch (e) {
    // Still usable in this tab; the page says why it will not survive a reload.
    info.notSaved = e instanceof DOMException && e.name === 'QuotaExceededError' ? 'full' : 'unavailable';
  }
  onProgress({ stage: 'reading', fraction: 1, message: fileName });
  return { info, model };
}

/** A stored imported model, or an InputError when it is gone (removed in another tab). */
export async function loadImported(id: string): Promise<{ model: Model; info: ImportedModelInfo }> {
  const rec = await getModel(id).catch(() => undefined);
  if (!rec) throw new InputError(`The imported model "${id.slice(3)}" is no longer stored; drop its .h5 file again.`);
  return { model: await loadModel(rec.artifacts, rec.info.fileName), info: rec.info };
}
