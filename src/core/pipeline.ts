/**
 * The one pipeline, shared by the web worker, the CLI and the tests:
 *
 *   scan bytes -> NIfTI volume -> CAT12 grid
 *     -> per model: input-shape check, (residualized) model tensor, forward + relevance (model space),
 *        calibration, relevance on the grid
 *     -> combination (mean of models, a fold ensemble with its fold-spread map, or difference of two analyses)
 *     -> display map + region scores
 *
 * Hosts resolve the model bundle(s) (model, covariate model, display options, calibration:
 * model/bundle.ts) and supply the atlas when they want region scores; everything else happens
 * here, in pure TypeScript on tfjs ops, so the same bytes give the same numbers in every host.
 */
import { InputError } from './errors';
import type { Message } from './messages';
import type { PipelineProgress, PipelineStage } from './progress';
import { readNifti, type NiftiHeaderInfo } from './nifti';
import type { ScanImage } from './input/types';
import { CAT12_GRID } from './volume/grid';
import { resampleToGrid } from './volume/resample';
import { gridToModelTensor, MODEL_INPUT_SHAPE, modelTensorToGrid } from './volume/modelTensor';
import { decideInput, InputRefused, withoutPreprocessing, type GateDecision } from './gate';
import type { Volume } from './volume/types';
import { explain } from './lrp/methods';
import { methodSpec, unknownMethodMessage, type MethodId } from './lrp/registry';
import type { OcclusionOptions } from './lrp/occlusion';
import type { ModelExecutor } from './lrp/executor';
import { softmax } from './model/forward';
import type { Model } from './model/types';
import { plainBundle, type Calibration, type ModelBundle } from './model/bundle';
import { DEFAULT_ADAPTIVE_PERCENTILE, DEFAULT_DISPLAY_SIGMA, DEFAULT_FIXED_FACTOR, displayMap, type DisplayOptions } from './analysis/scale';
import { regionAndLobeScores, type AtlasRegion, type LabelArray, type LobeScore, type RegionScore } from './analysis/regions';
import { DEFAULT_COVARIATES, residualize, type CovariateModel, type Covariates } from './analysis/residualize';
import { differenceMap, mean, meanMaps, meanVectors, sdMaps } from './analysis/combine';
import { runPreprocessIfWanted, type PreprocessHook } from './preprocess/hook';
import type { PreprocessResult } from './preprocess';

export { PIPELINE_STAGES, type PipelineProgress, type PipelineStage } from './progress';
export type { ModelBundle } from './model/bundle';

export interface Atlas {
  /** Labels on the CAT12 grid. */
  labels: LabelArray;
  regions: readonly AtlasRegion[];
}

/**
 * Several analyses of the one scan, combined:
 *  - average: the mean of the primary bundle and `others` (e.g. cross-validation folds): mean
 *    probability, mean logits, mean raw relevance; the same model twice counts once;
 *  - ensemble: the same mean over a family's cross-validation folds (the primary bundle is the
 *    first fold), plus the fold-spread map: the per-voxel SD of the raw relevance across the folds,
 *    which shows where they disagree;
 *  - difference: primary minus `other` (another model, another method, or both): raw relevance
 *    A - B, logits A - B and probability A - B.
 * The combined raw map is displayed with the primary bundle's post-processing.
 */
export type PipelineCombination =
  { kind: 'average'; others: ModelBundle[] } | { kind: 'ensemble'; others: ModelBundle[] } | { kind: 'difference'; other: ModelBundle; method?: MethodId };

export interface PipelineOptions {
  /** The resolved model (preferred): its covariate model, display options and calibration apply. */
  bundle?: ModelBundle;
  /** Without a bundle: a bare model (with `covariateModel` and `display`, as before bundles). */
  model?: Model;
  method: MethodId;
  /** Output neuron to explain (default 1 = AD). */
  neuron?: number;
  /** Without a bundle: a voxel-wise covariate model on the grid (the paper's "resmodel"). */
  covariateModel?: CovariateModel;
  /** Covariates for models that residualize (default DEFAULT_COVARIATES); ignored by raw models. */
  covariates?: Covariates;
  /** With an atlas the result carries the paper's region scores. */
  atlas?: Atlas;
  /** Overrides the bundle's display post-processing. */
  display?: DisplayOptions;
  occlusion?: OcclusionOptions;
  /** A faster engine built for the primary model (the wasm-simd planar executor); methods it lacks run on tfjs. */
  executor?: ModelExecutor;
  /** The faster engine for any model of the run (combinations); `executor` wins for the primary one. */
  executorFor?: (model: Model) => Promise<ModelExecutor | undefined>;
  combine?: PipelineCombination;
  /**
   * Called once a model's analysis is done, so a host can release the engine it built for it: an
   * ensemble's ten wasm engines (memory, kernel workers) then never live at once.
   */
  doneWith?: (model: Model) => void;
  onProgress?: (p: PipelineProgress) => void;
  signal?: AbortSignal;
  /** The raw-T1 stage: its templates and when to run it (default auto: when the scan looks like a raw T1). */
  preprocess?: PreprocessHook;
}

