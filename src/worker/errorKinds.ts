/** Turns anything thrown in the worker into a message a person can act on. */
import type { ErrorKind } from './protocol';

/**
 * What engines say when an allocation fails: V8 ("Array buffer allocation failed", "Invalid typed
 * array length", "Invalid array buffer length", "could not allocate memory" for WebAssembly.Memory), Firefox ("out of memory"),
 * tfjs ("Failed to allocate"), WebGL ("OOM"). Any other RangeError (a size mismatch, a bad
 * argument) is a bug, not a full memory.
 */
const OUT_OF_MEMORY = /out of memory|allocation failed|failed to allocate|could not allocate|invalid (typed )?array( buffer)? length|\bOOM\b/i;

export function describeError(err: unknown): { kind: ErrorKind; message: string } {
  if (err instanceof Error && err.name === 'InputError') return { kind: 'input', message: err.message };
  if (err instanceof DOMException && err.name === 'AbortError') return { kind: 'cancelled', message: 'Analysis cancelled.' };
  const text = err instanceof Error ? err.message : String(err);
  if (OUT_OF_MEMORY.test(text)) {
    return {
      kind: 'memory',
      message: 'The browser ran out of memory during the analysis; close other tabs or use a smaller scan, then try again.',
    };
  }
  return { kind: 'internal', message: `The analysis failed unexpectedly (${text}); see the diagnostics panel and try again.` };
}
