/**
 * `info <scan>`: what the NIfTI reader sees in a scan (dims, voxel size, orientation,
 * datatype, byte order, the affine in use, scaling, notices). The lines come from
 * describeScan, so other hosts show the same summary.
 */
import { InputError } from '../../core/errors';
import { describeScan, readNifti } from '../../core/nifti';
import { decideInput } from '../../core/gate';
import { readScanFile } from '../files';

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
  const gate = decideInput(image.volume, image.header);
  const kindLine = `kind: ${gate.scanClass}, ${gate.verdict}${gate.reasons.length ? ` (${gate.reasons.map((r) => r.text).join(' ')})` : ''}`;
  process.stdout.write([`file: ${path}`, ...describeScan(image), kindLine].join('\n') + '\n');
  return 0;
}
