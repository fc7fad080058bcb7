/**
 * A resolved model bundle: everything the pipeline needs to know about one model, read once from
 * its files by whichever host loaded them (fetch in the worker, the file system in the CLI):
 *  - the network itself;
 *  - its covariate model, when it was trained on residuals (covariateModel.ts);
 *  - the display post-processing its relevance needs: model.json's userDefinedMetadata
 *    { "display": { "scaling": "fixed", "factor": 500 } }, else the host's catalog entry (catalog.ts);
 *  - its calibration: temperature scaling of the logits, logits / T, read from model.json's
 *    userDefinedMetadata { "calibration": { "temperature": T } }; identity (T = 1) when absent.
 * Hosts build bundles with loadModelBundle and hand them to runPipeline; they add nothing else.
 */
import type * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import type { CovariateModel } from '../analysis/residualize';
import type { DisplayOptions } from '../analysis/scale';
import { CAT12_GRID } from '../volume/grid';
import type { ModelProvenance } from './catalog';
import { covariateModelSpec, loadCovariateModel } from './covariateModel';
import { loadModel } from './loadModel';
import type { Model } from './types';

/** Temperature scaling: calibrated logits = logits / temperature (Guo et al. 2017). */
export interface Calibration {
  temperature: number;
}

export const IDENTITY_CALIBRATION: Readonly<Calibration> = Object.freeze({ temperature: 1 });

export interface ModelBundle {
  model: Model;
  /** What to call it in results. */
  label: string;
  /** Voxel-wise covariate model on the grid; null when the model takes raw gray-matter maps. */
  covariateModel: CovariateModel | null;
  /** Display post-processing of its relevance (absent: the paper's fixed x500). */
  display?: DisplayOptions;
  calibration: Calibration;
  /** Which disclaimer goes with its output (absent: the host does not say). */
  provenance?: ModelProvenance;
}

/** The calibration model.json asks for; identity when it names none. Throws InputError on a bad one. */
export function calibrationFromMetadata(metadata: unknown): Calibration {
  const c = metadata && typeof metadata === 'object' ? (metadata as Record<string, unknown>).calibration : undefined;
  if (c === undefined || c === null) return { ...IDENTITY_CALIBRATION };
  const t = typeof c === 'object' ? (c as Record<string, unknown>).temperature : undefined;
  if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0) {
    throw new InputError(`model.json: calibration.temperature must be a positive number, not ${JSON.stringify(t)}; remove "calibration" for none.`);
  }
  return { temperature: t };
}

/** The display post-processing model.json asks for (undefined: none). Throws InputError on a bad one. */
export function displayFromMetadata(metadata: unknown): DisplayOptions | undefined {
  const d = metadata && typeof metadata === 'object' ? (metadata as Record<string, unknown>).display : undefined;
  if (d === undefined || d === null) return undefined;
  const o = (typeof d === 'object' ? d : {}) as Record<string, unknown>;
  const positive = (k: string) => o[k] === undefined || (typeof o[k] === 'number' && Number.isFinite(o[k]) && (o[k] as number) > 0);
  if ((o.scaling !== 'fixed' && o.scaling !== 'adaptive') || !positive('factor') || !positive('sigma') || !positive('percentile')) {
    throw new InputError(
      `model.json: display must be { "scaling": "fixed" | "adaptive" } with positive factor, sigma or percentile, not ${JSON.stringify(d)}.`,
    );
  }
  const out: DisplayOptions = { scaling: o.scaling };
  if (o.factor !== undefined) out.factor = o.factor as number;
  if (o.sigma !== undefined) out.sigma = o.sigma as number;
  if (o.percentile !== undefined) out.percentile = o.percentile as number;
  return out;
}

/** A bundle of a model without covariates or calibration (the seeded model, imported HDF5 files). */
export function plainBundle(model: Model, label: string, extra: { display?: DisplayOptions; provenance?: ModelProvenance } = {}): ModelBundle {
  return { model, label, covariateModel: null, calibration: { ...IDENTITY_CALIBRATION }, ...extra };
}

export interface BundleSource {
  /** What to call the model. */
  label: string;
  /** Reads a file named in model.json, relative to it (covariate maps). */
  read?: (path: string) => Promise<Uint8Array>;
  display?: DisplayOptions;
  provenance?: ModelProvenance;
}

/**
 * Builds a bundle from tfjs model artifacts (model.json + weights) and the files it names. The
 * covariate model and calibration come from the artifacts' userDefinedMetadata.
 */
export async function loadModelBundle(artifacts: tf.io.ModelArtifacts, source: BundleSource): Promise<ModelBundle> {
  const metadata = artifacts.userDefinedMetadata;
  const spec = covariateModelSpec(metadata);
  const calibration = calibrationFromMetadata(metadata);
  const display = displayFromMetadata(metadata) ?? source.display;
  if (spec && !source.read) throw new InputError(`The model "${source.label}" needs its covariate model file, which this host cannot read.`);
  const covariateModel = spec ? await loadCovariateModel(spec, source.read!, CAT12_GRID.dims) : null;
  const model = await loadModel(artifacts, source.label);
  return { model, label: source.label, covariateModel, calibration, display, provenance: source.provenance };
}
