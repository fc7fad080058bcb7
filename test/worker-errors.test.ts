/** The worker's error kinds: only real allocation failures are "out of memory". */
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/core/errors';
import { differenceMap } from '../src/core/analysis/combine';
import { describeError } from '../src/worker/errorKinds';

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
    expect(d.message).toMatch(/differ in size/);
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
    expect(describeError(new InputError('not a NIfTI file'))).toEqual({ kind: 'input', message: 'not a NIfTI file' });
    expect(describeError(new DOMException('x', 'AbortError')).kind).toBe('cancelled');
  });
});
