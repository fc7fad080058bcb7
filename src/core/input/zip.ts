/**
 * Zip archives (as PACS and mail programs hand out DICOM exports): entries listed first, so that
 * an archive that would inflate beyond the limit is refused before anything large is allocated.
 */
import { unzipSync } from 'fflate';
import { InputError } from '../errors';
import type { ScanFile } from './types';

/** Most bytes all entries of one archive may inflate to. */
export const MAX_ZIP_BYTES = 2 ** 31 - 1;

export function isZip(bytes: Uint8Array): boolean {
  // Local file header, or the end-of-central-directory record of an empty archive.
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
}

export function unzipScanFiles(zip: ScanFile): ScanFile[] {
  let total = 0;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip.bytes, {
      filter: (f) => {
        if (f.name.endsWith('/') || /(^|\/)(__MACOSX|\.DS_Store)/.test(f.name)) return false;
        total += f.originalSize;
        if (total > MAX_ZIP_BYTES)
          throw new InputError(`${zip.name} would unpack to more than ${MAX_ZIP_BYTES} bytes; unpack it yourself and drop the series folder.`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof InputError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new InputError(`${zip.name} could not be opened as a zip archive (${why}); the archive is damaged or truncated, download or export it again.`);
  }
  return Object.entries(entries).map(([name, bytes]) => ({ name: `${zip.name}/${name}`, bytes }));
}
