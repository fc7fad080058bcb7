/**
 * Imported models (converted Keras HDF5 files) kept in IndexedDB, so a reload does not need the
 * files again. Runs in the worker (IndexedDB is available there); artifacts are stored as
 * structured clones (topology object, weight specs, one ArrayBuffer of weights).
 */
import type * as tf from '@tensorflow/tfjs';
import type { ImportedModelInfo } from './habitsProtocol';

const DB_NAME = 'relevance-viewer';
const STORE = 'imported-models';

export interface StoredModel {
  id: string;
  info: ImportedModelInfo;
  artifacts: tf.io.ModelArtifacts;
}

let dbPromise: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  dbPromise ??= new Promise<IDBDatabase>((resolve, reject) => {
    if (typeof indexedDB === 'undefined') {
      reject(new Error('this browser offers no IndexedDB here (private mode?), so imported models last only until a reload'));
      return;
    }
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB could not be opened'));
  });
  dbPromise.catch(() => {
    dbPromise = null;
  });
  return dbPromise;
}

function run<T>(mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest): Promise<T> {
  return open().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const req = op(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(req.result as T);
        tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
        // A full disk aborts the transaction with a QuotaExceededError (importH5 tells the page).
        tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted (storage full?)'));
      }),
  );
}

export function putModel(rec: StoredModel): Promise<void> {
  return run<unknown>('readwrite', (s) => s.put(rec)).then(() => undefined);
}

export function getModel(id: string): Promise<StoredModel | undefined> {
  return run<StoredModel | undefined>('readonly', (s) => s.get(id));
}

export async function listModels(): Promise<ImportedModelInfo[]> {
  const all = await run<StoredModel[]>('readonly', (s) => s.getAll());
  return all.map((r) => r.info).sort((a, b) => a.importedAt - b.importedAt);
}

export function deleteModel(id: string): Promise<void> {
  return run<unknown>('readwrite', (s) => s.delete(id)).then(() => undefined);
}
