/**
 * Transfer syntaxes: how a file's pixel data is stored. Each one we read maps to a pixel decoder;
 * the rest are refused by name (docs/dicom.md lists them).
 */
export type PixelEncoding = 'native-le' | 'native-be' | 'jpeg-lossless' | 'jpeg-ls' | 'jpeg-2000' | 'rle';

export interface TransferSyntax {
  uid: string;
  name: string;
  /** null: recognised but not readable here. */
  encoding: PixelEncoding | null;
}

const KNOWN: Record<string, [string, PixelEncoding | null]> = {
  '1.2.840.10008.1.2': ['Implicit VR Little Endian', 'native-le'],
  '1.2.840.10008.1.2.1': ['Explicit VR Little Endian', 'native-le'],
  // dicom-parser inflates the data set before we see it.
  '1.2.840.10008.1.2.1.99': ['Deflated Explicit VR Little Endian', 'native-le'],
  '1.2.840.10008.1.2.2': ['Explicit VR Big Endian', 'native-be'],
  '1.2.840.10008.1.2.4.57': ['JPEG Lossless (process 14)', 'jpeg-lossless'],
  '1.2.840.10008.1.2.4.70': ['JPEG Lossless (process 14, selection value 1)', 'jpeg-lossless'],
  '1.2.840.10008.1.2.4.80': ['JPEG-LS Lossless', 'jpeg-ls'],
  '1.2.840.10008.1.2.4.81': ['JPEG-LS Near-Lossless', 'jpeg-ls'],
  '1.2.840.10008.1.2.4.90': ['JPEG 2000 (lossless only)', 'jpeg-2000'],
  '1.2.840.10008.1.2.4.91': ['JPEG 2000', 'jpeg-2000'],
  '1.2.840.10008.1.2.5': ['RLE Lossless', 'rle'],
  '1.2.840.10008.1.2.4.50': ['JPEG Baseline (lossy 8-bit)', null],
  '1.2.840.10008.1.2.4.51': ['JPEG Extended (lossy 12-bit)', null],
  '1.2.840.10008.1.2.4.100': ['MPEG2 video', null],
  '1.2.840.10008.1.2.4.102': ['MPEG-4 AVC/H.264 video', null],
  '1.2.840.10008.1.2.4.201': ['High-Throughput JPEG 2000 (lossless only)', null],
  '1.2.840.10008.1.2.4.202': ['High-Throughput JPEG 2000 with RPCL (lossless only)', null],
  '1.2.840.10008.1.2.4.203': ['High-Throughput JPEG 2000', null],
};

export function transferSyntax(uid: string): TransferSyntax {
  const known = KNOWN[uid];
  return known ? { uid, name: known[0], encoding: known[1] } : { uid, name: `an unknown transfer syntax (${uid})`, encoding: null };
}

export const IMPLICIT_LITTLE_ENDIAN = '1.2.840.10008.1.2';
