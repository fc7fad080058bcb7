import { describe, expect, it } from 'vitest';
import { InputError } from '../src/core/errors';

describe('InputError', () => {
  it("is an Error whose name marks it as the user's input", () => {
    const e = new InputError('bad file');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('InputError');
  });
});
