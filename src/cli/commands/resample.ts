/**
 * `resample <scan> --out <file.nii.gz>`: the scan on the 121x145x121 CAT12 grid (float32, grid affine),
 * exactly as the pipeline places it before the model sees it. On-grid input is copied, not interpolated.
 */
import { writeFile } from 'node:fs/promises';
import { InputError } from '../../core/errors';
import { writeNifti } from '../../core/nifti';
import { CAT12_GRID } from '../../core/volume/grid';
import { resampleToGrid } from '../../core/volume/resample';
import { guessScanKind } from '../../core/volume/sanity';
import { loadScan, parseOptions } from '../files';

const USAGE = 'usage: relevance-viewer resample <scan.nii[.gz] | DICOM folder | zip> --out <file.nii[.gz]> [--nearest] [--series <id>]\n';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions('resample', args, {
    out: { type: 'string', short: 'o' },
    nearest: { type: 'boolean' },
    series: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length !== 1 || !values.out) {
    throw new InputError('resample takes one scan and --out <file.nii.gz>: relevance-viewer resample <scan> --out <file.nii.gz>.');
  }
  const image = await loadScan(positionals[0]!, { series: values.series });
  for (const notice of image.notices) process.stderr.write(`note: ${notice.text}\n`);
  const kind = guessScanKind(image.volume);
  if (kind.message) process.stderr.write(`warning: ${kind.message}\n`);
  const onGrid = resampleToGrid(image.volume, CAT12_GRID, values.nearest ? 'nearest' : 'trilinear');
  const gzip = values.out.endsWith('.gz');
  await writeFile(values.out, writeNifti(onGrid, { datatype: 'float32', gzip, description: 'relevance-viewer resample (CAT12 grid)' }));
  process.stdout.write(`wrote ${values.out} (121x145x121, 1.5 mm, float32)\n`);
  return 0;
}