/** One analysis of a combined result, with its own prediction. */
export interface CombinationMember {
  modelLabel: string;
  method: MethodId;
  methodLabel: string;
  probability: number;
  logits: number[];
}

export interface PipelineCombinationRecord {
  kind: 'average' | 'ensemble' | 'difference';
  members: CombinationMember[];
}

/** A fold ensemble's fold-spread map: where the folds disagree. */
export interface FoldSpread {
  /** Per-voxel sample SD of the raw relevance across the folds, on the grid. */
  relevance: Float32Array;
  /** Displayed with the ensemble's own post-processing, so its colours read on the relevance map's scale (>= 0). */
  display: Float32Array;
  folds: number;
}

export interface PipelineOutput {
  /** The NIfTI header, when the scan was a NIfTI file (absent for DICOM). */
  header?: NiftiHeaderInfo;
  /** The scan as read (its own grid and affine), for resampling results back into its space. */
  scan: Volume<Float32Array>;
  /** The scan on the CAT12 grid (121 x 145 x 121), NaN kept as read. */
  grid: Float32Array;
  /** What the (primary) model saw, on the grid (residuals when it has a covariate model; NaN -> 0). */
  input: Float32Array;
  /** Raw relevance on the grid (zeros outside the model's crop); combined for a combination. */
  relevance: Float32Array;
  /** Smoothed and scaled to [-1, 1] for display. */
  display: Float32Array;
  /** Calibrated logits (a combination: mean, or A - B). */
  logits: number[];
  /** softmax of the calibrated logits (a combination: mean, or A - B). */
  probabilities: number[];
  /** softmax(logits)[1]: the model's likelihood of AD (a difference: P_A - P_B). */
  probability: number;
  method: MethodId;
  neuron: number;
  /** The model, or the combination ("mean of 3 models", "A − B"). */
  modelLabel: string;
  methodLabel: string;
  /** What the input gate made of the scan (doubtful: its reasons belong beside the result). */
  gate: GateDecision;
  /** For the person, about the scan (e.g. NaN voxels), as translatable Messages. */
  notices: Message[];
  /** About the engine, not the scan (e.g. a method the fast engine lacks ran on tfjs): Diagnostics material. */
  engineNotices: string[];
  /** What computed the model and the relevance: the executor's id (e.g. "wasm-simd") or "tfjs". */
  engine: string;
  /** Milliseconds per stage (summed over the analyses of a combination). */
  timings: Record<PipelineStage, number>;
  regions?: { regions: RegionScore[]; lobes: LobeScore[] };
  /** The covariates the input was residualized with; absent when no model of the run residualizes. */
  residualizedWith?: Covariates;
  /** The display post-processing applied, every default filled in. */
  displayOptions: Required<Pick<DisplayOptions, 'scaling' | 'sigma'>> & DisplayOptions;
  /** The (primary) model's calibration. */
  calibration: Calibration;
  /** Present for a combination: how it was made and each member's own prediction. */
  combination?: PipelineCombinationRecord;
  /** Present for a fold ensemble. */
  spread?: FoldSpread;
  /** Present when the raw-T1 stage made the GM map (an approximate CAT12-like map) from the scan. */
  preprocessed?: PreprocessResult;
}

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new DOMException('The analysis was cancelled.', 'AbortError');
}

/** Lets a worker deliver progress and cancel messages between the synchronous stages. */
const yieldToHost = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The model input the pipeline feeds: the paper's crop, without the batch axis. */
const MODEL_INPUT = MODEL_INPUT_SHAPE.slice(1);

function checkInputShape(bundle: ModelBundle): void {
  const shape = bundle.model.inputShape;
  if (shape.length !== MODEL_INPUT.length || shape.some((d, i) => d !== MODEL_INPUT[i])) {
    throw new InputError(
      `The model "${bundle.label}" takes inputs of ${shape.join(' x ')}, but this app feeds the paper's ${MODEL_INPUT.join(' x ')} crop of the 1.5 mm MNI grid; use a model trained on that input.`,
    );
  }
}

