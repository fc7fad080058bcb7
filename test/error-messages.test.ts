/** What the worker tells the page about a failure: a Message (key, params, English), and the gate's decision for a refused scan. */
import { describe, expect, it } from 'vitest';
import { describeError } from '../src/worker/errorKinds';
import { InputError } from '../src/core/errors';
import { decideInput, InputRefused } from '../src/core/gate';
import { readNifti } from '../src/core/nifti';
import { wholeHeadT1 } from './gate/inputs';

describe('describeError', () => {
  it('a refused scan: kind input, the first reason as the message, and the whole decision', () => {
    const img = readNifti(wholeHeadT1());
    const decision = decideInput(img.volume, img.header);
    const d = describeError(new InputRefused(decision));
    expect(d.kind).toBe('input');
    expect(d.message).toEqual(decision.reasons[0]);
    expect(d.gate).toBe(decision);
  });
  it('an InputError keeps its key when it has one, else it is shown as written', () => {
    expect(describeError(new InputError({ key: 'nifti.allNan', text: 'All NaN.' }))).toEqual({ kind: 'input', message: { key: 'nifti.allNan', text: 'All NaN.' } });
    expect(describeError(new InputError('Plain sentence.'))).toEqual({ kind: 'input', message: { key: 'untranslated', text: 'Plain sentence.' } });
  });
  it('cancel, memory and the unexpected get their own keys', () => {
    expect(describeError(new DOMException('x', 'AbortError')).message.key).toBe('worker.cancelled');
    expect(describeError(new RangeError('Array buffer allocation failed'))).toMatchObject({ kind: 'memory', message: { key: 'worker.memory' } });
    expect(describeError(new Error('WebGL: OOM')).kind).toBe('memory');
    // "boom", "zoom" are not "OOM" (the word, not any three letters).
    const internal = describeError(new Error('boom'));
    expect(internal).toMatchObject({ kind: 'internal', message: { key: 'worker.internal', params: { reason: 'boom' } } });
    expect(internal.message.text).toContain('(boom)');
  });
});
