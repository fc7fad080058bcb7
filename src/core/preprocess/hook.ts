/**
 * How the one pipeline calls the raw-T1 stage: whether to run it (one function, so the input gate
 * can take over the decision) and what a failed QC means (no analysis: PreprocessRefused).
 */
import { InputError } from '../errors';
import type { NiftiHeaderInfo } from '../nifti';
import type { Volume } from '../volume/types';
import type { ScanKind } from '../volume/sanity';
import { preprocessT1, PREPROCESS_STEPS, type PreprocessResult } from './index';
import type { PreprocessTemplates } from './templates';

export type PreprocessMode = 'auto' | 'always' | 'never';

export interface PreprocessHook {
  /** The templates, or how to get them (the page fetches them only when a raw T1 arrives). */
  templates: PreprocessTemplates | (() => Promise<PreprocessTemplates>);
  mode?: PreprocessMode;
}

/** A scan whose QC failed: the message is the verdict's reason; the result is kept for the QC view. */
export class PreprocessRefused extends InputError {
  constructor(readonly result: PreprocessResult) {
    super(`The raw-T1 stage failed quality control: ${result.qc.reason.text}`);
  }
}

/** auto: the scan looks like a raw T1 (the input gate's 'preprocess' verdict will replace this test). */
export function wantsPreprocessing(mode: PreprocessMode, scanKind: { kind: ScanKind }): boolean {
  if (mode === 'never') return false;
  if (mode === 'always') return true;
  return scanKind.kind === 'raw-t1';
}

export async function runPreprocessIfWanted(
  image: { volume: Volume<Float32Array>; header?: NiftiHeaderInfo },
  scanKind: { kind: ScanKind },
  hook: PreprocessHook,
  report: (fraction: number, message: string) => void,
  signal?: AbortSignal,
): Promise<PreprocessResult | undefined> {
  if (!wantsPreprocessing(hook.mode ?? 'auto', scanKind)) return undefined;
  report(0, 'loading the templates');
  const templates = typeof hook.templates === 'function' ? await hook.templates() : hook.templates;
  const result = await preprocessT1(image.volume, {
    templates,
    header: image.header,
    signal,
    onProgress: (p) => report((PREPROCESS_STEPS.indexOf(p.step) + p.fraction) / PREPROCESS_STEPS.length, p.step),
  });
  if (result.qc.verdict === 'fail') throw new PreprocessRefused(result);
  return result;
}
