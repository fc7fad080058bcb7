/**
 * Stand-ins for cross-validation fold models, made at test time only: one model's weights with a
 * small seeded multiplicative perturbation per fold, so the folds agree broadly and disagree a
 * little, as trained folds do. Never written into models/ (they are not trained models).
 */
import { lcgUniform, type NamedWeight } from '../../src/core/model/seeded';

/** w * (1 + amount * u), u uniform in [-1, 1) from the fold's own seed. */
export function perturbedWeights(weights: readonly NamedWeight[], fold: number, amount = 0.1): NamedWeight[] {
  const u = lcgUniform(9001 + 17 * fold);
  return weights.map((w) => ({ ...w, data: Float32Array.from(w.data, (x) => x * (1 + amount * (2 * u() - 1))) }));
}
