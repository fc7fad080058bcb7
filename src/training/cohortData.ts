/**
 * The training cohort as the network sees it (pure): synthetic CN and AD subjects as model tensors
 * (uint8, the cohort files' quantization), their covariates, the stratified folds, and the
 * covariate model (the paper's "resmodel") fitted voxel-wise on the CN subjects of the training
 * part only, so neither the validation nor the held-out fold leaks into it.
 *
 * The covariate model is fitted in model-tensor space (the crop the network sees, on exactly the
 * quantized values it trains on) and rounded to float16, the precision of the covariates.bin the
 * app reads; on the grid it is the same maps with zeros outside the crop (modelTensorToGrid).
 * Because gridToModelTensor only crops and reorders, residualizing on the grid (the app) and in
 * model space (training) give the network bit-identical inputs.
 *
 * What is stored (and what training then uses) is that fit on every COVARIATE_STEP-th grid voxel,
 * interpolated back (storedCovariateModel, core/volume/coarseGrid.ts): the covariate effects are
 * smooth and the file shrinks ~8x; the price is a blurred fit at the sharp cortex borders (voxel-wise
 * residual of new CN subjects +24 % rms, test/training-synth.test.ts), with the covariate effects
 * still removed. Training residualizes with exactly what the app reads, so the two never differ.
 */
import { sexCode } from '../core/analysis/covariatesInput';
import { covariateModelFitter, residualize, type CovariateModel, type Covariates } from '../core/analysis/residualize';
import { COEFFICIENT_NAMES, decodeCovariateBinary, encodeCovariateBinary } from '../core/model/covariateModel';
import { coarseDims, downsampleLinear, upsampleLinear } from '../core/volume/coarseGrid';
import { CAT12_GRID } from '../core/volume/grid';
import { gridToModelTensor, modelTensorToGrid, MODEL_TENSOR_LENGTH } from '../core/volume/modelTensor';
import { groupOf, subjectMeta, synthSubject, type Group, type SubjectMeta, type SynthContext } from './synth';

/** uint8 storage of GM maps: q / 150 (0..1.7, step 0.0067); mwp1 values stay below ~1.5. */
export const GM_SLOPE = 1 / 150;

export function quantize(t: Float32Array): Uint8Array {
  const q = new Uint8Array(t.length);
  for (let i = 0; i < t.length; i++) q[i] = Math.max(0, Math.min(255, Math.round(t[i]! / GM_SLOPE)));
  return q;
}
export function dequantize(q: Uint8Array, out = new Float32Array(q.length)): Float32Array {
  for (let i = 0; i < q.length; i++) out[i] = q[i]! * GM_SLOPE;
  return out;
}

/** The covariates of a synthetic subject as the residualization takes them (sex 1 = female). */
export function covariatesOf(m: Pick<SubjectMeta, 'age' | 'sex' | 'tiv' | 'field'>): Covariates {
  return { age: m.age, sex: sexCode(m.sex), tiv: m.tiv, field: m.field };
}

export interface TrainingSet {
  ids: string[];
  groups: Group[];
  /** Model tensors, quantized. */
  x: Uint8Array[];
  /** 1 = AD, 0 = CN (MCI: 1, only in test cohorts, never trained on). */
  y: number[];
  covariates: Covariates[];
  /** Covariate model in model-tensor space; null: the network takes raw GM maps. */
  covariateModel: CovariateModel | null;
}

/** Subjects 0..n-1 of cohort `seed`, groups in turn (CN, AD, CN, ... by default). */
export function makeTrainingSet(
  ctx: SynthContext,
  seed: number,
  n: number,
  groups: readonly Group[] = ['CN', 'AD'],
  log: (s: string) => void = () => {},
): TrainingSet {
  const set: TrainingSet = { ids: [], groups: [], x: [], y: [], covariates: [], covariateModel: null };
  for (let i = 0; i < n; i++) {
    const g = groupOf(i, groups);
    const s = synthSubject(ctx, seed, i, g);
    set.ids.push(s.meta.id);
    set.groups.push(g);
    set.x.push(quantize(gridToModelTensor(s.gm)));
    set.y.push(g === 'CN' ? 0 : 1);
    set.covariates.push(covariatesOf(s.meta));
    if ((i + 1) % 50 === 0) log(`  generated ${i + 1}/${n}`);
  }
  return set;
}

