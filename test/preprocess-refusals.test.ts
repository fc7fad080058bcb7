/**
 * Images the raw-T1 stage must refuse or flag with one sentence (docs/raw-t1-stage.md): a T2-like
 * and a CT-like image, a head cut in half, 5 mm slices, a brain-extracted T1 (which must still work,
 * saying why it is less reliable), and header trouble (sform/qform disagreement, a left-right flip).
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/core/errors';
import { readNifti } from '../src/core/nifti';
import { preprocessT1 } from '../src/core/preprocess';
import { correlation } from '../src/core/preprocess/affineRegistration';
import { headerFigures } from '../src/core/preprocess/geometry';
import { judge } from '../src/core/preprocess/qc';
import { simulateRawT1 } from '../src/training/rawT1Sim';
import { ch2, ch2betBytes, ctLike, headCutInHalf, simAssets, t2Like, templates } from './helpers/rawT1';
import type { NiftiHeaderInfo } from '../src/core/nifti';

const oneSentence = (s: string) => {
  expect(s.trim()).toMatch(/^[A-Z].*[.]$/);
  expect(s.slice(0, -1)).not.toMatch(/[.!?] [A-Z]/);
};

describe('raw-T1 stage refuses or flags what it cannot make a GM map of', () => {
  it.each([
    ['T2-like', t2Like, /T1 contrast/],
    ['CT-like', ctLike, /matches the head template poorly|T1 contrast/],
    ['head cut in half', headCutInHalf, /brain is inside the scan/],
  ])(
    '%s: verdict fail with one sentence',
    async (name, make, pattern) => {
      const out = await preprocessT1(make(), { templates });
      console.log(`${name}: ${out.qc.verdict}: ${out.qc.reason.text}`);
      expect(out.qc.verdict).toBe('fail');
      expect(out.qc.reason.text).toMatch(pattern);
      oneSentence(out.qc.reason.text);
    },
    300_000,
  );

  it('5 mm slices: refused before any work, in one sentence', async () => {
    const sim = simulateRawT1(simAssets, { seed: 5, voxelSize: [1.2, 1.2, 5] });
    const image = readNifti(sim.bytes);
    let error: unknown;
    try {
      await preprocessT1(image.volume, { templates });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/5 mm slices/);
    oneSentence((error as Error).message);
  }, 120_000);

  it('a brain-extracted T1 (ch2bet) still works, flagged as doubtful with the reason', async () => {
    const out = await preprocessT1(readNifti(ch2betBytes).volume, { templates });
    const r = correlation(out.gm, simAssets.gm);
    console.log(`ch2bet: ${out.qc.verdict}: ${out.qc.reason.text} r = ${r.toFixed(4)}`);
    expect(out.qc.verdict).toBe('doubtful');
    expect(out.qc.reason.key).toBe('preprocess.qc.brainExtracted');
    expect(r).toBeGreaterThan(0.95);
  }, 300_000);
});

describe('header checks', () => {
  const header = (sform: number[], qform: number[]) => ({ ...ch2.header, sform, qform }) as NiftiHeaderInfo;
  const grid = ch2.header.sform!;
  it('agreeing forms give 0 mm and no flip', () => {
    expect(headerFigures(header([...grid], [...grid]))).toEqual({ sform_qform_mm: 0, sform_qform_flip: 0 });
  });
  it('a qform with the other handedness is a possible left-right flip (doubtful)', () => {
    const flipped = [...grid];
    flipped[0] = -flipped[0]!;
    flipped[3] = -flipped[3]!;
    const f = headerFigures(header([...grid], flipped));
    expect(f.sform_qform_flip).toBe(1);
    const qc = judge({ ...passingFigures(), ...f });
    expect(qc.verdict).toBe('doubtful');
    expect(qc.reason.key).toBe('preprocess.qc.leftRightFlip');
  });
  it('forms 12 mm apart are reported', () => {
    const shifted = [...grid];
    shifted[7] = shifted[7]! + 12;
    const f = headerFigures(header([...grid], shifted));
    expect(f.sform_qform_mm).toBeCloseTo(12, 5);
    expect(judge({ ...passingFigures(), ...f }).reason.key).toBe('preprocess.qc.formsDisagree');
  });
});

/** Figures of a scan that passes (what ch2 gives, rounded). */
function passingFigures(): Record<string, number> {
  return {
    registration_r: 0.99,
    coverage: 1,
    csf_mean: 0.66,
    gm_mean: 0.9,
    wm_mean: 1.12,
    gm_sd: 0.07,
    tiv_ml: 1800,
    gm_tiv: 0.39,
    gm_r_nonlinear: 0.98,
    bias_p05: 0.95,
    bias_p95: 1.03,
    brain_extracted: 0,
  };
}

describe('QC verdicts from figures', () => {
  it('passes plausible figures with the pass sentence', () => {
    const qc = judge(passingFigures());
    expect(qc.verdict).toBe('pass');
    expect(qc.reason.key).toBe('preprocess.qc.pass');
  });
  it.each([
    [{ tiv_ml: 3000 }, 'fail', 'preprocess.qc.tiv'],
    [{ tiv_ml: 2200 }, 'doubtful', 'preprocess.qc.tiv'],
    [{ gm_tiv: 0.1 }, 'fail', 'preprocess.qc.gmRatio'],
    [{ bias_p05: 0.6, bias_p95: 1.4 }, 'doubtful', 'preprocess.qc.bias'],
    [{ registration_r: 0.3 }, 'fail', 'preprocess.qc.lowRegistration'],
  ])('%o -> %s (%s)', (change, verdict, key) => {
    const qc = judge({ ...passingFigures(), ...change });
    expect(qc.verdict).toBe(verdict);
    expect(qc.reasons.map((m) => m.key)).toContain(key);
  });
});
