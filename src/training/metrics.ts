/** Evaluation metrics (pure): the cohort statistics of the core, and calibration error. */
export { auc, pearson } from '../core/cohort/stats';

/**
 * Expected calibration error of a binary classifier (Guo et al. 2017, top-label): each subject's
 * confidence max(p, 1 - p) in its predicted class (AD when p > 0.5) falls into one of `bins`
 * equal-width bins ((m-1)/M, m/M] (an edge, up to rounding, belongs to the lower bin); ECE = sum over bins of (bin size / n) x |accuracy - mean
 * confidence|. p = P(label 1); labels 1 / 0.
 */
export function expectedCalibrationError(probabilities: readonly number[], labels: readonly number[], bins = 10): number {
  const n = probabilities.length;
  if (n === 0 || labels.length !== n) throw new RangeError('expectedCalibrationError needs as many labels as probabilities (at least one)');
  const count = new Float64Array(bins),
    correct = new Float64Array(bins),
    confidence = new Float64Array(bins);
  probabilities.forEach((p, i) => {
    const predicted = p > 0.5 ? 1 : 0;
    const conf = predicted ? p : 1 - p;
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(conf * bins - 1e-9) - 1));
    count[b]++;
    confidence[b] += conf;
    if (predicted === (labels[i] ? 1 : 0)) correct[b]++;
  });
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]) ece += (count[b]! / n) * Math.abs(correct[b]! / count[b]! - confidence[b]! / count[b]!);
  return ece;
}
