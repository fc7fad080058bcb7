/**
 * Centres the two output logits of the final Dense(2) layer: z_AD = -z_CN = (z_AD - z_CN) / 2.
 *
 * Why: softmax depends only on the logit difference, so cross-entropy's gradient on the sum of the
 * two weight columns is zero and that sum keeps its random (Glorot) initial value for the whole
 * training. The AD logit then carries a common-mode term, ((w_CN + w_AD)·h + b_CN + b_AD) / 2, that
 * says nothing about the decision but follows whatever the last hidden layer encodes (mostly how much
 * GM a scan has). LRP starts from the AD logit itself (docs/lrp.md), so that term flows back into the
 * map (in the previous demo model it was as large as the decision term: sum |w_CN + w_AD| 9.6 against
 * sum |w_AD - w_CN| 9.9), where an emptied hippocampus lowers it while the AD evidence rises.
 * Subtracting the common mode from both logits leaves every softmax output unchanged and makes the
 * AD logit half the log-odds, so a map's sign says which side the scan is on.
 * Pure; the paper's own models are never changed (their maps must stay the paper's).
 */
import type { NamedWeight } from '../core/model/seeded';

export const OUTPUT_KERNEL = 'dense_3/kernel';
export const OUTPUT_BIAS = 'dense_3/bias';

export function centerOutputLogits(weights: readonly NamedWeight[]): NamedWeight[] {
  return weights.map((w) => {
    if (w.name !== OUTPUT_KERNEL && w.name !== OUTPUT_BIAS) return w;
    if (w.shape[w.shape.length - 1] !== 2) throw new Error(`${w.name} has ${w.shape.join('x')}: not a two-class output layer`);
    // each row of the kernel (one hidden unit's two weights) and the bias centre as a logit pair does
    const data = new Float32Array(w.data.length);
    for (let i = 0; i < data.length; i += 2) data.set(centerLogitPair([w.data[i]!, w.data[i + 1]!]), i);
    return { ...w, data };
  });
}

/** The logits the centred layer gives for the original layer's [z_CN, z_AD]. */
export function centerLogitPair(z: readonly number[]): number[] {
  const half = (z[1]! - z[0]!) / 2;
  return [-half, half];
}