/** The strata of the cross-validation split: diagnosis x field strength (both balanced over folds). */
export function strataOf(seed: number, n: number, groups: readonly Group[] = ['CN', 'AD']): string[] {
  return Array.from({ length: n }, (_, i) => {
    const g = groupOf(i, groups);
    return `${g}/${subjectMeta(seed, i, g).field}T`;
  });
}

/** The subset `indices` of a set (shared arrays: the tensors are not copied). */
export function subset(set: TrainingSet, indices: readonly number[]): TrainingSet {
  return {
    ids: indices.map((i) => set.ids[i]!),
    groups: indices.map((i) => set.groups[i]!),
    x: indices.map((i) => set.x[i]!),
    y: indices.map((i) => set.y[i]!),
    covariates: indices.map((i) => set.covariates[i]!),
    covariateModel: set.covariateModel,
  };
}

/** Each map rounded to float16 (through the very encoder and decoder of covariates.bin). */
export function roundToFloat16(model: CovariateModel): CovariateModel {
  return decodeCovariateBinary(encodeCovariateBinary(model, 'float16'), model.b0.length, 'float16');
}

/** Voxel-wise least squares on the CN subjects of `set`, in model-tensor space, rounded to float16. */
export function fitTensorCovariateModel(set: TrainingSet): CovariateModel {
  const cn = set.groups.flatMap((g, i) => (g === 'CN' ? [i] : []));
  if (cn.length < 6) throw new RangeError(`the covariate model needs at least 6 CN subjects (5 coefficients), the training part has ${cn.length}`);
  const fitter = covariateModelFitter(
    cn.map((i) => set.covariates[i]!),
    MODEL_TENSOR_LENGTH,
  );
  const tmp = new Float32Array(MODEL_TENSOR_LENGTH);
  cn.forEach((i, s) => fitter.add(s, dequantize(set.x[i]!, tmp)));
  const { dropped: _dropped, ...maps } = fitter.finish();
  return roundToFloat16(maps);
}

/** The covariate model on the CAT12 grid (zeros outside the crop), as covariates.bin stores it. */
export function covariateModelOnGrid(tensorModel: CovariateModel): CovariateModel {
  const out = {} as CovariateModel;
  for (const b of COEFFICIENT_NAMES) out[b] = modelTensorToGrid(tensorModel[b]).data;
  return out;
}

/** Grid step of the stored coefficient maps (covariateModelStep in model.json). */
export const COVARIATE_STEP = 2;

export interface StoredCovariateModel {
  step: number;
  /** The maps as covariates.bin keeps them: on every step-th grid voxel, float16. */
  stored: CovariateModel;
  /** What the app interpolates from them, in model-tensor space: the model training residualizes with. */
  tensor: CovariateModel;
}

/** A fitted tensor-space covariate model as it is stored and as the app will read it back. */
export function storedCovariateModel(tensorFit: CovariateModel, step = COVARIATE_STEP): StoredCovariateModel {
  const grid = covariateModelOnGrid(tensorFit);
  const dims = CAT12_GRID.dims;
  // only the crop the network sees holds fitted values; the zeros around it must not leak in
  const crop = Uint8Array.from(modelTensorToGrid(new Float32Array(MODEL_TENSOR_LENGTH).fill(1)).data);
  const coarse = {} as CovariateModel;
  for (const b of COEFFICIENT_NAMES) coarse[b] = step === 1 ? grid[b] : downsampleLinear(grid[b], dims, step, crop);
  const stored = roundToFloat16(coarse);
  const [cx, cy, cz] = coarseDims(dims, step);
  if (stored.b0.length !== cx * cy * cz) throw new Error('stored covariate maps have the wrong size');
  const tensor = {} as CovariateModel;
  for (const b of COEFFICIENT_NAMES) tensor[b] = gridToModelTensor(step === 1 ? stored[b] : upsampleLinear(stored[b], dims, step));
  return { step, stored, tensor };
}

/** Subject k's network input: the dequantized tensor, residualized when the set has a covariate model. */
export function loadInput(set: TrainingSet, k: number, out = new Float32Array(MODEL_TENSOR_LENGTH)): Float32Array {
  dequantize(set.x[k]!, out);
  return set.covariateModel ? residualize(out, set.covariateModel, set.covariates[k], out) : out;
}
