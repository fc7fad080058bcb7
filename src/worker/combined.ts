/**
 * Combined analyses of one scan, run one after another in the worker:
 *  - the mean of several models (e.g. cross-validation folds): mean probability, mean logits,
 *    mean raw relevance, displayed with the usual post-processing;
 *  - the difference A - B of two analyses (two methods, or two models): raw relevance A - B,
 *    displayed with the same smoothing, scaling and colormap.
 */
import { InputError } from '../core/errors';
import { say } from './texts';
import { differenceMap, mean, meanMaps, meanVectors } from '../core/analysis/combine';
import { displayMap } from '../core/analysis/scale';
import { CAT12_GRID } from '../core/volume/grid';
import type { PipelineProgress, PipelineRequest, PipelineResult } from './protocol';

type RunOne = (req: PipelineRequest, onProgress: (p: PipelineProgress) => void, signal: AbortSignal) => Promise<PipelineResult>;

function checkAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new DOMException('The analysis was cancelled.', 'AbortError');
}

export async function runCombined(
  req: PipelineRequest,
  onProgress: (p: PipelineProgress) => void,
  signal: AbortSignal,
  runOne: RunOne,
): Promise<PipelineResult> {
  const single = { ...req, averageModelIds: undefined, compareWith: undefined };
  const parts: PipelineRequest[] = req.averageModelIds?.length
    ? [...new Set(req.averageModelIds)].map((modelId) => ({ ...single, modelId }))
    : [single, { ...single, modelId: req.compareWith!.modelId, method: req.compareWith!.method }];
  if (req.averageModelIds?.length === 1) throw new InputError(say('worker.averageNeedsTwo'));
  const results: PipelineResult[] = [];
  for (let n = 0; n < parts.length; n++) {
    checkAborted(signal);
    const prefix = req.averageModelIds?.length ? `model ${n + 1} of ${parts.length}` : n === 0 ? 'A' : 'B';
    results.push(await runOne(parts[n], (p) => onProgress({ ...p, message: `${prefix}: ${p.message ?? ''}`.trim() }), signal));
  }
  checkAborted(signal);
  onProgress({ stage: 'post', fraction: 0.5, message: 'combining' });
  const first = results[0];
  const members = results.map((r, n) => ({ modelId: parts[n]!.modelId, method: parts[n]!.method, modelLabel: r.modelLabel, methodLabel: r.methodLabel, probability: r.probability }));
  const unique = (ms: PipelineResult['notices']) => [...new Map(ms.map((m) => [m.text, m])).values()];
  const notices = unique(results.flatMap((r) => r.notices));
  const engineNotes = unique(results.flatMap((r) => r.engineNotes));
  // The same scan in every part: one gate decision.
  const gate = first.gate;
  const timings: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.timings)) timings[k] = (timings[k] ?? 0) + v;

  if (req.averageModelIds?.length) {
    const relevance = meanMaps(results.map((r) => r.relevance));
    return {
      background: first.background,
      relevance,
      display: displayMap(relevance, CAT12_GRID.dims, first.displayOptions ?? { scaling: 'fixed' }),
      logits: meanVectors(results.map((r) => r.logits)),
      probability: mean(results.map((r) => r.probability)),
      modelLabel: `mean of ${results.length} models`,
      methodLabel: first.methodLabel,
      notices,
      engineNotes,
      gate,
      timings,
      backend: first.backend,
      residualizedWith: first.residualizedWith,
      displayOptions: first.displayOptions,
      provenance: first.provenance,
      combination: { kind: 'average', members },
    };
  }
  const [a, b] = results;
  const relevance = differenceMap(a.relevance, b.relevance);
  return {
    background: a.background,
    relevance,
    display: displayMap(relevance, CAT12_GRID.dims, first.displayOptions ?? { scaling: 'fixed' }),
    logits: a.logits.map((x, i) => x - (b.logits[i] ?? Number.NaN)),
    probability: a.probability - b.probability,
    modelLabel: a.modelLabel === b.modelLabel ? a.modelLabel : `${a.modelLabel} − ${b.modelLabel}`,
    methodLabel: a.methodLabel === b.methodLabel ? a.methodLabel : `${a.methodLabel} − ${b.methodLabel}`,
    notices,
    engineNotes,
    gate,
    timings,
    backend: a.backend,
    residualizedWith: a.residualizedWith,
    displayOptions: a.displayOptions,
    provenance: a.provenance,
    combination: { kind: 'difference', members },
  };
}
