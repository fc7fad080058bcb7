/** Turns anything thrown in the worker into a message a person can act on. */
import type { GateDecision } from '../core/gate';
import type { Message } from '../core/messages';
import type { ErrorKind } from './protocol';
import { say, untranslated } from './texts';

export function describeError(err: unknown): { kind: ErrorKind; message: Message; gate?: GateDecision } {
  if (err instanceof Error && err.name === 'InputError') {
    const { detail, decision } = err as Error & { detail?: Message; decision?: GateDecision };
    return { kind: 'input', message: detail ?? untranslated(err.message), ...(decision ? { gate: decision } : {}) };
  }
  if (err instanceof DOMException && err.name === 'AbortError') return { kind: 'cancelled', message: say('worker.cancelled') };
  const text = err instanceof Error ? err.message : String(err);
  if (err instanceof RangeError || /out of memory|allocation/i.test(text) || /\bOOM\b/.test(text)) return { kind: 'memory', message: say('worker.memory') };
  return { kind: 'internal', message: say('worker.internal', { reason: text }) };
}
