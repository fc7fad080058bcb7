/**
 * `resample <scan> --out <file.nii.gz>`: the scan on the 121x145x121 CAT12 grid (float32, grid affine),
 * exactly as the pipeline places it before the model sees it. On-grid input is copied, not interpolated.
 */
import { writeFile } from 'node:fs/promises';
import { writeNifti } from '../../core/nifti';
import { CAT12_GRID } from '../../core/volume/grid';
import { resampleToGrid } from '../../core/volume/resample';
import { decideInput } from '../../core/gate';
import { readScanForFile } from '../scanToFile';

const USAGE = 'usage: relevance-viewer resample <scan.nii[.gz] | DICOM folder | zip> --out <file.nii[.gz]> [--nearest] [--series <id>]\n';

export async function run(args: string[]): Promise<number> {
  const call = await readScanForFile('resample', args, {
    usage: USAGE,
    wrongUse: 'resample takes one scan and --out <file.nii.gz>: relevance-viewer resample <scan> --out <file.nii.gz>.',
    options: { nearest: { type: 'boolean' } },
  });
  if (!call) return 0;
  const { scan: image, out, values } = call;
  // Resampling is still useful for an image the model would refuse (e.g. to look at it); say what it is.
  for (const reason of decideInput(image.volume, image.nifti?.header ?? { nVolumes: 1 }).reasons) process.stderr.write(`warning: ${reason.text}\n`);
  const onGrid = resampleToGrid(image.volume, CAT12_GRID, values.nearest ? 'nearest' : 'trilinear');
  const gzip = out.endsWith('.gz');
  await writeFile(out, writeNifti(onGrid, { datatype: 'float32', gzip, description: 'relevance-viewer resample (CAT12 grid)' }));
  process.stdout.write(`wrote ${out} (121x145x121, 1.5 mm, float32)\n`);
  return 0;
}
