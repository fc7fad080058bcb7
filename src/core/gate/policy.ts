/**
 * What the pipeline does with a whole-head T1: the ONE place to change when the raw-T1 stage
 * (an approximation of CAT12's segmentation) is available. Until then such a scan is refused
 * with a sentence asking for a CAT12 gray-matter map.
 */
import type { GateVerdict } from './types';

export const RAW_T1_VERDICT: GateVerdict = 'refuse';
