/**
 * Page <-> worker messages for reading what the user dropped or picked that is not a single NIfTI
 * file (DICOM folders, many files, zips): the worker runs readScan and hands back the chosen volume
 * as NIfTI bytes, so that the rest of the app (analysis, cache, exports) treats it like any scan.
 */
import type { DicomSeriesSummary } from '../core/dicom/series';
import type { ScanFile } from '../core/input/types';
import type { Message } from '../core/messages';

/** The description in the header of the NIfTI a read scan is handed over as (no patient identifier). */
export const READ_SCAN_DESCRIPTION = 'relevance-viewer: read scan';

export interface ScanReadRequest {
  type: 'read-scan';
  id: number;
  /** The files; absent: the files of the previous read-scan (choosing another series). */
  files?: ScanFile[];
  /** A DICOM series id from the list; absent: the default choice. */
  series?: string;
}

export interface ReadScanResult {
  format: 'nifti' | 'dicom';
  name: string;
  /** The chosen volume as an uncompressed float32 NIfTI; its header names no patient. */
  niftiBytes: Uint8Array;
  notices: Message[];
  dicom?: {
    series: DicomSeriesSummary[];
    chosen: string;
    /** For the page only (shown locally, never exported). */
    patient: { name: string; id: string };
  };
}

export interface ScanReadResponse {
  type: 'scan-read';
  id: number;
  result: ReadScanResult;
}
