/**
 * Every fixture series read by our DICOM reader against Debian's dcm2niix NIfTI of the same files
 * (test/fixtures/dicom/reference, made by scripts/fixtures/make_dicom_fixtures.py; dcm2niix converted each
 * compressed copy of one series to the same bytes, kept once as compressed.nii.gz): same number of
 * voxels, every voxel paired one to one with a dcm2niix voxel centre within 0.5 mm, values
 * correlated > 0.999 — and, the storage being lossless, equal after rescale.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readScan } from '../../src/core/input';
import { readNifti } from '../../src/core/nifti';
import { compareInWorld, DICOM_FIXTURES, seriesFiles } from './fixtures';

export const REFERENCE_CASES: { series: string; syntax: RegExp; plane: string; compressed: boolean }[] = [
  { series: 'export-axial', syntax: /Implicit VR Little Endian/, plane: 'axial', compressed: false },
  { series: 'sagittal-signed', syntax: /Explicit VR Little Endian/, plane: 'sagittal', compressed: false },
  { series: 'coronal-oblique-bigendian', syntax: /Big Endian/, plane: 'oblique coronal', compressed: false },
  { series: 'axial-deflated', syntax: /Deflated/, plane: 'axial', compressed: false },
  { series: 'jpeg-lossless', syntax: /JPEG Lossless/, plane: 'oblique sagittal', compressed: true },
  { series: 'jpeg-ls', syntax: /JPEG-LS/, plane: 'oblique sagittal', compressed: true },
  { series: 'jpeg2000', syntax: /JPEG 2000/, plane: 'oblique sagittal', compressed: true },
  { series: 'rle', syntax: /RLE/, plane: 'oblique sagittal', compressed: true },
  { series: 'enhanced', syntax: /Explicit VR Little Endian/, plane: 'axial', compressed: false },
];

export function referenceSuite(title: string, cases = REFERENCE_CASES): void {
  describe(title, () => {
    for (const c of cases) {
      it(`${c.series}: same voxels in the same places`, async () => {
        const scan = await readScan(seriesFiles(c.series));
        const referenceFile = c.compressed ? 'compressed' : c.series;
        const reference = readNifti(new Uint8Array(readFileSync(join(DICOM_FIXTURES, 'reference', `${referenceFile}.nii.gz`)))).volume;
        const chosen = scan.dicom!.series.find((s) => s.id === scan.dicom!.chosen)!;
        expect(chosen.transferSyntax).toMatch(c.syntax);
        expect(chosen.plane).toBe(c.plane);
        const voxels = scan.volume.dims.reduce((a, b) => a * b, 1);
        expect(voxels).toBe(reference.dims.reduce((a, b) => a * b, 1));
        const cmp = compareInWorld(scan.volume, reference);
        expect(cmp.matched).toBe(voxels);
        expect(cmp.maxOffsetMm).toBeLessThan(0.5);
        expect(cmp.correlation).toBeGreaterThan(0.999);
        // Lossless storage: after rescale the values are dcm2niix's exactly (up to float32 rounding),
        expect(cmp.maxAbsDiff).toBeLessThan(1e-3);
        // and the pairing is one to one: every dcm2niix voxel is paired back as well.
        expect(compareInWorld(reference, scan.volume).matched).toBe(voxels);
      }, 60_000);
    }
  });
}
