/** File access shared by the CLI commands: reading scans with clear errors, parsing options. */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError } from '../core/errors';
import { readNifti, type NiftiImage } from '../core/nifti';

/** Node cannot read files beyond 2 GiB into one buffer; anything that large is not a single scan anyway. */
const MAX_FILE_BYTES = 2 ** 31 - 1;

export async function readScanFile(path: string): Promise<Uint8Array> {
  let size: number;
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new InputError(`${path} is a directory; give the path of a .nii or .nii.gz file.`);
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

/** A scan's file name without .nii / .nii.gz: the folder name of its outputs in a batch. */
export function scanStem(path: string): string {
  return basename(path).replace(/\.nii(\.gz)?$/i, '').replace(/\.gz$/i, '');
}

/**
 * A scan file read into a volume: the one place the CLI turns a path into an image (NIfTI today;
 * the DICOM/zip reader, src/core/input/readScan, plugs in here).
 */
export async function readScanImage(path: string): Promise<NiftiImage> {
  return readNifti(await readScanFile(path));
}

/** node:util parseArgs, with its errors turned into one-line input errors that name the command. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: string[],
  options: T,
) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new InputError(`${command}: ${message}; run "relevance-viewer ${command} --help" for usage.`);
  }
}
