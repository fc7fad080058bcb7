/**
 * The demo cases' covariates (public/demo/index.json), which the page puts into the covariate form
 * when a case is chosen (state/actions.ts loadDemo; browser tests truth and habits check the form):
 * each case lists the age, sex, TIV and field strength its map was generated with, so a
 * residualizing model removes exactly the effects that map carries.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sexCode } from '../src/core/analysis/covariatesInput';
import { groupOf, subjectMeta } from '../src/training/synth';

const DEMO_SEED = 3000; // scripts/make-demo-cases.ts
const index = JSON.parse(readFileSync(join('public', 'demo', 'index.json'), 'utf8')) as Array<Record<string, unknown>>;

describe('demo cases', () => {
  it('nine cases (3 CN, 3 MCI, 3 AD), each with its file and a complete set of covariates', () => {
    expect(index.map((d) => d.group)).toEqual(['CN', 'MCI', 'AD', 'CN', 'MCI', 'AD', 'CN', 'MCI', 'AD']);
    for (const d of index) {
      expect(existsSync(join('public', 'demo', d.file as string))).toBe(true);
      expect(d.age).toBeGreaterThanOrEqual(55);
      expect(d.age).toBeLessThanOrEqual(92);
      expect(['F', 'M']).toContain(d.sex);
      expect(sexCode(d.sex as string)).not.toBe(0.5); // never "unknown"
      expect(d.tiv).toBeGreaterThanOrEqual(1150);
      expect(d.tiv).toBeLessThanOrEqual(1750);
      expect([1.5, 3]).toContain(d.field);
    }
  });

  it("lists the covariates the generator drew for each case's map (seed 3000, case i)", () => {
    index.forEach((d, i) => {
      const group = groupOf(i);
      const m = subjectMeta(DEMO_SEED, i, group, d.id as string);
      expect(d.id).toBe(`demo-${String(i + 1).padStart(2, '0')}-${group}`);
      expect({ age: d.age, sex: d.sex, tiv: d.tiv, field: d.field }).toEqual({ age: m.age, sex: m.sex, tiv: m.tiv, field: m.field });
    });
  });
});
