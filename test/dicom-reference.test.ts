/**
 * Every fixture series read by our DICOM reader against Debian's dcm2niix NIfTI of the same
 * files (test/fixtures/dicom/reference, made by scripts/fixtures/make_dicom_fixtures.py):
 * same grid size, every voxel paired with a dcm2niix voxel centre within 0.5 mm, values
 * correlated > 0.999 (for lossless data they are equal, rescale and sign included).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readScan } from '../src/core/input';
import { readNifti } from '../src/core/nifti';
import { compareInWorld, DICOM_FIXTURES, seriesFiles } from './dicom/fixtures';

const CASES: { series: string; syntax: RegExp; plane: string }[] = [
  { series: 'export-axial', syntax: /Implicit VR Little Endian/, plane: 'axial' },
  { series: 'sagittal-signed', syntax: /Explicit VR Little Endian/, plane: 'sagittal' },
  { series: 'coronal-oblique-bigendian', syntax: /Big Endian/, plane: 'oblique coronal' },
  { series: 'axial-deflated', syntax: /Deflated/, plane: 'axial' },
  { series: 'jpeg-lossless', syntax: /JPEG Lossless/, plane: 'oblique sagittal' },
  { series: 'jpeg-ls', syntax: /JPEG-LS/, plane: 'oblique sagittal' },
  { series: 'jpeg2000', syntax: /JPEG 2000/, plane: 'oblique sagittal' },
  { series: 'rle', syntax: /RLE/, plane: 'oblique sagittal' },
  { series: 'enhanced', syntax: /Explicit VR Little Endian/, plane: 'axial' },
];

describe('DICOM series against dcm2niix', () => {
  for (const c of CASES) {
    it(`${c.series}: same voxels in the same places`, async () => {
      const scan = await readScan(seriesFiles(c.series));
      const reference = readNifti(new Uint8Array(readFileSync(join(DICOM_FIXTURES, 'reference', `${c.series}.nii.gz`)))).volume;
      const chosen = scan.dicom!.series.find((s) => s.id === scan.dicom!.chosen)!;
      expect(chosen.transferSyntax).toMatch(c.syntax);
      expect(chosen.plane).toBe(c.plane);
      const voxels = scan.volume.dims.reduce((a, b) => a * b, 1);
      expect(voxels).toBe(reference.dims.reduce((a, b) => a * b, 1));
      const cmp = compareInWorld(scan.volume, reference);
      expect(cmp.matched).toBe(voxels);
      expect(cmp.maxOffsetMm).toBeLessThan(0.5);
      expect(cmp.correlation).toBeGreaterThan(0.999);
      // Lossless storage: after rescale the values are dcm2niix's exactly (up to float32 rounding).
      expect(cmp.maxAbsDiff).toBeLessThan(1e-3);
      // and the correspondence is one to one: every dcm2niix voxel is paired back as well.
      expect(compareInWorld(reference, scan.volume).matched).toBe(voxels);
    }, 60_000);
  }
});
