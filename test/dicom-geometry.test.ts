/**
 * Slice-stack geometry and stored-value rules on hand-made planes, where the right answer is known
 * by construction: sorting by position, LPS -> RAS, the PixelSpacing order, gantry tilt as an
 * exact sheared affine, and refusals for duplicates and uneven spacing; BitsStored and sign.
 */
import { describe, expect, it } from 'vitest';
import { stackGeometry } from '../src/core/dicom';
import type { FramePlane, PixelFormat } from '../src/core/dicom';
import { writeFrameValues } from '../src/core/dicom/pixels';
import { applyToPoint } from '../src/core/volume/affine';

type V = [number, number, number];
const plane = (position: V, rowCosine: V = [1, 0, 0], columnCosine: V = [0, 1, 0]): FramePlane => ({
  position,
  rowCosine,
  columnCosine,
  pixelSpacing: [0.8, 1.2],
  slope: 1,
  intercept: 0,
});
const shuffle = <T>(a: T[]) =>
  a
    .map((x, i) => [((i * 7919) % 31) + i / 100, x] as const)
    .sort((p, q) => p[0] - q[0])
    .map((p) => p[1]);

describe('stackGeometry', () => {
  it('sorts by position along the normal and maps voxels to RAS with PixelSpacing = [rows, columns]', () => {
    const planes = shuffle(Array.from({ length: 20 }, (_, k) => plane([10, -20, 30 + 2.5 * k])));
    const r = stackGeometry(planes, 64, 48, 'test');
    if (!r.ok) throw new Error(r.problem);
    const g = r.geometry;
    expect(g.order.map((i) => planes[i]!.position[2])).toEqual(Array.from({ length: 20 }, (_, k) => 30 + 2.5 * k));
    expect(g.spacing.map((v) => Number(v.toFixed(6)))).toEqual([1.2, 0.8, 2.5]);
    // voxel (i, j, k) = LPS (10 + 1.2 i, -20 + 0.8 j, 30 + 2.5 k) -> RAS (-x, -y, z)
    expect(applyToPoint(g.affine, [3, 5, 7]).map((v) => Number(v.toFixed(6)))).toEqual([-(10 + 3.6), -(-20 + 4), 30 + 17.5]);
    expect(g.tiltDegrees).toBeCloseTo(0, 6);
  });

  it('places a gantry-tilted stack exactly through a sheared affine', () => {
    const tilt = (12 * Math.PI) / 180;
    const planes = Array.from({ length: 16 }, (_, k) => plane([0, 3 * k * Math.tan(tilt), 3 * k]));
    const r = stackGeometry(planes, 32, 32, 'test');
    if (!r.ok) throw new Error(r.problem);
    expect(r.geometry.tiltDegrees).toBeCloseTo(12, 6);
    const p = applyToPoint(r.geometry.affine, [0, 0, 10]);
    expect(p[1]).toBeCloseTo(-30 * Math.tan(tilt), 6); // RAS y = -LPS y
    expect(p[2]).toBeCloseTo(30, 6);
  });

  it('refuses duplicates, uneven spacing and positions off a line, each in one sentence', () => {
    const dup = [...Array.from({ length: 12 }, (_, k) => plane([0, 0, 2 * k])), plane([0, 0, 4])];
    expect(stackGeometry(dup, 8, 8, 'S')).toMatchObject({ ok: false, problem: expect.stringMatching(/slice position already taken/) });
    const uneven = Array.from({ length: 12 }, (_, k) => plane([0, 0, 2 * k + (k > 6 ? 0.7 : 0)]));
    expect(stackGeometry(uneven, 8, 8, 'S')).toMatchObject({ ok: false, problem: expect.stringMatching(/unevenly spaced/) });
    const wobbly = Array.from({ length: 12 }, (_, k) => plane([k === 5 ? 1.5 : 0, 0, 2 * k]));
    expect(stackGeometry(wobbly, 8, 8, 'S')).toMatchObject({ ok: false, problem: expect.stringMatching(/do not lie on a line/) });
    const mixed = Array.from({ length: 12 }, (_, k) => plane([0, 0, 2 * k], k === 3 ? [0, 1, 0] : [1, 0, 0], k === 3 ? [1, 0, 0] : [0, 1, 0]));
    expect(stackGeometry(mixed, 8, 8, 'S')).toMatchObject({ ok: false, problem: expect.stringMatching(/mixes slice orientations/) });
  });
});

describe('stored values', () => {
  const format = (bitsStored: number, signed: boolean): PixelFormat => ({
    rows: 1,
    columns: 4,
    bitsAllocated: 16,
    bitsStored,
    signed,
    samplesPerPixel: 1,
    photometric: 'MONOCHROME2',
  });
  it('keeps BitsStored bits, sign-extends signed values, then rescales', () => {
    const out = new Float32Array(4);
    // 12-bit signed: 0x0FFF = -1, 0x0800 = -2048, 0x07FF = 2047; bits above 12 are ignored (0xF001 -> 1)
    writeFrameValues(new Uint16Array([0x0fff, 0x0800, 0x07ff, 0xf001]), format(12, true), { ...plane([0, 0, 0]), slope: 2, intercept: -1 }, out, 0);
    expect([...out]).toEqual([-3, -4097, 4093, 1]);
    writeFrameValues(new Uint16Array([0x0fff, 0x0800, 0x07ff, 0xf001]), format(12, false), plane([0, 0, 0]), out, 0);
    expect([...out]).toEqual([4095, 2048, 2047, 1]);
    writeFrameValues(new Uint16Array([0xffff, 0x8000, 1, 0]), format(16, true), plane([0, 0, 0]), out, 0);
    expect([...out]).toEqual([-1, -32768, 1, 0]);
  });
});

describe('readScan on a tilted stack', () => {
  it('places a gantry-tilted series through a sheared affine and says so', async () => {
    const { syntheticSeries } = await import('../scripts/dicom-synth');
    const { readScan } = await import('../src/core/input');
    const { en } = await import('../src/ui/i18n/en');
    const scan = await readScan(await syntheticSeries({ slices: 24, rows: 32, cols: 32, tiltDegrees: 15 }));
    const tilt = scan.notices.find((n) => n.key === 'dicom.tilt')!;
    expect(tilt.params?.deg).toBe(15);
    expect(en['dicom.tilt'].replace('{deg}', '15')).toBe(tilt.text);
    // slice k starts at LPS (-120, -120 + (k - 12) tan 15°, k - 12): RAS (120, 120 - ..., k - 12)
    const p = applyToPoint(scan.volume.affine, [0, 0, 20]);
    expect(p[0]).toBeCloseTo(120, 3);
    expect(p[1]).toBeCloseTo(120 - 8 * Math.tan((15 * Math.PI) / 180), 3);
    expect(p[2]).toBeCloseTo(8, 3);
  });
});
