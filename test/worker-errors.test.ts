/**
 * The worker's error kinds (only real allocation failures are "out of memory") and what it tells the
 * page: a Message (key, params, English), and the gate's decision for a refused scan.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/core/errors';
import { differenceMap } from '../src/core/analysis/combine';
import { describeError } from '../src/worker/errorKinds';
import { decideInput, InputRefused } from '../src/core/gate';
import { readNifti } from '../src/core/nifti';
import { wholeHeadT1 } from './gate/inputs';

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

describe('describeError', () => {
  it('a RangeError that is not about memory is an internal error, with its text', () => {
    const e = thrown(() => differenceMap(new Float32Array(2), new Float32Array(3)));
    expect(e).toBeInstanceOf(RangeError);
    const d = describeError(e);
    expect(d.kind).toBe('internal');
    expect(d.message.key).toBe('worker.internal');
    expect(d.message.text).toMatch(/differ in size/);
    expect(describeError(thrown(() => (1).toFixed(200))).kind).toBe('internal');
  });

  it('real allocation failures are out of memory', () => {
    // V8's own words for an allocation it cannot make.
    expect(describeError(thrown(() => new ArrayBuffer(2 ** 53))).kind).toBe('memory');
    for (const text of ['Array buffer allocation failed', 'WebAssembly.Memory(): could not allocate memory', 'out of memory', 'Failed to allocate 4 GB']) {
      expect(describeError(new RangeError(text)).kind).toBe('memory');
    }
  });

  it('input errors and cancellations keep their kind', () => {
    // Without a key the sentence is shown as written; with one the page translates it.
    expect(describeError(new InputError('not a NIfTI file'))).toEqual({ kind: 'input', message: { key: 'untranslated', text: 'not a NIfTI file' } });
    expect(describeError(new InputError({ key: 'nifti.allNan', text: 'All NaN.' }))).toEqual({
      kind: 'input',
      message: { key: 'nifti.allNan', text: 'All NaN.' },
    });
    expect(describeError(new DOMException('x', 'AbortError'))).toMatchObject({ kind: 'cancelled', message: { key: 'worker.cancelled' } });
  });

  it('a refused scan: kind input, the first reason as the message, and the whole decision', () => {
    const img = readNifti(wholeHeadT1());
    const decision = decideInput(img.volume, img.header);
    const d = describeError(new InputRefused(decision));
    expect(d.kind).toBe('input');
    expect(d.message).toEqual(decision.reasons[0]);
    expect(d.gate).toBe(decision);
  });

  it('"OOM" is the word, not any three letters: "boom" is an internal error', () => {
    expect(describeError(new Error('WebGL: OOM')).kind).toBe('memory');
    const internal = describeError(new Error('boom'));
    expect(internal).toMatchObject({ kind: 'internal', message: { key: 'worker.internal', params: { reason: 'boom' } } });
    expect(internal.message.text).toContain('(boom)');
  });
});
