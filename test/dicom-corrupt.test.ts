/**
 * Damaged DICOM files never crash the reader: every file of a small series cut at random lengths or
 * with random bytes overwritten either still reads or is refused with one InputError sentence (or,
 * beside good files, is named as skipped). Seeded, so a failure reproduces.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/core/errors';
import { readScan, type ScanFile } from '../src/core/input';
import { mulberry32 } from '../src/training/prng';
import { seriesFiles } from './dicom/fixtures';

async function outcome(files: ScanFile[]): Promise<'read' | 'refused'> {
  try {
    await readScan(files);
    return 'read';
  } catch (e) {
    if (!(e instanceof InputError)) throw new Error(`not an InputError: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    expect(e.message.split('\n')).toHaveLength(1);
    return 'refused';
  }
}

describe('damaged DICOM files', () => {
  for (const series of ['export-axial', 'jpeg-lossless', 'jpeg2000', 'rle', 'enhanced']) {
    it(`${series}: truncated or overwritten files are read or refused in one sentence`, async () => {
      const rand = mulberry32(series.length * 7919);
      const files = seriesFiles(series).filter((f) => !f.name.endsWith('.txt'));
      const together = new Set<string>();
      for (let trial = 0; trial < 24; trial++) {
        const victim = files[Math.floor(rand() * files.length)]!;
        const bytes = victim.bytes.slice(0, trial % 2 ? Math.floor(rand() * victim.bytes.length) : victim.bytes.length);
        if (trial % 2 === 0) for (let n = 0; n < 8; n++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
        const damaged = { name: victim.name, bytes };
        const alone = await outcome([damaged]);
        if (series !== 'enhanced') expect(alone).toBe('refused'); // one slice is never a volume
        together.add(await outcome(files.map((f) => (f === victim ? damaged : f))));
      }
      // One damaged file among good ones usually costs only that file (or that slice: missing-slice refusal).
      if (series !== 'enhanced') expect(together).toContain('read');
    }, 120_000);
  }
});
