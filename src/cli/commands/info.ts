/**
 * `info <scan>`: what the readers see in a scan — for NIfTI: dims, voxel size, orientation,
 * datatype, byte order, the affine in use, scaling; for a DICOM folder or zip: every series found
 * and the geometry of the one that would be analysed. The lines come from describeScanImage, so
 * other hosts show the same summary.
 */
import { InputError, SeriesInputError } from '../../core/errors';
import { describeSeries } from '../../core/dicom';
import { describeScanImage } from '../../core/input';
import { decideInput } from '../../core/gate';
import { loadScan, parseOptions } from '../files';

const USAGE = 'usage: relevance-viewer info <scan.nii[.gz] | DICOM folder | zip> [--series <id>]\n';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions('info', args, {
    series: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new InputError('info takes exactly one argument, the scan: relevance-viewer info <scan.nii[.gz] | DICOM folder | zip>.');
  }
  const path = positionals[0]!;
  let scan;
  try {
    scan = await loadScan(path, { series: values.series });
  } catch (e) {
    // Nothing analysable, but the series are still worth listing (which one is what).
    if (e instanceof SeriesInputError)
      process.stdout.write([`file: ${path}`, `format: DICOM, ${e.series.length} series`, ...e.series.map((s) => `    ${describeSeries(s)}`)].join('\n') + '\n');
    throw e;
  }
  const gate = decideInput(scan.volume, scan.nifti?.header ?? { nVolumes: 1 });
  const kindLine = `kind: ${gate.scanClass}, ${gate.verdict}${gate.reasons.length ? ` (${gate.reasons.map((r) => r.text).join(' ')})` : ''}`;
  process.stdout.write([`file: ${path}`, ...describeScanImage(scan), kindLine].join('\n') + '\n');
  return 0;
}