/** Covariates a residualizing model can use: finite, sex within [0, 1] (0.5 unknown), a positive TIV. */
function checkCovariates(c: Covariates): void {
  for (const key of ['age', 'sex', 'tiv', 'field'] as const) {
    if (typeof c[key] !== 'number' || !Number.isFinite(c[key])) {
      throw new InputError(`The covariate ${key} is ${String(c[key])}; give a number (the model regresses it out of the scan).`);
    }
  }
  if (c.sex < 0 || c.sex > 1) throw new InputError(`The covariate sex is ${c.sex}; use 1 for female, 0 for male, 0.5 when unknown.`);
  if (c.tiv <= 0) throw new InputError(`The covariate TIV is ${c.tiv} ml; give the total intracranial volume in ml (about 1000 to 2000).`);
}

function checkMethod(method: string): void {
  const unknown = unknownMethodMessage(method);
  if (unknown) throw new InputError(unknown);
}

/** Every default of the display post-processing filled in, so results and reports say what ran. */
function resolveDisplayOptions(d: DisplayOptions | undefined): PipelineOutput['displayOptions'] {
  const o = d ?? { scaling: 'fixed' as const };
  const sigma = o.sigma ?? DEFAULT_DISPLAY_SIGMA;
  return o.scaling === 'adaptive'
    ? { scaling: 'adaptive', sigma, percentile: o.percentile ?? DEFAULT_ADAPTIVE_PERCENTILE }
    : { scaling: 'fixed', sigma, factor: o.factor ?? DEFAULT_FIXED_FACTOR };
}

interface Member {
  bundle: ModelBundle;
  method: MethodId;
  /** Progress prefix ("A", "model 2 of 3", "fold 2 of 10"); empty for a single analysis. */
  prefix: string;
  /** Which analysis of a combination this is, for progress events. */
  position?: NonNullable<PipelineProgress['member']>;
}

interface MemberResult {
  input: Float32Array;
  relevance: Float32Array;
  logits: number[];
  probabilities: number[];
  engine: string;
  notices: string[];
  /** Residualization and the model tensor (counted in the 'grid' stage). */
  prepareMs: number;
  forwardMs: number;
  relevanceMs: number;
  residualized: boolean;
}

/** The analyses a run consists of: one, the distinct models of an average, or A and B. */
function membersOf(primary: ModelBundle, method: MethodId, combine?: PipelineCombination): Member[] {
  if (!combine) return [{ bundle: primary, method, prefix: '' }];
  if (combine.kind === 'difference') {
    const methodB = combine.method ?? method;
    checkMethod(methodB);
    return [
      { bundle: primary, method, prefix: 'A', position: { index: 1, count: 2, unit: 'analysis' } },
      { bundle: combine.other, method: methodB, prefix: 'B', position: { index: 2, count: 2, unit: 'analysis' } },
    ];
  }
  // Duplicates first, then the count: ticking one model twice is still one model.
  const distinct: ModelBundle[] = [];
  for (const b of [primary, ...combine.others]) if (!distinct.some((d) => d === b || d.model === b.model)) distinct.push(b);
  if (distinct.length < 2) {
    throw new InputError(
      combine.kind === 'ensemble'
        ? 'A fold ensemble needs at least two different fold models; deploy two or more folds.'
        : 'Averaging needs at least two different models; tick two or more.',
    );
  }
  const unit = combine.kind === 'ensemble' ? 'fold' : 'model';
  return distinct.map((bundle, n) => ({
    bundle,
    method,
    prefix: `${unit} ${n + 1} of ${distinct.length}`,
    position: { index: n + 1, count: distinct.length, unit },
  }));
}

