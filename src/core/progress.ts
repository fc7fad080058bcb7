/** The pipeline's stages and progress events (no tfjs: the page imports these). */
export type PipelineStage = 'reading' | 'grid' | 'forward' | 'relevance' | 'post';
export const PIPELINE_STAGES: readonly PipelineStage[] = ['reading', 'grid', 'forward', 'relevance', 'post'];

export interface PipelineProgress {
  stage: PipelineStage;
  /** 0..1 within the stage. */
  fraction: number;
  message?: string;
}
