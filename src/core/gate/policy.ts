/**
 * What the pipeline does with a whole-head T1: the raw-T1 stage (src/core/preprocess, an
 * approximation of CAT12's segmentation) makes a CAT12-like gray-matter map of it first. A host
 * that cannot run that stage (no templates given) refuses such a scan with the gate's sentence.
 */
import type { GateVerdict } from './types';

export const RAW_T1_VERDICT: GateVerdict = 'preprocess';
