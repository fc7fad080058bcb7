import type { Message } from '../messages';

export type ScanClass =
  | 'gm-on-grid'
  | 'gm-off-grid'
  | 'raw-t1'
  | 'brain-extracted-t1'
  | 'four-d'
  | 'partial-coverage'
  | 'unknown-contrast'
  /** A precomputed relevance map (a batch run's *_statmap) opened as an overlay: no model sees it. */
  | 'relevance-map';

/** analyze: as is; doubtful: analyze, but show/export the reasons as a warning; preprocess: raw-T1 stage first; refuse: no result. */
export type GateVerdict = 'analyze' | 'doubtful' | 'preprocess' | 'refuse';

export interface GateDecision {
  scanClass: ScanClass;
  verdict: GateVerdict;
  /** One sentence each: what the image is and what to provide instead (refuse) or why to doubt it (doubtful). */
  reasons: Message[];
  /** The figures the decision rests on (e.g. brainCoverage 0.24), for Diagnostics and reports. */
  figures: Record<string, number>;
}