/** `scan`: NIfTI bytes, or a scan already read by readScan (src/core/input: NIfTI, DICOM, zip). */
export async function runPipeline(scan: Uint8Array | ScanImage, options: PipelineOptions): Promise<PipelineOutput> {
  const { method, signal } = options;
  const neuron = options.neuron ?? 1;
  checkMethod(String(method));
  const primary = options.bundle ?? bundleOfLegacyOptions(options);
  const members = membersOf(primary, method, options.combine);
  for (const m of members) checkInputShape(m.bundle);
  let covariates = options.covariates ?? DEFAULT_COVARIATES;
  if (members.some((m) => m.bundle.covariateModel)) checkCovariates(covariates);
  const report = (stage: PipelineStage, fraction: number, message?: string, member?: PipelineProgress['member']) =>
    options.onProgress?.(member ? { stage, fraction, message, member } : { stage, fraction, message });
  const timings: Record<PipelineStage, number> = { reading: 0, preprocess: 0, grid: 0, forward: 0, relevance: 0, post: 0 };
  let t = performance.now();
  const lap = (stage: PipelineStage) => {
    const now = performance.now();
    timings[stage] = now - t;
    t = now;
  };

  report('reading', 0, 'reading the scan');
  const image = scan instanceof Uint8Array ? readNifti(scan) : { volume: scan.volume, header: scan.nifti?.header, notices: scan.notices };
  const notices = [...image.notices];
  lap('reading');
  report('reading', 1);
  await yieldToHost();
  checkAborted(signal);

  // A DICOM series is one 3D volume; a NIfTI file says how many it holds.
  const gate = decideInput(image.volume, image.header ?? { nVolumes: 1 });
  const preprocessed = options.preprocess
    ? await runPreprocessIfWanted(image, gate, options.preprocess, (f, m) => report('preprocess', f, m), signal)
    : undefined;
  // Without the raw-T1 stage (a host that gives no templates) a raw T1 is refused like any other image the model is not for.
  if (!preprocessed && gate.verdict !== 'analyze' && gate.verdict !== 'doubtful') throw new InputRefused(withoutPreprocessing(gate));
  lap('preprocess');
  await yieldToHost();
  checkAborted(signal);

  report('grid', 0, 'placing the scan on the model grid');
  if (preprocessed) {
    if (preprocessed.qc.verdict !== 'pass') notices.push(...preprocessed.qc.reasons);
    // A preprocessed scan brings its own TIV, measured from the scan itself: it replaces the given one.
    covariates = { ...covariates, tiv: preprocessed.volumes.tiv_ml };
  }
  const grid = preprocessed ? preprocessed.gm : resampleToGrid(image.volume, CAT12_GRID, 'trilinear').data;
  lap('grid');
  report('grid', 1);
  await yieldToHost();
  checkAborted(signal);

  const results: MemberResult[] = [];
  for (const member of members) {
    checkAborted(signal);
    const executor = member.bundle === primary && options.executor ? options.executor : await options.executorFor?.(member.bundle.model);
    const say = (m?: string) => (member.prefix ? `${member.prefix}: ${m ?? ''}`.trim() : m);
    const keepInput = results.length === 0; // only the primary model's input is shown; ten copies would cost 85 MB
    results.push(
      await analyzeOne(grid, member, {
        ...options,
        neuron,
        covariates,
        executor,
        keepInput,
        onProgress: (p) => report(p.stage, p.fraction, say(p.message), member.position),
      }),
    );
    options.doneWith?.(member.bundle.model);
  }
  const engineNotices: string[] = [];
  for (const r of results) {
    engineNotices.push(...r.notices);
    timings.grid += r.prepareMs;
    timings.forward += r.forwardMs;
    timings.relevance += r.relevanceMs;
  }
  t = performance.now();
  checkAborted(signal);

  report('post', 0, options.combine ? 'combining, smoothing and region scores' : 'smoothing and region scores');
  const combined = combineResults(members, results, options.combine?.kind);
  const displayOptions = resolveDisplayOptions(options.display ?? primary.display);
  const display = displayMap(combined.relevance, CAT12_GRID.dims, displayOptions);
  const spread = combined.spread
    ? { relevance: combined.spread, display: displayMap(combined.spread, CAT12_GRID.dims, displayOptions), folds: results.length }
    : undefined;
  const regions = options.atlas ? regionAndLobeScores(combined.relevance, options.atlas.labels, options.atlas.regions) : undefined;
  lap('post');
  report('post', 1);

  return {
    header: image.header,
    scan: image.volume,
    grid,
    input: results[0]!.input,
    relevance: combined.relevance,
    display,
    logits: combined.logits,
    probabilities: combined.probabilities,
    probability: combined.probability,
    method,
    neuron,
    modelLabel: combined.modelLabel,
    methodLabel: combined.methodLabel,
    gate,
    notices,
    engineNotices: [...new Set(engineNotices)],
    engine: results[0]!.engine,
    timings,
    regions,
    residualizedWith: results.some((r) => r.residualized) ? { ...covariates } : undefined,
    displayOptions,
    calibration: { ...primary.calibration },
    combination: combined.combination,
    spread,
    preprocessed,
  };
}

function bundleOfLegacyOptions(options: PipelineOptions): ModelBundle {
  if (!options.model) throw new Error('runPipeline needs a model bundle (or a model)');
  const bundle = plainBundle(options.model, options.model.name, { display: options.display });
  return options.covariateModel ? { ...bundle, covariateModel: options.covariateModel } : bundle;
}

