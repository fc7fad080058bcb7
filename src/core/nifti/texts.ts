/** The NIfTI reader's most common refusals in English, by key (the page translates them: src/ui/i18n/messagesDe.ts). */
import { messageFrom, type Message } from '../messages';

export const NIFTI_TEXTS = {
  'nifti.notNifti': 'The file is not a NIfTI image (its first bytes are not a NIfTI header); provide a single-file NIfTI image (.nii or .nii.gz).',
  'nifti.truncatedHeader': 'The file is truncated: it ends inside the {size}-byte NIfTI-{version} header; re-export or re-download the file.',
  'nifti.badGzip': 'The gzip data of the file is damaged or truncated ({why}); re-export or re-download the file.',
  'nifti.allNan': 'Every voxel of the image is NaN (not a number), so it holds no data; check the file that was exported.',
  // notices: the file is read, but the person should know
  'nifti.fourD': '4D file with {volumes} volumes: using the first.',
  'nifti.sformQform': 'The sform and qform of the file differ: using the sform.',
  'nifti.voxOffset': "The header's data offset ({offset}) lies inside the header: reading the data from byte {minimum}.",
  'nifti.sclInter': 'The scaling intercept is not a finite number ({value}): using 0.',
  'nifti.someNan': '{nan} of {total} voxels are NaN (not a number).',
} as const;

export type NiftiMessageKey = keyof typeof NIFTI_TEXTS;

export const niftiMessage = (key: NiftiMessageKey, params?: Record<string, string | number>): Message => messageFrom(NIFTI_TEXTS, key, params);
