/**
 * Images the model was not made for, made at test time from the committed Colin27 and demo
 * assets (no new fixtures): a whole-head T1, a skull-stripped T1, a 4D "fMRI" slab with partial
 * coverage, a gray-matter map cut to a thin slab, and one cut to most of the brain (doubtful).
 * Shared by the unit tests of the gate and the browser tests of the page.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readNifti, writeNifti } from '../../src/core/nifti';
import type { Volume } from '../../src/core/volume/types';

const ROOT = resolve(import.meta.dirname, '../..');
const asset = (path: string) => new Uint8Array(readFileSync(join(ROOT, 'public', path)));

export const wholeHeadT1 = () => asset('template/colin27_t1.nii.gz');
export const brainExtractedT1 = () => asset('template/colin27_brain.nii.gz');
export const demoGm = (id = 'demo-03-AD') => asset(`demo/${id}.nii.gz`);

/** Keeps axial slices k0..k1 (inclusive) of a volume, every `step`-th voxel in-plane and across, with the affine to match. */
function crop(v: Volume<Float32Array>, k0: number, k1: number, step = 1): Volume<Float32Array> {
  const [nx, ny] = v.dims;
  const mx = Math.floor((nx - 1) / step) + 1,
    my = Math.floor((ny - 1) / step) + 1,
    mz = Math.floor((k1 - k0) / step) + 1;
  const data = new Float32Array(mx * my * mz);
  for (let k = 0; k < mz; k++)
    for (let j = 0; j < my; j++) for (let i = 0; i < mx; i++) data[i + mx * (j + my * k)] = v.data[i * step + nx * (j * step + ny * (k0 + k * step))]!;
  const a = [...v.affine];
  for (let r = 0; r < 3; r++) {
    a[4 * r + 3] = a[4 * r + 3]! + a[4 * r + 2]! * k0;
    for (let c = 0; c < 3; c++) a[4 * r + c] = a[4 * r + c]! * step;
  }
  return { dims: [mx, my, mz], data, affine: a };
}

/** A slab of the demo GM map, `slices` axial slices (1.5 mm) centred on z = 8 mm. */
export function gmSlab(slices: number): Uint8Array {
  const v = readNifti(demoGm()).volume;
  const centre = 53; // z = 1.5 k - 72 = 8 mm
  const half = Math.floor(slices / 2);
  return writeNifti(crop(v, centre - half, centre - half + slices - 1), { datatype: 'float32', gzip: true });
}

/** A 4D stack of `volumes` copies of a demo gray-matter map (as SPM's "merge" writes subjects' maps). */
export function gmStack(volumes = 3): Uint8Array {
  return asFourD(readNifti(demoGm()).volume, volumes);
}

/** The volume as the first of `volumes` time points (later ones slightly changed): a 4D NIfTI, uncompressed. */
function asFourD(v: Volume<Float32Array>, volumes: number): Uint8Array {
  const one = writeNifti(v, { datatype: 'float32', gzip: false });
  const n = v.data.length;
  const out = new Uint8Array(one.length + 4 * n * (volumes - 1));
  out.set(one);
  const view = new DataView(out.buffer);
  view.setInt16(40, 4, true); // dim[0]: 4 dimensions
  view.setInt16(48, volumes, true); // dim[4]: time points
  for (let t = 1; t < volumes; t++)
    for (let i = 0; i < n; i++) view.setFloat32(one.length + 4 * (n * (t - 1) + i), v.data[i]! * (1 + 0.01 * Math.sin(t + i)), true);
  return out;
}

/**
 * An "fMRI run": the Colin27 T1 at 3 mm, an axial slab of `slices` slices through the upper
 * brain, `volumes` time points with a little signal change: a 4D NIfTI (dim[0] = 4).
 */
export function fourDSlab(volumes = 6, slices = 12): Uint8Array {
  const t1 = readNifti(wholeHeadT1()).volume;
  return asFourD(crop(t1, 56, 56 + 2 * (slices - 1), 2), volumes);
}
