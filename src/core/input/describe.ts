/**
 * A read scan in lines ("key: value"), for the CLI's `info` and logs: the NIfTI summary as
 * describeScan gives it, or for DICOM every series found and the geometry of the one read.
 * Patient identifiers are never part of it (terminals get logged and pasted).
 */
import { describeSeries } from '../dicom/series';
import { describeScan, formatNumber, orientationCode } from '../nifti';
import { voxelSizes } from '../volume/affine';
import type { ScanImage } from './types';

export function describeScanImage(scan: ScanImage): string[] {
  if (scan.nifti) return describeScan(scan.nifti);
  const [nx, ny, nz] = scan.volume.dims;
  const a = scan.volume.affine;
  const rows = [0, 1, 2].map(
    (r) =>
      `  [ ${a
        .slice(4 * r, 4 * r + 4)
        .map((v) => formatNumber(v).padStart(9))
        .join('  ')} ]`,
  );
  const series = scan.dicom?.series ?? [];
  return [
    `format: DICOM, ${series.length} series`,
    ...series.map((s) => `  ${s.id === scan.dicom?.chosen ? '*' : ' '} ${describeSeries(s)}`),
    `using: ${scan.name}`,
    `dims: ${nx} x ${ny} x ${nz}`,
    `voxel size: ${voxelSizes(a).map(formatNumber).join(' x ')} mm`,
    `orientation: ${orientationCode(a)}`,
    'affine: from ImagePositionPatient / ImageOrientationPatient / PixelSpacing (LPS -> RAS)',
    ...rows,
    ...scan.notices.map((n) => `notice: ${n.text}`),
  ];
}
