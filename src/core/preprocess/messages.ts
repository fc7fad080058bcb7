/** The raw-T1 stage's sentences for people (locale keys under "preprocess." in src/ui/i18n). */
import { message, type Message } from '../messages';

export const APPROX_LABEL: Message = message(
  'preprocess.approxLabel',
  'Approximate CAT12-like gray-matter map made in your browser from a raw T1 (not CAT12); check the quality control before trusting the result.',
);

const f1 = (x: number) => Math.round(x * 10) / 10;
const f0 = (x: number) => Math.round(x);
const pct = (x: number) => Math.round(x * 100);

export const QC_MESSAGES = {
  pass: () => message('preprocess.qc.pass', 'Registration, tissue volumes and coverage are within the expected ranges.'),
  thickSlices: (mm: number) =>
    message(
      'preprocess.qc.thickSlices',
      `The scan has ${f1(mm)} mm slices, too thick for a gray-matter map (3 mm at most); use a 3D T1 series such as an MPRAGE instead.`,
      { mm: f1(mm) },
    ),
  notT1: () =>
    message(
      'preprocess.qc.notT1',
      'The image does not have T1 contrast (white matter brighter than gray matter, gray matter brighter than CSF), so no gray-matter map can be made; give a T1-weighted scan.',
    ),
  lowRegistration: (r: number) =>
    message(
      'preprocess.qc.lowRegistration',
      `The scan matches the head template poorly after registration (correlation ${r.toFixed(2)}); check that it is a whole-head T1 and look at the warped image.`,
      { r: Number(r.toFixed(2)) },
    ),
  coverage: (fraction: number) =>
    message(
      'preprocess.qc.coverage',
      `Only ${pct(fraction)}% of the template's brain is inside the scan; the head seems cut off, so give a scan that covers the whole brain.`,
      { percent: pct(fraction) },
    ),
  tiv: (ml: number) =>
    message(
      'preprocess.qc.tiv',
      `The total intracranial volume came out at ${f0(ml)} ml, outside the plausible range of an adult (about 1000 to 2100 ml); check the warped image.`,
      { ml: f0(ml) },
    ),
  gmRatio: (ratio: number) =>
    message(
      'preprocess.qc.gmRatio',
      `Gray matter came out at ${pct(ratio)}% of the intracranial volume, outside the plausible range (about 30 to 55%); check the tissue maps.`,
      { percent: pct(ratio) },
    ),
  bias: (lo: number, hi: number) =>
    message('preprocess.qc.bias', `The intensity bias field is strong (${lo.toFixed(2)} to ${hi.toFixed(2)}); tissue boundaries may be misclassified.`, {
      lo: Number(lo.toFixed(2)),
      hi: Number(hi.toFixed(2)),
    }),
  formsDisagree: (mm: number) =>
    message('preprocess.qc.formsDisagree', `The header's sform and qform disagree by ${f0(mm)} mm; the sform was used, check the orientation.`, { mm: f0(mm) }),
  leftRightFlip: () =>
    message(
      'preprocess.qc.leftRightFlip',
      "The header's sform and qform have opposite handedness, a possible left-right flip that registration cannot see; check the scan's orientation markers.",
    ),
  brainExtracted: () =>
    message(
      'preprocess.qc.brainExtracted',
      'The image is already brain-extracted (no skull); it was registered to the brain-only template, which is less reliable than a whole-head scan.',
    ),
  gmOverlap: (r: number) =>
    message(
      'preprocess.qc.gmOverlap',
      `The gray-matter map matches the template's only weakly after nonlinear registration (correlation ${r.toFixed(2)}); look at the warped image.`,
      { r: Number(r.toFixed(2)) },
    ),
};
