/**
 * `convert-dicom <folder|zip> --out <file.nii[.gz]> [--series <id>]`: the chosen DICOM series
 * (default: the largest 3D T1-like one; `info` lists them) as a float32 NIfTI in the scanner's
 * space, values rescaled. The header carries no patient identifier.
 */
import { writeFile } from 'node:fs/promises';
import { InputError } from '../../core/errors';
import { writeNifti } from '../../core/nifti';
import { loadScan, parseOptions } from '../files';

const USAGE = 'usage: relevance-viewer convert-dicom <DICOM folder | zip | file> --out <file.nii[.gz]> [--series <id>]\n';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions('convert-dicom', args, {
    out: { type: 'string', short: 'o' },
    series: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length !== 1 || !values.out) {
    throw new InputError('convert-dicom takes one DICOM folder or zip and --out <file.nii.gz>: relevance-viewer convert-dicom <folder> --out <file.nii.gz>.');
  }
  const scan = await loadScan(positionals[0]!, { series: values.series });
  if (scan.format !== 'dicom') throw new InputError(`${positionals[0]} is a NIfTI file already; convert-dicom reads DICOM folders and zips.`);
  for (const n of scan.notices) process.stderr.write(`note: ${n.text}\n`);
  const bytes = writeNifti(scan.volume, { datatype: 'float32', gzip: values.out.endsWith('.gz'), description: 'relevance-viewer convert-dicom' });
  await writeFile(values.out, bytes);
  const [nx, ny, nz] = scan.volume.dims;
  process.stdout.write(`wrote ${values.out} (${scan.name}: ${nx}x${ny}x${nz}, float32)\n`);
  return 0;
}
