/** The committed DICOM fixtures (scripts/fixtures/make_dicom_fixtures.py) and a world-space comparison. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ScanFile } from '../../src/core/input';
import { applyToPoint, invert } from '../../src/core/volume/affine';
import type { Volume } from '../../src/core/volume/types';

export const DICOM_FIXTURES = join(__dirname, '..', 'fixtures', 'dicom');
export const PATIENT_NAME = 'TESTPATIENT';
export const PATIENT_ID = 'FAKE-ID-12345';

/** Every file under a folder, names relative to it (as a dropped folder gives them). */
export function folderFiles(dir: string, root = dir): ScanFile[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? folderFiles(path, root) : [{ name: relative(root, path), bytes: new Uint8Array(readFileSync(path)) }];
    });
}

export function seriesFiles(name: string): ScanFile[] {
  return folderFiles(join(DICOM_FIXTURES, 'series', name));
}

export interface WorldComparison {
  /** Pearson correlation of the values at corresponding voxels. */
  correlation: number;
  /** Largest distance (mm) between a voxel centre of `a` and the nearest voxel centre of `b`. */
  maxOffsetMm: number;
  /** Voxels of `a` whose centre falls inside `b`. */
  matched: number;
  /** Largest |a - b| over the pairs. */
  maxAbsDiff: number;
}

/**
 * For every voxel of `a`: its world position, the voxel of `b` nearest to it, the distance
 * between the two centres, and the pair of values. Two readings of one series must pair every
 * voxel with a centre at (almost) the same place and the same value.
 */
export function compareInWorld(a: Volume, b: Volume): WorldComparison {
  const toB = invert(b.affine);
  const [nx, ny, nz] = a.dims;
  const [mx, my, mz] = b.dims;
  let maxOffset = 0;
  let maxAbsDiff = 0;
  let n = 0;
  let sa = 0,
    sb = 0,
    saa = 0,
    sbb = 0,
    sab = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const world = applyToPoint(a.affine, [i, j, k]);
        const p = applyToPoint(toB, world);
        const q = p.map(Math.round) as [number, number, number];
        if (q[0] < 0 || q[1] < 0 || q[2] < 0 || q[0] >= mx || q[1] >= my || q[2] >= mz) continue;
        const back = applyToPoint(b.affine, q);
        maxOffset = Math.max(maxOffset, Math.hypot(back[0] - world[0], back[1] - world[1], back[2] - world[2]));
        const va = Number(a.data[i + nx * (j + ny * k)]);
        const vb = Number(b.data[q[0] + mx * (q[1] + my * q[2])]);
        maxAbsDiff = Math.max(maxAbsDiff, Math.abs(va - vb));
        n++;
        sa += va;
        sb += vb;
        saa += va * va;
        sbb += vb * vb;
        sab += va * vb;
      }
    }
  }
  const cov = sab - (sa * sb) / n;
  const correlation = cov / Math.sqrt((saa - (sa * sa) / n) * (sbb - (sb * sb) / n));
  return { correlation, maxOffsetMm: maxOffset, matched: n, maxAbsDiff };
}
