/** File access shared by the CLI commands: reading scans with clear errors, parsing options. */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseAtlas, ATLAS_LABELS_PATH, ATLAS_NAMES_PATH } from '../core/atlas';
import { InputError } from '../core/errors';
import type { Atlas } from '../core/pipeline';
import { REPO_ROOT } from './repoRoot';

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

/** The AAL atlas the app ships (public/atlas), for region scores. */
export async function loadAtlasFromRepo(): Promise<Atlas> {
  const [labels, names] = await Promise.all([
    readFile(join(REPO_ROOT, 'public', ATLAS_LABELS_PATH)),
    readFile(join(REPO_ROOT, 'public', ATLAS_NAMES_PATH), 'utf8'),
  ]);
  return parseAtlas(new Uint8Array(labels), names);
}
