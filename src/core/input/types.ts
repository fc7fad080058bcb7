import type { DicomSeriesSummary } from '../dicom/series';
import type { Message } from '../messages';
import type { NiftiImage } from '../nifti';
import type { Volume } from '../volume/types';

/** A file as the hosts hand it over: its name (with folder or archive path) and its bytes. */
export interface ScanFile {
  name: string;
  bytes: Uint8Array;
}

/** What readScan read: the one volume to analyse, plus what the user should know about the choice. */
export interface ScanImage {
  format: 'nifti' | 'dicom';
  /** For titles and output names: the NIfTI file's name, or the series' description and number. */
  name: string;
  volume: Volume<Float32Array>;
  /** What was used or ignored and why, and anything else worth knowing that does not stop reading. */
  notices: Message[];
  /** The NIfTI reader's result (header) when the scan is a NIfTI file. */
  nifti?: NiftiImage;
  /** For DICOM: every series found, which one was read, and who it belongs to (page only, never exported). */
  dicom?: {
    series: DicomSeriesSummary[];
    chosen: string;
    patient: { name: string; id: string };
  };
}

export interface ScanProgress {
  stage: 'parsing' | 'decoding';
  fraction: number;
}

export interface ReadScanOptions {
  /** DICOM: the id (as in the series list, "1", "2", ...) of the series to read; default: the largest 3D T1-like one. */
  series?: string;
  onProgress?: (p: ScanProgress) => void;
}
