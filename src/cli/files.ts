/** File access shared by the CLI commands: reading scans with clear errors, parsing options. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseAtlas, ATLAS_LABELS_PATH, ATLAS_NAMES_PATH } from '../core/atlas';
import { InputError } from '../core/errors';
import { readScan, type ScanFile, type ScanImage } from '../core/input';
import type { Atlas } from '../core/pipeline';
import { useCodecWasmNode } from './codecWasmNode';
import { REPO_ROOT } from './repoRoot';

/** A scan's file name without .nii / .nii.gz / .zip: the folder name of its outputs in a batch. */
export function scanStem(path: string): string {
  return basename(path)
    .replace(/\.nii(\.gz)?$/i, '')
    .replace(/\.(gz|zip)$/i, '');
}

/** Node cannot read files beyond 2 GiB into one buffer; anything that large is not a single scan anyway. */
const MAX_FILE_BYTES = 2 ** 31 - 1;

/** A DICOM export folder larger than this is not one patient's series; the limit keeps memory bounded. */
const MAX_FOLDER_BYTES = 4 * 2 ** 30;
const MAX_FOLDER_FILES = 50_000;

/**
 * The one way the CLI commands load a scan: a NIfTI file, a DICOM file, a folder of DICOM files
 * (searched recursively, as scanners and PACS export them) or a zip of either. `series` picks a
 * DICOM series by its id in `info`'s list (default: the largest 3D T1-like one).
 */
export async function loadScan(path: string, options: { series?: string } = {}): Promise<ScanImage> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (e) {
    throw new InputError(`Cannot open ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'}); check the path.`);
  }
  const files: ScanFile[] = isDir ? await readFolder(path) : [{ name: basename(path), bytes: await readScanFile(path) }];
  if (files.length === 0) throw new InputError(`${path} is an empty folder; give a NIfTI file, a DICOM folder or a zip of one.`);
  useCodecWasmNode();
  return readScan(files, options);
}

async function readFolder(root: string): Promise<ScanFile[]> {
  const out: ScanFile[] = [];
  let total = 0;
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) await walk(path);
      else if (e.isFile()) {
        const bytes = new Uint8Array(await readFile(path));
        total += bytes.length;
        if (out.length >= MAX_FOLDER_FILES || total > MAX_FOLDER_BYTES) {
          throw new InputError(
            `${root} holds more than ${MAX_FOLDER_FILES} files or ${MAX_FOLDER_BYTES} bytes, too much for one scan; give the folder of one series.`,
          );
        }
        out.push({ name: relative(root, path), bytes });
      }
    }
  };
  await walk(root);
  return out;
}

/** The bytes of one file (NIfTI, DICOM or zip), with one-line errors. */
export async function readScanFile(path: string): Promise<Uint8Array> {
  let size: number;
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new InputError(`${path} is a directory; give the path of a file.`);
    size = s.size;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`Cannot open ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'}); check the path.`);
  }
  if (size > MAX_FILE_BYTES) {
    throw new InputError(`${path} is ${size} bytes, too large for a single scan; give a .nii or .nii.gz of one 3D volume.`);
  }
  return new Uint8Array(await readFile(path));
}

/** node:util parseArgs, with its errors turned into one-line input errors that name the command. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new InputError(`${command}: ${message}; run "relevance-viewer ${command} --help" for usage.`);
  }
}

/** The AAL atlas the app ships (public/atlas), for region scores. */
export async function loadAtlasFromRepo(): Promise<Atlas> {
  const [labels, names] = await Promise.all([
    readFile(join(REPO_ROOT, 'public', ATLAS_LABELS_PATH)),
    readFile(join(REPO_ROOT, 'public', ATLAS_NAMES_PATH), 'utf8'),
  ]);
  return parseAtlas(new Uint8Array(labels), names);
}
