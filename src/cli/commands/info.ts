/**
 * `info <scan>`: what the NIfTI reader sees in a scan (dims, voxel size, orientation,
 * datatype, byte order, the affine in use, scaling, notices). The lines come from
 * describeScan, so other hosts show the same summary.
 */
import { readFile, stat } from 'node:fs/promises';
import { InputError } from '../../core/errors';
import { describeScan, readNifti } from '../../core/nifti';

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

export async function run(args: string[]): Promise<number> {
  const paths = args.filter((a) => !a.startsWith('-'));
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write('usage: relevance-viewer info <scan.nii[.gz]>\n');
    return 0;
  }
  if (paths.length !== 1 || paths.length !== args.length) {
    throw new InputError('info takes exactly one argument, the scan file: relevance-viewer info <scan.nii[.gz]>.');
  }
  const path = paths[0]!;
  const image = readNifti(await readScanFile(path));
  process.stdout.write([`file: ${path}`, ...describeScan(image)].join('\n') + '\n');
  return 0;
}
