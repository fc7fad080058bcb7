/** The NIfTI reader's most common refusals in English, by key (the page translates them: src/ui/i18n/messagesDe.ts). */
import { messageFrom, type Message } from '../messages';

export const NIFTI_TEXTS = {
  'nifti.notNifti': 'The file is not a NIfTI image (its first bytes are not a NIfTI header); provide a single-file NIfTI image (.nii or .nii.gz).',
  'nifti.truncatedHeader': 'The file is truncated: it ends inside the {size}-byte NIfTI-{version} header; re-export or re-download the file.',
  'nifti.badGzip': 'The gzip data of the file is damaged or truncated ({why}); re-export or re-download the file.',
  'nifti.allNan': 'Every voxel of the image is NaN (not a number), so it holds no data; check the file that was exported.',
} as const;

export type NiftiMessageKey = keyof typeof NIFTI_TEXTS;

export const niftiMessage = (key: NiftiMessageKey, params?: Record<string, string | number>): Message => messageFrom(NIFTI_TEXTS, key, params);
