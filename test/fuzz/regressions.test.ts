/**
 * Inputs the fuzzer found that once ended in something other than a valid result or a prompt
 * InputError, replayed from their recipes (fixture + edits) so they stay fixed.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../src/core/errors';
import { convertKerasH5 } from '../../src/core/model/h5/convert';
import { applyMutations, type Mutation } from './mutate';

const H5 = join(import.meta.dirname, '..', 'fixtures', 'h5');

function mutated(fixture: string, edits: Mutation[]): ArrayBuffer {
  return applyMutations(new Uint8Array(readFileSync(join(H5, fixture))), edits).slice().buffer;
}

describe('fuzzer regressions', () => {
  it('an attribute whose element count was damaged (67 million strings) is refused instead of decoded for minutes', () => {
    // scripts/fuzz.ts, seed 424242: one flipped bit in the dataspace of model_weights' layer_names.
    const bytes = mutated('keras224_tiny_libverlatest.h5', [
      { op: 'byte', at: -1.856736347079277, value: 29 },
      { op: 'flip', at: 845, bit: 0 },
      { op: 'flip', at: 568, bit: 2 },
    ]);
    let error: unknown;
    try {
      convertKerasH5(bytes, { fileName: 'damaged.h5' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/an attribute claims 67108880 values but only \d+ bytes of the file follow it; the file is damaged/);
  });
});
