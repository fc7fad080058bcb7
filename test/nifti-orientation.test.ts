/** orientationCode against nibabel.aff2axcodes on 48 axis permutations/flips and 41 oblique or sheared affines. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { orientationCode } from '../src/core/nifti';

const cases = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'nifti', 'orientation_cases.json'), 'utf8')) as {
  affine: number[];
  code: string;
}[];

describe('orientationCode', () => {
  it('matches nibabel.aff2axcodes on every case', () => {
    expect(cases.length).toBeGreaterThan(80);
    const wrong = cases.filter((c) => orientationCode(c.affine) !== c.code).map((c) => `${c.code} vs ${orientationCode(c.affine)}`);
    expect(wrong).toEqual([]);
  });

  it('gives LAS for the model grid and RAS for the identity', () => {
    expect(orientationCode([-1.5, 0, 0, 90, 0, 1.5, 0, -126, 0, 0, 1.5, -72, 0, 0, 0, 1])).toBe('LAS');
    expect(orientationCode([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])).toBe('RAS');
  });
});
