/**
 * The CLI hands the DICOM codecs their WebAssembly builds, read from the installed packages
 * (see src/core/dicom/codecs.ts: the core cannot read files itself).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { provideCodecWasm } from '../core/dicom';

const require = createRequire(import.meta.url);
let done = false;

export function useCodecWasmNode(): void {
  if (done) return;
  done = true;
  provideCodecWasm({
    openjpeg: () => readFile(require.resolve('@cornerstonejs/codec-openjpeg/decodewasm')),
    charls: () => readFile(require.resolve('@cornerstonejs/codec-charls/decodewasm')),
  });
}
