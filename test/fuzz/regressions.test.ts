/**
 * Inputs the fuzzer found that once ended in something other than a valid result or a prompt
 * InputError, replayed from their recipes (fixture + edits) so they stay fixed.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../src/core/errors';
import { convertKerasH5 } from '../../src/core/model/h5/convert';
import { readScan } from '../../src/core/input';
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

  it('DICOM: an element whose length runs past the file is refused as damaged, not thrown from dicom-parser', async () => {
    // The DICOM target, seeds 1 and 2: dicom-parser parsed these, then threw a string / a TypeError on reading values.
    // The seed file is kept as it was (a slice of the first fixture T1), since the recipes' offsets are its bytes.
    const file = join(import.meta.dirname, '..', 'fixtures', 'fuzz', 'dicom-t1-slice.dcm');
    const recipes: Mutation[][] = [
      [
        { op: 'delete', at: 421, length: 16 },
        { op: 'duplicate', at: 550, length: 150 },
        { op: 'insert', at: 712, bytes: [209] },
      ],
      [
        { op: 'flip', at: 385, bit: 4 },
        { op: 'byte', at: -1.1707139443606138, value: 132 },
        { op: 'field', at: -1.6279834732413292, width: 4, value: -211183981, littleEndian: true },
        { op: 'insert', at: -1.816652295179665, bytes: [248, 79, 102, 151, 82, 117, 143] },
        { op: 'insert', at: 673, bytes: [252, 200, 66, 3, 0, 1, 227, 4, 0, 24, 233] },
        { op: 'truncate', at: 422 },
      ],
    ];
    for (const edits of recipes) {
      const bytes = applyMutations(new Uint8Array(readFileSync(file)), edits);
      await expect(readScan([{ name: 'damaged.dcm', bytes }])).rejects.toBeInstanceOf(InputError);
    }
  });
});
