/**
 * The gate's sentences in English, by key: each says what the image is and what to provide
 * instead (refusals) or why the result may mislead (doubts). The page's locales translate the
 * same keys (src/ui/i18n/coreDe.ts); numbers arrive as parameters so each locale formats them.
 */
export const GATE_TEXTS = {
  'gate.fourD':
    'This is a 4D series of {volumes} volumes (an fMRI or diffusion scan?) covering {coverage}% of the brain; the model needs one CAT12 gray-matter map (mwp1) made from a T1 scan.',
  'gate.rawT1': 'This is a whole-head T1 scan, not a gray-matter map; segment it with CAT12 and provide its modulated gray-matter map (mwp1).',
  'gate.rawT1Preprocess': 'This is a whole-head T1 scan: it is segmented here first, with an approximation of CAT12 (not CAT12 itself).',
  'gate.brainT1': 'This is a skull-stripped T1 scan, not a gray-matter map; provide the CAT12 gray-matter map (mwp1) of the original T1.',
  'gate.partial': 'This image covers only {coverage}% of the brain; the model needs a whole-brain CAT12 gray-matter map (mwp1) in MNI space.',
  'gate.notMni':
    'This image does not overlap the MNI brain (its first voxel lies at {x}, {y}, {z} mm); provide a CAT12 gray-matter map (mwp1) normalized to MNI space.',
  'gate.empty': 'This image is empty (every voxel is zero or not a number); provide a CAT12 gray-matter map (mwp1).',
  'gate.singular':
    "This image's voxel-to-world matrix is singular, so its place in space is unknown; provide a CAT12 gray-matter map (mwp1) with a valid orientation.",
  'gate.intensity':
    'This is an intensity image (values up to {p995}) with neither the contrast of a T1 nor that of a gray-matter map; provide a CAT12 gray-matter map (mwp1).',
  'gate.notAligned':
    "Only {inside}% of this image's signal lies inside the MNI brain, so it is not aligned to MNI space; provide a CAT12 gray-matter map (mwp1).",
  'gate.doubtOutside':
    '{outside}% of the signal lies outside the MNI brain (skull left in, or a poor normalization?), so the result may not mean what it says.',
  'gate.doubtCoverage':
    'The image covers {coverage}% of the brain; the model reads the missing part as empty gray matter, so the result may not mean what it says.',
  'gate.doubtFourD': "This file holds {volumes} volumes and only the first was analysed (a 4D stack of gray-matter maps?); load each subject's map on its own.",
  'gate.doubtContrast': "The deep white matter holds {wm}% of the image's high values, more than in a gray-matter map; check that this is a CAT12 mwp1 map.",
} as const;

export type GateMessageKey = keyof typeof GATE_TEXTS;
