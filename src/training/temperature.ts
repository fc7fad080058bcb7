/**
 * Temperature scaling (Guo et al. 2017): one scalar T > 0 such that softmax(logits / T) is
 * calibrated, fitted on validation logits. The NLL is convex in b = 1/T (a logistic regression
 * through the origin on the logit difference), so it is unimodal in log b and a golden-section
 * search over log T finds the minimum. The app reads T from model.json's userDefinedMetadata
 * { "calibration": { "temperature": T } } (core/model/bundle.ts).
 *
 * Why a prior: a validation fold of 30 synthetic subjects is often perfectly separated, and then the
 * likelihood keeps rising as T -> 0 (every probability 0 or 1): the maximum-likelihood T is no
 * estimate at all. We take the maximum a posteriori T under a weak log-normal prior centred on 1
 * (log T ~ N(0, 1), i.e. T within 0.14..7.4 at 95 %): on plentiful, overlapping data it changes
 * nothing measurable; on separated data it keeps T finite at the least overconfident value the
 * data allow.
 */

/** Bounds of the search: beyond them the data are (nearly) separable and T would run away. */
export const TEMPERATURE_RANGE: readonly [number, number] = [0.05, 20];
/** Standard deviation of the prior on log T. */
export const LOG_TEMPERATURE_PRIOR_SD = 1;

/** Mean negative log-likelihood of softmax(logits / T) at the true labels (natural log). */
export function temperatureNll(logits: readonly (readonly number[])[], labels: readonly number[], temperature: number): number {
  let sum = 0;
  logits.forEach((z, i) => {
    const s = z.map((v) => v / temperature);
    const max = Math.max(...s);
    const logSum = max + Math.log(s.reduce((a, v) => a + Math.exp(v - max), 0));
    sum += logSum - s[labels[i]!]!;
  });
  return sum / logits.length;
}

export interface TemperatureFit {
  temperature: number;
  nllBefore: number;
  nllAfter: number;
  /** Subjects it was fitted on. */
  n: number;
  /** The prior on log T (normal, mean 0) that the fit is the posterior mode of. */
  logTemperaturePriorSd: number;
}

export function fitTemperature(logits: readonly (readonly number[])[], labels: readonly number[]): TemperatureFit {
  if (logits.length === 0 || logits.length !== labels.length) throw new RangeError('fitTemperature needs as many labels as logit vectors (at least one)');
  // the negative log posterior per subject: mean NLL + the prior's share
  const penalty = 1 / (2 * LOG_TEMPERATURE_PRIOR_SD ** 2 * logits.length);
  const f = (logT: number) => temperatureNll(logits, labels, Math.exp(logT)) + penalty * logT * logT;
  let lo = Math.log(TEMPERATURE_RANGE[0]),
    hi = Math.log(TEMPERATURE_RANGE[1]);
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = hi - phi * (hi - lo),
    b = lo + phi * (hi - lo);
  let fa = f(a),
    fb = f(b);
  while (hi - lo > 1e-7) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - phi * (hi - lo);
      fa = f(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + phi * (hi - lo);
      fb = f(b);
    }
  }
  const temperature = Math.exp((lo + hi) / 2);
  return {
    temperature,
    nllBefore: temperatureNll(logits, labels, 1),
    nllAfter: temperatureNll(logits, labels, temperature),
    n: logits.length,
    logTemperaturePriorSd: LOG_TEMPERATURE_PRIOR_SD,
  };
}
