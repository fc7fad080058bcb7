/**
 * The walk over dropped folders (src/ui/dropFiles.ts) on a fake file-system tree shaped like a
 * scanner export: nested folders, a directory reader that hands out entries in batches (as
 * Chromium's does, about 100 at a time), files named by their path inside the drop.
 */
import { describe, expect, it } from 'vitest';
import { filesFromEntries, type DropEntry } from '../src/ui/dropFiles';

function file(fullPath: string): DropEntry {
  const name = fullPath.split('/').pop()!;
  return { isFile: true, isDirectory: false, name, fullPath, file: (ok) => ok(new File([fullPath], name)) };
}

function dir(fullPath: string, children: DropEntry[], batch = 2): DropEntry {
  return {
    isFile: false,
    isDirectory: true,
    name: fullPath.split('/').pop()!,
    fullPath,
    createReader: () => {
      let at = 0;
      return {
        readEntries: (ok) => {
          const b = children.slice(at, at + batch);
          at += batch;
          setTimeout(() => ok(b), 0);
        },
      };
    },
  };
}

describe('filesFromEntries', () => {
  it('walks nested folders through batched readers and names files by their path in the drop', async () => {
    const series = Array.from({ length: 5 }, (_, i) => file(`/export/DICOM/S3/IM${i}`));
    const tree = dir('/export', [file('/export/DICOMDIR'), dir('/export/DICOM', [dir('/export/DICOM/S3', series), file('/export/DICOM/notes.txt')])]);
    const files = await filesFromEntries([tree, file('/model.h5')]);
    expect(files.map((f) => f.name)).toEqual([
      'export/DICOMDIR',
      'export/DICOM/S3/IM0',
      'export/DICOM/S3/IM1',
      'export/DICOM/S3/IM2',
      'export/DICOM/S3/IM3',
      'export/DICOM/S3/IM4',
      'export/DICOM/notes.txt',
      'model.h5',
    ]);
    // the bytes are the original file's (renaming copies nothing)
    expect(await files[3]!.text()).toBe('/export/DICOM/S3/IM2');
  });

  it('an empty folder gives no files', async () => {
    expect(await filesFromEntries([dir('/empty', [])])).toEqual([]);
  });
});
