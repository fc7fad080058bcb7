/**
 * The worker's side of reading dropped files: readScan (NIfTI / DICOM / zip, src/core/input),
 * progress as the pipeline's "reading" stage, and the last files kept so that choosing another
 * series of the same drop does not send them again.
 */
import charlsWasmUrl from '@cornerstonejs/codec-charls/decodewasm?url';
import openjpegWasmUrl from '@cornerstonejs/codec-openjpeg/decodewasm?url';
import { provideCodecWasm } from '../core/dicom';
import { SeriesInputError } from '../core/errors';
import { readScan } from '../core/input';
import type { ScanFile } from '../core/input/types';
import { writeNifti } from '../core/nifti';
import { describeError } from './errorKinds';
import type { WorkerResponse } from './protocol';
import { READ_SCAN_DESCRIPTION, type ScanReadRequest } from './scanReadProtocol';

let lastFiles: ScanFile[] | null = null;

// The codecs' WebAssembly builds, bundled as assets and fetched on first use (same origin).
const fetchBytes = (url: string) => () => fetch(url).then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(new Error(`HTTP ${r.status} for ${url}`))));
provideCodecWasm({ openjpeg: fetchBytes(openjpegWasmUrl), charls: fetchBytes(charlsWasmUrl) });

export async function handleReadScan(msg: ScanReadRequest, post: (m: WorkerResponse, transfer?: Transferable[]) => void): Promise<void> {
  try {
    if (msg.files) lastFiles = msg.files;
    if (!lastFiles) throw new Error('no files to read');
    const scan = await readScan(lastFiles, {
      series: msg.series,
      // One bar for the reading stage: parsing the files is the first ~30 %, decoding the pixels the rest.
      onProgress: (p) => post({ type: 'progress', id: msg.id, stage: 'reading', fraction: p.stage === 'parsing' ? 0.3 * p.fraction : 0.3 + 0.7 * p.fraction }),
    });
    const niftiBytes = writeNifti(scan.volume, { datatype: 'float32', description: READ_SCAN_DESCRIPTION });
    const result = { format: scan.format, name: scan.name, niftiBytes, notices: scan.notices, dicom: scan.dicom };
    post({ type: 'scan-read', id: msg.id, result }, [niftiBytes.buffer as ArrayBuffer]);
  } catch (err) {
    const { kind, message } = describeError(err);
    post({ type: 'error', id: msg.id, kind, message, series: err instanceof SeriesInputError ? [...err.series] : undefined });
  }
}
