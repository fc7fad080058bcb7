export { readNifti, niftiFirstVolumeEnd, DEFAULT_NIFTI_LIMITS } from './read';
export type { NiftiImage, NiftiHeaderInfo, NiftiLimits, AffineSource } from './read';
export { writeNifti } from './write';
export type { WriteNiftiOptions } from './write';
export { orientationCode } from './orientation';
export type { NiftiDatatypeName } from './datatypes';
export { describeScan, formatNumber } from './describe';
