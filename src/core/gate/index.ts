export type { GateDecision, GateVerdict, ScanClass } from './types';
export { decideInput, withoutPreprocessing, type GateHeader } from './decide';
export { GATE_TEXTS, type GateMessageKey } from './texts';
export { RAW_T1_VERDICT } from './policy';
export { InputRefused } from './refusal';
