/**
 * `convert-dicom <folder|zip> --out <file.nii[.gz]> [--series <id>]`: the chosen DICOM series
 * (default: the largest 3D T1-like one; `info` lists them) as a float32 NIfTI in the scanner's
 * space, values rescaled. The header carries no patient identifier.
 */
import { writeFile } from 'node:fs/promises';
import { InputError } from '../../core/errors';
import { writeNifti } from '../../core/nifti';
import { readScanForFile } from '../scanToFile';

const USAGE = 'usage: relevance-viewer convert-dicom <DICOM folder | zip | file> --out <file.nii[.gz]> [--series <id>]\n';

export async function run(args: string[]): Promise<number> {
  const call = await readScanForFile('convert-dicom', args, {
    usage: USAGE,
    wrongUse: 'convert-dicom takes one DICOM folder or zip and --out <file.nii.gz>: relevance-viewer convert-dicom <folder> --out <file.nii.gz>.',
    options: {},
    accept: (scan, path) => {
      if (scan.format !== 'dicom') throw new InputError(`${path} is a NIfTI file already; convert-dicom reads DICOM folders and zips.`);
    },
  });
  if (!call) return 0;
  const { scan, out } = call;
  await writeFile(out, writeNifti(scan.volume, { datatype: 'float32', gzip: out.endsWith('.gz'), description: 'relevance-viewer convert-dicom' }));
  const [nx, ny, nz] = scan.volume.dims;
  process.stdout.write(`wrote ${out} (${scan.name}: ${nx}x${ny}x${nz}, float32)\n`);
  return 0;
}