/** One model and method on the grid scan: residualize, explain, calibrate, back onto the grid. */
async function analyzeOne(
  grid: Float32Array,
  member: Member,
  o: PipelineOptions & { neuron: number; covariates: Covariates; executor?: ModelExecutor; keepInput: boolean },
): Promise<MemberResult> {
  const { bundle } = member;
  const t0 = performance.now();
  const input = bundle.covariateModel ? residualize(grid, bundle.covariateModel, o.covariates) : grid;
  const tensor = gridToModelTensor(input); // also replaces NaN by 0
  const prepareMs = performance.now() - t0;
  await yieldToHost();
  checkAborted(o.signal);
  const explanation = await explain(bundle.model, tensor, {
    method: member.method,
    neuron: o.neuron,
    occlusion: o.occlusion,
    executor: o.executor,
    signal: o.signal,
    onProgress: (e) => {
      const fraction = e.total > 0 ? e.done / e.total : 1;
      o.onProgress?.({ stage: e.stage === 'forward' ? 'forward' : 'relevance', fraction, message: e.layer });
    },
  });
  // Temperature scaling: every method here is linear in the explained output (LRP starts from its
  // value and redistributes it linearly, gradients and occlusion differences scale with it), so
  // explaining logit / T is exactly the relevance divided by T.
  const t = bundle.calibration.temperature;
  const logits = t === 1 ? explanation.logits : explanation.logits.map((z) => z / t);
  const relevance = modelTensorToGrid(explanation.relevance).data;
  if (t !== 1) for (let v = 0; v < relevance.length; v++) relevance[v] = relevance[v]! / t;
  return {
    input: o.keepInput ? modelTensorToGrid(tensor).data : new Float32Array(0),
    relevance,
    logits,
    probabilities: t === 1 ? explanation.probabilities : softmax(logits),
    engine: explanation.engine,
    notices: explanation.notices,
    prepareMs,
    forwardMs: explanation.timings.forward_ms,
    relevanceMs: explanation.timings.total_ms - explanation.timings.forward_ms,
    residualized: bundle.covariateModel !== null,
  };
}

function methodLabelOf(id: MethodId): string {
  return methodSpec(id)?.label ?? id;
}

function combineResults(members: Member[], results: MemberResult[], kind?: PipelineCombination['kind']) {
  const record: CombinationMember[] = members.map((m, n) => ({
    modelLabel: m.bundle.label,
    method: m.method,
    methodLabel: methodLabelOf(m.method),
    probability: results[n]!.probabilities[1] ?? Number.NaN,
    logits: [...results[n]!.logits],
  }));
  const first = results[0]!;
  if (!kind) {
    return {
      relevance: first.relevance,
      logits: first.logits,
      probabilities: first.probabilities,
      probability: first.probabilities[1] ?? Number.NaN,
      modelLabel: record[0]!.modelLabel,
      methodLabel: record[0]!.methodLabel,
      combination: undefined,
      spread: undefined,
    };
  }
  if (kind === 'average' || kind === 'ensemble') {
    const maps = results.map((r) => r.relevance);
    return {
      relevance: meanMaps(maps),
      logits: meanVectors(results.map((r) => r.logits)),
      probabilities: meanVectors(results.map((r) => r.probabilities)),
      probability: mean(record.map((m) => m.probability)),
      modelLabel: kind === 'ensemble' ? `fold ensemble (mean of ${results.length} folds)` : `mean of ${results.length} models`,
      methodLabel: record[0]!.methodLabel,
      combination: { kind, members: record },
      spread: kind === 'ensemble' ? sdMaps(maps) : undefined,
    };
  }
  const [a, b] = results as [MemberResult, MemberResult];
  const [ma, mb] = record as [CombinationMember, CombinationMember];
  return {
    relevance: differenceMap(a.relevance, b.relevance),
    logits: a.logits.map((x, i) => x - (b.logits[i] ?? Number.NaN)),
    probabilities: a.probabilities.map((x, i) => x - (b.probabilities[i] ?? Number.NaN)),
    probability: ma.probability - mb.probability,
    modelLabel: ma.modelLabel === mb.modelLabel ? ma.modelLabel : `${ma.modelLabel} − ${mb.modelLabel}`,
    methodLabel: ma.methodLabel === mb.methodLabel ? ma.methodLabel : `${ma.methodLabel} − ${mb.methodLabel}`,
    combination: { kind, members: record },
    spread: undefined,
  };
}
