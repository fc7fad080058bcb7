/** Names a few common non-NIfTI file types from their magic bytes, for a clearer refusal. */
export function guessOtherFormat(bytes: Uint8Array): string | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'a PNG image';
  if (starts(0xff, 0xd8, 0xff)) return 'a JPEG image';
  if (starts(0x89, 0x48, 0x44, 0x46)) return 'an HDF5 file';
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'a ZIP archive';
  if (starts(0x25, 0x50, 0x44, 0x46)) return 'a PDF document';
  if (bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d) {
    return 'a DICOM file';
  }
  const head = bytes.subarray(0, 512);
  if (head.length > 0 && head.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127))) return 'a text file';
  return null;
}
