/**
 * The worker's sentences in English, by key: part of the contract with the page, which translates
 * the keys (src/ui/i18n/messagesDe.ts). Numbers and names arrive as parameters.
 */
import { messageFrom, type Message } from '../core/messages';

export const WORKER_TEXTS = {
  'worker.cancelled': 'Analysis cancelled.',
  'worker.memory': 'The browser ran out of memory during the analysis; close other tabs or use a smaller scan, then try again.',
  'worker.internal': 'The analysis failed unexpectedly ({reason}); see the diagnostics panel and try again.',
  'worker.stopped': 'The analysis worker stopped ({reason}); try again.',
  'worker.ended': 'The analysis worker ended unexpectedly (out of memory?); try again.',
  'worker.closed': 'The viewer was closed.',
  'worker.modelFallback': 'The {model} could not be loaded ({reason}), so the untrained seeded model ran instead: its output means nothing.',
  'worker.softwareWebgl': 'WebGL renders in software here ({renderer}), which is slower than the WebAssembly SIMD kernels, so those run the model.',
  'worker.engineUnavailable': 'The {engine} engine is not available ({reason}); falling back.',
  'worker.unknownModel': 'Unknown model "{model}"; pick one from the model list.',
  'worker.ensembleDifference': 'A fold ensemble cannot be the A of a difference; choose one fold as A, or "One model, one method".',
  'worker.deployedMissing': 'The model "{model}" could not be loaded ({reason}); check that its folder in models/ is complete.',
} as const;

export type WorkerMessageKey = keyof typeof WORKER_TEXTS;

export const say = (key: WorkerMessageKey, params?: Record<string, string | number>): Message => messageFrom(WORKER_TEXTS, key, params);

/** A sentence from a part that has no locale key yet (e.g. the NIfTI reader's notices): shown in English everywhere. */
export const untranslated = (text: string): Message => ({ key: 'untranslated', text });
