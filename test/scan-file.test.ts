/**
 * Large scan files are read only to the end of their first volume (src/state/scanFile.ts): the
 * prefix gives the same volume as the whole file, a header that cannot be read is refused
 * before any voxel byte is read, and a damaged gzip stream is an InputError.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'fflate';
import { InputError } from '../src/core/errors';
import { niftiFirstVolumeEnd, readNifti } from '../src/core/nifti';
import { readScanFile } from '../src/state/scanFile';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'nifti');
const gz = new Uint8Array(readFileSync(join(FIXTURES, 'fourd_int16.nii.gz')));
const nii = gunzipSync(gz);
const whole = readNifti(nii);

/** A Blob that counts how many of its bytes were read, through slice() and stream(). */
function countingBlob(bytes: Uint8Array): { blob: Blob; read: () => number } {
  let read = 0;
  const wrap = (b: Blob): Blob =>
    new Proxy(b, {
      get(target, prop) {
        if (prop === 'slice') return (...a: Parameters<Blob['slice']>) => wrap(target.slice(...a));
        if (prop === 'arrayBuffer') return () => target.arrayBuffer().then((x) => ((read += x.byteLength), x));
        const v = Reflect.get(target, prop, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  return { blob: wrap(new Blob([bytes as Uint8Array<ArrayBuffer>])), read: () => read };
}

describe('reading a large scan file to its first volume', () => {
  it('the header gives the end of the first volume of a 4D file', () => {
    expect(whole.header.nVolumes).toBeGreaterThan(1);
    const [x, y, z] = whole.volume.dims;
    expect(niftiFirstVolumeEnd(nii.subarray(0, 540))).toBe(whole.header.voxOffset + x * y * z * 2);
    expect(niftiFirstVolumeEnd(nii.subarray(0, 540))).toBeLessThan(nii.length);
  });

  it('an uncompressed 4D file: only header and first volume are read, and they give the same volume', async () => {
    const { blob, read } = countingBlob(nii);
    const prefix = await readScanFile(blob, 0);
    const end = niftiFirstVolumeEnd(nii.subarray(0, 540));
    expect(prefix.length).toBe(end);
    expect(read()).toBeLessThanOrEqual(end + 540 + 2);
    const img = readNifti(prefix);
    expect(img.volume.dims).toEqual(whole.volume.dims);
    expect(img.volume.data).toEqual(whole.volume.data);
    expect(img.notices.join(' ')).toMatch(/4D file with \d+ volumes/);
  });

  it('a .nii.gz 4D file is inflated only to its first volume, with the same volume', async () => {
    const prefix = await readScanFile(new Blob([gz]), 0);
    expect(prefix.length).toBe(niftiFirstVolumeEnd(nii.subarray(0, 540)));
    expect(readNifti(prefix).volume.data).toEqual(whole.volume.data);
  });

  it('a header that cannot be read is refused before any voxel is read', async () => {
    const huge = nii.slice(0, 352);
    const v = new DataView(huge.buffer);
    [3, 1024, 1024, 512, 1].forEach((d, i) => v.setInt16(40 + 2 * i, d, true));
    v.setInt16(70, 16, true);
    const { blob, read } = countingBlob(huge);
    await expect(readScanFile(blob, 0)).rejects.toThrow(/more than the limit of 134217728 voxels/);
    expect(read()).toBeLessThanOrEqual(540);
    await expect(readScanFile(new Blob([new Uint8Array(4096)]), 0)).rejects.toThrow(/not a NIfTI image/);
  });

  it('a damaged gzip stream is an InputError', async () => {
    const bad = gz.slice();
    bad.fill(0x55, 20, 200);
    await expect(readScanFile(new Blob([bad]), 0)).rejects.toBeInstanceOf(InputError);
  });

  it('a small file is read whole, compressed as it is', async () => {
    expect(await readScanFile(new Blob([gz]))).toEqual(gz);
  });
});
