/** Turns anything thrown in the worker into a message a person can act on. */
import type { GateDecision } from '../core/gate';
import type { Message } from '../core/messages';
import type { ErrorKind } from './protocol';
import { say, untranslated } from './messageProtocol';

/**
 * What engines say when an allocation fails: V8 ("Array buffer allocation failed", "Invalid typed
 * array length", "Invalid array buffer length", "could not allocate memory" for WebAssembly.Memory), Firefox ("out of memory"),
 * tfjs ("Failed to allocate"), WebGL ("OOM"). Any other RangeError (a size mismatch, a bad
 * argument) is a bug, not a full memory.
 */
const OUT_OF_MEMORY = /out of memory|allocation failed|failed to allocate|could not allocate|invalid (typed )?array( buffer)? length|\bOOM\b/i;

export function describeError(err: unknown): { kind: ErrorKind; message: Message; gate?: GateDecision } {
  if (err instanceof Error && err.name === 'InputError') {
    const { detail, decision } = err as Error & { detail?: Message; decision?: GateDecision };
    return { kind: 'input', message: detail ?? untranslated(err.message), ...(decision ? { gate: decision } : {}) };
  }
  if (err instanceof DOMException && err.name === 'AbortError') return { kind: 'cancelled', message: say('worker.cancelled') };
  const text = err instanceof Error ? err.message : String(err);
  if (OUT_OF_MEMORY.test(text)) return { kind: 'memory', message: say('worker.memory') };
  return { kind: 'internal', message: say('worker.internal', { reason: text }) };
}
