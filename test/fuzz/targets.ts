/**
 * The readers the fuzzer drives: each entry names the reader, the real fixtures it starts from,
 * how to run it on bytes, and what a valid result looks like. Adding a reader (e.g. the DICOM
 * reader in src/core/dicom/) is one more entry here; the test and scripts/fuzz.ts pick it up.
 *
 * The contract checked for every mutated input: the reader returns a valid result or throws an
 * InputError (src/core/errors.ts). Any other exception is a bug.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'fflate';
import { readNifti } from '../../src/core/nifti';
import { convertKerasH5 } from '../../src/core/model/h5/convert';
import { loadModel } from '../../src/core/model/loadModel';
import { readScan } from '../../src/core/input';

export interface Fixture {
  name: string;
  bytes: Uint8Array;
}

export interface FuzzTarget {
  name: string;
  /** Real files the mutations start from. */
  fixtures: () => Fixture[];
  /** Runs the reader; throws when the result is not valid (a plain Error, so it counts as a bug). */
  run: (bytes: Uint8Array) => unknown | Promise<unknown>;
  /** Cases per target in `npm test` (fixed seed); scripts/fuzz.ts multiplies it. */
  runs: number;
}

const FIXTURES = resolve(import.meta.dirname, '..', 'fixtures');

function filesIn(dir: string, pattern: RegExp, transform: (b: Uint8Array) => Uint8Array = (b) => b): Fixture[] {
  return readdirSync(join(FIXTURES, dir))
    .filter((n) => pattern.test(n))
    .sort()
    .map((name) => ({ name, bytes: transform(new Uint8Array(readFileSync(join(FIXTURES, dir, name)))) }));
}

function expectValid(ok: boolean, what: string): void {
  if (!ok) throw new Error(`invalid result accepted: ${what}`);
}

/** A volume is valid when its grid, data and affine agree and are finite where they must be. */
function checkVolume(bytes: Uint8Array): void {
  const img = readNifti(bytes);
  const { dims, data, affine } = img.volume;
  expectValid(dims.length === 3 && dims.every((d) => Number.isInteger(d) && d > 1), `dims ${dims}`);
  expectValid(data.length === dims[0] * dims[1] * dims[2], `data length ${data.length} for dims ${dims}`);
  expectValid(affine.length === 16 && affine.every(Number.isFinite), 'non-finite affine');
  expectValid(
    img.header.voxelSize.every((v) => Number.isFinite(v) && v > 0),
    `voxel size ${img.header.voxelSize}`,
  );
}

export const FUZZ_TARGETS: FuzzTarget[] = [
  {
    // The header, datatypes, scaling, transforms and offsets on uncompressed bytes (the .nii.gz
    // fixtures are inflated first, so their headers are mutated too, not just their deflate stream).
    name: 'NIfTI reader (.nii)',
    fixtures: () => [...filesIn('nifti', /\.nii$/), ...filesIn('nifti', /\.nii\.gz$/, (b) => gunzipSync(b))],
    run: checkVolume,
    runs: 3000,
  },
  {
    // The gzip path: mutated deflate streams, gzip headers and trailers.
    name: 'gzip (.nii.gz)',
    fixtures: () => filesIn('nifti', /\.nii\.gz$/),
    run: checkVolume,
    runs: 1500,
  },
  {
    // The Keras HDF5 import as the worker runs it: convert, then load what was converted.
    name: 'Keras HDF5 import (.h5)',
    fixtures: () => filesIn('h5', /^(keras224_tiny_(weights|libverlatest|fixed)|refuse_unknown_layer|attr_kinds)\.h5$/),
    run: async (bytes) => {
      const converted = convertKerasH5(bytes.slice().buffer, { fileName: 'fuzz.h5' });
      const specBytes = (converted.artifacts.weightSpecs ?? []).reduce((s, w) => s + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
      expectValid(specBytes === (converted.artifacts.weightData as ArrayBuffer).byteLength, 'weight specs and data disagree');
      const model = await loadModel(converted.artifacts, 'fuzz.h5');
      expectValid(model.inputShape.length > 0, 'model without an input shape');
    },
    runs: 1500,
  },
  {
    // The DICOM reader through readScan: the enhanced multi-frame file (a whole volume in one file:
    // functional groups, geometry, pixel decode) and one file of each stored form (implicit, explicit
    // big endian, deflated, JPEG lossless, JPEG-LS, JPEG 2000, RLE: parsing and encapsulation).
    name: 'DICOM reader (readScan)',
    fixtures: () => [
      ...filesIn('dicom/series/enhanced', /^ENH/),
      ...['export-axial', 'coronal-oblique-bigendian', 'axial-deflated', 'jpeg-lossless', 'jpeg-ls', 'jpeg2000', 'rle'].map(
        (series) => filesIn(`dicom/series/${series}`, /^IM/)[0]!,
      ),
    ],
    run: async (bytes) => {
      const scan = await readScan([{ name: 'fuzz.dcm', bytes }]);
      const { dims, data, affine } = scan.volume;
      expectValid(dims.length === 3 && dims.every((d) => Number.isInteger(d) && d > 1), `dims ${dims}`);
      expectValid(data.length === dims[0] * dims[1] * dims[2], `data length ${data.length} for dims ${dims}`);
      expectValid(affine.length === 16 && affine.every(Number.isFinite), 'non-finite affine');
    },
    runs: 3000,
  },
];
