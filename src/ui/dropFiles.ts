/**
 * The files of a drop, folders included: DataTransferItem.webkitGetAsEntry gives file-system
 * entries that are walked recursively (a scanner export is a tree of folders). The entries must
 * be taken while the drop event runs; the walk itself is asynchronous. Each file is named by its
 * path inside the drop ("export/DICOM/IM0001"). Where a browser gives no entries, the flat list.
 */

/** The part of FileSystemEntry (and its file/directory kinds) that the walk uses. */
export interface DropEntry {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  fullPath: string;
  file?: (ok: (f: File) => void, err?: (e: unknown) => void) => void;
  createReader?: () => { readEntries: (ok: (entries: DropEntry[]) => void, err?: (e: unknown) => void) => void };
}

/** Most files one drop may hold: a whole PACS export is not one scan, and the walk must end. */
export const MAX_DROP_FILES = 50_000;

export function droppedFiles(dt: DataTransfer): Promise<File[]> {
  const entries: DropEntry[] = [];
  for (const item of dt.items ? [...dt.items] : []) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.() as DropEntry | null | undefined;
    if (!entry) return Promise.resolve([...dt.files]); // synthetic drops and old browsers
    entries.push(entry);
  }
  return entries.length ? filesFromEntries(entries) : Promise.resolve([...dt.files]);
}

export async function filesFromEntries(entries: readonly DropEntry[]): Promise<File[]> {
  const out: File[] = [];
  const walk = async (entry: DropEntry): Promise<void> => {
    if (out.length >= MAX_DROP_FILES) return;
    if (entry.isFile && entry.file) {
      const file = await new Promise<File>((ok, err) => entry.file!(ok, err));
      const path = entry.fullPath.replace(/^\/+/, '') || file.name;
      // A File is a reference to the bytes: renaming it copies nothing.
      out.push(path === file.name ? file : new File([file], path, { type: file.type, lastModified: file.lastModified }));
    } else if (entry.isDirectory && entry.createReader) {
      const reader = entry.createReader();
      // readEntries returns the entries in batches (about 100 in Chromium) until an empty one.
      for (;;) {
        const batch = await new Promise<DropEntry[]>((ok, err) => reader.readEntries(ok, err));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child);
      }
    }
  };
  for (const e of entries) await walk(e);
  return out;
}
