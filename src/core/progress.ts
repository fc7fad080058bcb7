/** The pipeline's stages and progress events (no tfjs: the page imports these). */
/** 'preprocess' (the raw-T1 stage) runs only for a raw T1; a GM map skips it. */
export type PipelineStage = 'reading' | 'preprocess' | 'grid' | 'forward' | 'relevance' | 'post';
export const PIPELINE_STAGES: readonly PipelineStage[] = ['reading', 'preprocess', 'grid', 'forward', 'relevance', 'post'];

export interface PipelineProgress {
  stage: PipelineStage;
  /** 0..1 within the stage. */
  fraction: number;
  message?: string;
  /** In a combination: which of its analyses runs (1-based), e.g. fold 2 of 10 of a fold ensemble. */
  member?: { index: number; count: number; unit: 'fold' | 'model' | 'analysis' };
}
