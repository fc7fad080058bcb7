/** Turns anything thrown in the worker into a message a person can act on. */
import type { ErrorKind } from './protocol';

export function describeError(err: unknown): { kind: ErrorKind; message: string } {
  if (err instanceof Error && err.name === 'InputError') return { kind: 'input', message: err.message };
  if (err instanceof DOMException && err.name === 'AbortError') return { kind: 'cancelled', message: 'Analysis cancelled.' };
  const text = err instanceof Error ? err.message : String(err);
  if (err instanceof RangeError || /out of memory|allocation|array buffer allocation|OOM/i.test(text)) {
    return {
      kind: 'memory',
      message: 'The browser ran out of memory during the analysis; close other tabs or use a smaller scan, then try again.',
    };
  }
  return { kind: 'internal', message: `The analysis failed unexpectedly (${text}); see the diagnostics panel and try again.` };
}
