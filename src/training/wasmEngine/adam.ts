/**
 * Adam as tfjs's AdamOptimizer computes it (tf.train.adam(lr): beta1 0.9, beta2 0.999, epsilon the
 * cpu backend's 1e-7), every operation rounded to float32 in tfjs's order: given the same
 * gradients, both training engines write bit-identical weights and moments. Why emulate rather
 * than call tfjs: the update touches 695 k weights per step, and one engine should not need
 * the other's tensors. The state has the layout of tfjs's getWeights ([iter, m..., v...], moments
 * in the order of the trainable weights), so a checkpoint written by either engine resumes on both.
 */
import type { NamedWeight } from '../../core/model/seeded';

const f = Math.fround;

export class Adam {
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private iterations = 0;
  private accBeta1: number;
  private accBeta2: number;

  constructor(
    /** Names of the trainable weights, in the order their moments are stored. */
    private readonly names: readonly string[],
    /** Their shapes (the state lists each moment with its weight's shape, as tfjs does). */
    private readonly shapes: readonly number[][],
    readonly learningRate: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-7,
  ) {
    const size = (sh: number[]) => sh.reduce((a, b) => a * b, 1);
    this.m = shapes.map((sh) => new Float32Array(size(sh)));
    this.v = shapes.map((sh) => new Float32Array(size(sh)));
    this.accBeta1 = f(beta1);
    this.accBeta2 = f(beta2);
  }

  /** One update of every weight (weights[i] in place) from its gradient. */
  apply(weights: readonly Float32Array[], grads: readonly Float32Array[]): void {
    const b1 = f(this.beta1),
      b2 = f(this.beta2),
      c1 = f(1 - this.beta1),
      c2 = f(1 - this.beta2);
    const om1 = f(1 - this.accBeta1),
      om2 = f(1 - this.accBeta2);
    const eps = f(this.epsilon),
      nlr = f(-this.learningRate);
    weights.forEach((w, i) => {
      const g = grads[i]!,
        m = this.m[i]!,
        v = this.v[i]!;
      if (g.length !== w.length || m.length !== w.length) throw new RangeError(`adam: weight ${this.names[i]} has ${w.length} values, gradient ${g.length}`);
      for (let j = 0; j < w.length; j++) {
        const gj = g[j]!;
        const mj = f(f(m[j]! * b1) + f(gj * c1));
        const vj = f(f(v[j]! * b2) + f(f(gj * gj) * c2));
        m[j] = mj;
        v[j] = vj;
        const mh = f(mj / om1),
          vh = f(vj / om2);
        w[j] = f(f(f(mh / f(f(Math.sqrt(vh)) + eps)) * nlr) + w[j]!);
      }
    });
    this.accBeta1 = f(this.accBeta1 * b1);
    this.accBeta2 = f(this.accBeta2 * b2);
    this.iterations++;
  }

  /** [iter, name/m ..., name/v ...] as tfjs's getWeights lists them. */
  state(): NamedWeight[] {
    const moments = (arrs: Float32Array[], suffix: string) =>
      arrs.map((a, i) => ({ name: `${this.names[i]}/${suffix}`, shape: this.shapes[i]!.slice(), data: a.slice() }));
    return [{ name: 'iter', shape: [], data: Float32Array.of(this.iterations) }, ...moments(this.m, 'm'), ...moments(this.v, 'v')];
  }

  /** Restores a state written by state() or by tfjs's getWeights (matched by position, as tfjs does). */
  setState(s: readonly NamedWeight[]): void {
    if (s[0]?.name !== 'iter') throw new Error('adam state: the first entry must be the iteration count');
    const moments = s.slice(1);
    const k = this.m.length;
    if (moments.length !== 0 && moments.length !== 2 * k) throw new Error(`adam state: ${moments.length} moments for ${k} weights`);
    this.iterations = s[0].data[0]!;
    // tfjs's setWeights: accBeta = beta^(iter + 1)
    this.accBeta1 = f(Math.pow(f(this.beta1), this.iterations + 1));
    this.accBeta2 = f(Math.pow(f(this.beta2), this.iterations + 1));
    for (let i = 0; i < k; i++) {
      const m = moments[i]?.data ?? new Float32Array(this.m[i]!.length),
        v = moments[k + i]?.data ?? new Float32Array(this.v[i]!.length);
      if (m.length !== this.m[i]!.length || v.length !== this.v[i]!.length) throw new Error(`adam state: moments of ${this.names[i]} have the wrong size`);
      this.m[i]!.set(m);
      this.v[i]!.set(v);
    }
  }
}
