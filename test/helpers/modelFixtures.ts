/**
 * Small models on the paper's full input (so the pipeline accepts them) and a deterministic
 * covariate model, plus a writer of tfjs model folders with metadata, for the bundle tests.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { CovariateModel } from '../../src/core/analysis/residualize';
import { artifactsFromWeights, paperTopology, seededWeights, type NamedWeight } from '../../src/core/model/seeded';
import { CAT12_GRID } from '../../src/core/volume/grid';

export const SMALL = { filters: 2, hidden: [8, 4] as [number, number] };
const FULL_INPUT: [number, number, number, number] = [100, 100, 120, 1];

export function smallWeights(seed: number): NamedWeight[] {
  return seededWeights(seed, SMALL);
}

export function smallArtifacts(seed: number, weights = smallWeights(seed)): tf.io.ModelArtifacts {
  return artifactsFromWeights(paperTopology(FULL_INPUT, SMALL.filters, SMALL.hidden), weights);
}

const VOXELS = CAT12_GRID.dims[0] * CAT12_GRID.dims[1] * CAT12_GRID.dims[2];

/** Smoothly varying coefficient maps of plausible size (GM in [0, 1], age in years, TIV in ml). */
export function testCovariateModel(): CovariateModel {
  const map = (f: (v: number) => number) => Float32Array.from({ length: VOXELS }, (_, v) => f(v));
  return {
    b0: map((v) => 0.05 * Math.sin(v * 1e-3)),
    b1: map((v) => -1e-3 * (1 + Math.cos(v * 7e-4))),
    b2: map((v) => 0.01 * Math.sin(v * 3e-4)),
    b3: map(() => 2e-5),
    b4: map((v) => 0.004 * Math.cos(v * 2e-4)),
  };
}

/** The five maps back to back, little-endian float32: the binary covariate-model file. */
export function covariateModelBytes(m: CovariateModel): Uint8Array {
  const out = new Float32Array(5 * VOXELS);
  [m.b0, m.b1, m.b2, m.b3, m.b4].forEach((b, i) => out.set(b, i * VOXELS));
  return new Uint8Array(out.buffer);
}

/** Writes model.json (+ one weight shard and any extra files) into `dir`. */
export function writeModelDir(dir: string, artifacts: tf.io.ModelArtifacts, metadata: object, files: Record<string, Uint8Array> = {}): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(artifacts.weightData as ArrayBuffer));
  const json = {
    format: 'layers-model',
    generatedBy: 'relevance-viewer test',
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
    userDefinedMetadata: metadata,
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  return dir;
}
