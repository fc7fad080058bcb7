/** Writes the raw-T1 stage's files (src/core/preprocess/outputs.ts) into a folder. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PreprocessResult } from '../core/preprocess';
import { preprocessFiles } from '../core/preprocess/outputs';

export { qcSummary as qcJson } from '../core/preprocess/outputs';

export async function writePreprocessOutputs(dir: string, r: PreprocessResult): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const f of preprocessFiles(r)) await writeFile(join(dir, f.name), f.bytes);
}
