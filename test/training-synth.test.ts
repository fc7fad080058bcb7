import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readNifti } from '../src/core/nifti';
import { fitGmm3, gmFraction } from '../src/training/gmTemplate';
import { makeRng } from '../src/training/prng';
import { makeSynthContext, subjectMeta, synthSubject, GROUPS } from '../src/training/synth';

const template = readNifti(readFileSync('public/template/gm_template.nii.gz')).volume;
const aal = readNifti(readFileSync('public/atlas/aal.nii.gz')).volume;
const ctx = makeSynthContext(template.data, aal.data, template.dims);
const VOXEL_CM3 = 3.375 / 1000;

/** Independent: sum of the map over AAL 37 + 38 straight from the atlas file. */
function hippocampus(gm: Float32Array): number {
  let s = 0;
  for (let i = 0; i < gm.length; i++) if (aal.data[i] === 37 || aal.data[i] === 38) s += gm[i]!;
  return s * VOXEL_CM3;
}

describe('GM template', () => {
  it('is a GM fraction map (0..1) with a healthy adult GM volume and GM in the cortex ribbon, not in deep WM', () => {
    let sum = 0,
      max = 0;
    for (const v of template.data) {
      sum += v;
      max = Math.max(max, v);
    }
    expect(max).toBeLessThanOrEqual(1.0001);
    expect(sum * VOXEL_CM3).toBeGreaterThan(550);
    expect(sum * VOXEL_CM3).toBeLessThan(850);
    // mean GM inside the AAL hippocampus (GM structure) is far above that of voxels outside any AAL label inside the brain (mostly WM)
    let hip = 0,
      nh = 0,
      wm = 0,
      nw = 0;
    for (let i = 0; i < template.data.length; i++) {
      if (aal.data[i] === 37 || aal.data[i] === 38) {
        hip += template.data[i]!;
        nh++;
      } else if (aal.data[i] === 0 && template.data[i]! > 0) {
        wm += template.data[i]!;
        nw++;
      }
    }
    expect(hip / nh).toBeGreaterThan(0.5);
    expect(hip / nh).toBeGreaterThan(2 * (wm / nw));
  });

  it('EM recovers the means of a known 3-class mixture; PV unmixing is 1 at the GM mean and 0 in pure WM', () => {
    const rng = makeRng(5);
    const x = new Float32Array(30000);
    for (let i = 0; i < x.length; i++) {
      const c = i % 10 < 2 ? 0 : i % 10 < 6 ? 1 : 2;
      x[i] = rng.normal([40, 85, 115][c]!, [8, 6, 4][c]!);
    }
    const fit = fitGmm3(x);
    expect(fit.means[0]).toBeCloseTo(40, 0);
    expect(fit.means[1]).toBeCloseTo(85, 0);
    expect(fit.means[2]).toBeCloseTo(115, 0);
    expect(gmFraction(fit.means[1], fit)).toBeCloseTo(1, 6);
    expect(gmFraction(125, fit)).toBe(0);
    expect(gmFraction(20, fit)).toBe(0);
  });
});

describe('synthetic cohort', () => {
  it('is deterministic per seed and subject, and differs between seeds', () => {
    const a = synthSubject(ctx, 42, 3, 'AD'),
      b = synthSubject(ctx, 42, 3, 'AD'),
      c = synthSubject(ctx, 43, 3, 'AD');
    expect(a.meta).toEqual(b.meta);
    expect(Buffer.from(a.gm.buffer).equals(Buffer.from(b.gm.buffer))).toBe(true);
    expect(Buffer.from(a.atrophy.buffer).equals(Buffer.from(b.atrophy.buffer))).toBe(true);
    expect(Buffer.from(a.gm.buffer).equals(Buffer.from(c.gm.buffer))).toBe(false);
    const { hippocampalGm: _h, ...rest } = a.meta;
    expect(subjectMeta(42, 3, 'AD')).toEqual(rest);
  });

  it('keeps TIV in 1150..1750 cm3 and ages plausible', () => {
    for (let i = 0; i < 300; i++) {
      const m = subjectMeta(7, i, GROUPS[i % 3]!);
      expect(m.tiv).toBeGreaterThanOrEqual(1150);
      expect(m.tiv).toBeLessThanOrEqual(1750);
      expect(m.age).toBeGreaterThanOrEqual(55);
      expect(m.age).toBeLessThanOrEqual(92);
      expect([1.5, 3]).toContain(m.field);
    }
  });

  it('reports the hippocampal GM volume of its map, and CN > MCI > AD on average', () => {
    const vols: Record<string, number[]> = { CN: [], MCI: [], AD: [] };
    for (let i = 0; i < 18; i++) {
      const g = GROUPS[i % 3]!;
      const s = synthSubject(ctx, 11, i, g);
      expect(s.meta.hippocampalGm).toBeCloseTo(hippocampus(s.gm), 6);
      // volume relative to TIV removes the head-size effect
      vols[g]!.push(s.meta.hippocampalGm / s.meta.tiv);
    }
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(vols.CN!)).toBeGreaterThan(mean(vols.MCI!));
    expect(mean(vols.MCI!)).toBeGreaterThan(mean(vols.AD!));
    expect(mean(vols.AD!) / mean(vols.CN!)).toBeLessThan(0.85);
  });

  it('puts the ground-truth atrophy in the hippocampus far above elsewhere, and none in CN', () => {
    const ad = synthSubject(ctx, 5, 0, 'AD');
    let hip = 0,
      nh = 0,
      occ = 0,
      no = 0;
    for (let i = 0; i < ad.atrophy.length; i++) {
      const l = aal.data[i]!;
      if (l === 37 || l === 38) {
        hip += ad.atrophy[i]!;
        nh++;
      }
      if (l >= 43 && l <= 54) {
        occ += ad.atrophy[i]!;
        no++;
      } // occipital lobe (AAL 43-54): spared
    }
    expect(hip / nh).toBeGreaterThan(0.1);
    expect(hip / nh).toBeGreaterThan(20 * (occ / no));
    const cn = synthSubject(ctx, 5, 1, 'CN');
    expect(cn.atrophy.every((v) => v === 0)).toBe(true);
  });
});
