/**
 * Stand-ins for cross-validation fold models, made at test (or bench) time only: one model's weights
 * with a small seeded multiplicative perturbation per fold, so the folds agree broadly and disagree a
 * little, as trained folds do. Never written into models/ (they are not trained models).
 */
import type * as tf from '@tensorflow/tfjs';
import { DEMO_MODEL_DIR, readArtifactsFromDir } from '../../src/cli/loadModelNode';
import { float32Artifacts } from '../../src/core/model/h5/quantize';
import { artifactsFromWeights, lcgUniform, type NamedWeight } from '../../src/core/model/seeded';

/** w * (1 + amount * u), u uniform in [-1, 1) from the fold's own seed. */
export function perturbedWeights(weights: readonly NamedWeight[], fold: number, amount = 0.1): NamedWeight[] {
  const u = lcgUniform(9001 + 17 * fold);
  return weights.map((w) => ({ ...w, data: Float32Array.from(w.data, (x) => x * (1 + amount * (2 * u() - 1))) }));
}

/** Full-size stand-in folds: the bundled demo model (models/demo), perturbed per fold, as float32 artifacts. */
export async function demoStandInFolds(folds: number, amount: number): Promise<tf.io.ModelArtifacts[]> {
  const demo = float32Artifacts((await readArtifactsFromDir(DEMO_MODEL_DIR)).artifacts);
  const data = new Float32Array(demo.weightData as ArrayBuffer);
  let offset = 0;
  const weights: NamedWeight[] = demo.weightSpecs!.map((s) => {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const w = { name: s.name, shape: s.shape, data: data.slice(offset, offset + n) };
    offset += n;
    return w;
  });
  return Array.from({ length: folds }, (_, k) => artifactsFromWeights(demo.modelTopology as object, perturbedWeights(weights, k, amount)));
}
